// The hard rules: each a named check of an evaluated deployment, with the numbers behind it.
#include <fmt/format.h>

#include "llmhw/recommend.hpp"
#include "llmhw/text.hpp"

namespace llmhw {
namespace {

constexpr double kMaxSaneReplicas = 1e6;

std::string model_label(const Evaluation& e) {
  return text::params(count_parameters(*e.deployment.model).total) + " " +
         std::string(to_string(e.deployment.weights));
}

Verdict fits_memory(const Evaluation& e, const Query& q) {
  const MemoryPlan& m = e.memory;
  const Deployment& d = e.deployment;
  if (m.fits()) {
    return {true,
            fmt::format("{} weights {} per device + KV {} per sequence fit in {} usable", model_label(e),
                        text::gb(m.weights_gb), text::gb(m.kv_gb_per_sequence), text::gb(m.capacity_gb))};
  }
  const double free_gb = m.capacity_gb - m.weights_gb - m.reserve_gb;
  const std::string where = d.tp > 1 ? fmt::format(" split over {} devices (TP={})", d.tp, d.tp) : "";
  if (free_gb <= 0) {
    return {false, fmt::format("{} is {} of weights{}: {} per device + {} reserve > {} usable of {} GB",
                               model_label(e), text::gb(m.weights_gb * d.tp), where, text::gb(m.weights_gb),
                               text::gb(m.reserve_gb), text::gb(m.capacity_gb), d.hardware->memory_gb)};
  }
  const double context = q.workload.input_tokens + q.workload.output_tokens;
  return {false, fmt::format("{} weights leave {} per device for KV cache{}, less than one {}-token "
                             "sequence needs ({})",
                             model_label(e), text::gb(free_gb), where, text::grouped(context),
                             text::gb(m.kv_gb_per_sequence))};
}

std::string at_concurrency(const Evaluation& e) {
  return e.at_load.concurrency <= 1.0
             ? "even with 1 request per replica"
             : fmt::format("at {:.0f} concurrent requests per replica", std::ceil(e.at_load.concurrency));
}

Verdict meets_tpot(const Evaluation& e, const Query& q) {
  const double tpot = e.at_load.tpot_s * 1e3;
  if (tpot <= q.tpot_ms) {
    return {true, fmt::format("TPOT {} <= {} target", text::ms(tpot), text::ms(q.tpot_ms))};
  }
  return {false, fmt::format("TPOT {} > {} target {} ({}-bound)", text::ms(tpot), text::ms(q.tpot_ms),
                             at_concurrency(e), to_string(e.at_load.step.bottleneck()))};
}

Verdict meets_ttft(const Evaluation& e, const Query& q) {
  const double ttft = e.at_load.ttft_s * 1e3;
  if (ttft <= q.ttft_ms) {
    return {true, fmt::format("TTFT {} <= {} target", text::ms(ttft), text::ms(q.ttft_ms))};
  }
  return {false,
          fmt::format("TTFT {} > {} target {} (prefill of {} tokens takes {}, {}-bound)", text::ms(ttft),
                      text::ms(q.ttft_ms), at_concurrency(e), text::grouped(q.workload.input_tokens),
                      text::ms(e.at_load.prompt.total_s() * 1e3), to_string(e.at_load.prompt.bottleneck()))};
}

Verdict sane_replica_count(const Evaluation& e, const Query& q) {
  if (static_cast<double>(e.replicas) <= kMaxSaneReplicas) return {true, ""};
  return {false, fmt::format("needs {} replicas for {} req/s ({} req/s each); more than {} is not "
                             "a deployment",
                             text::grouped(static_cast<double>(e.replicas)), text::rate(q.qps),
                             text::rate(e.capacity.requests_per_s), text::grouped(kMaxSaneReplicas))};
}

Verdict has_price(const Evaluation& e, const Query& q) {
  if (e.price) return {true, ""};
  std::string available;
  for (const Price& p : e.deployment.hardware->prices) {
    if (available.find(p.pricing) == std::string::npos)
      available += (available.empty() ? "" : ", ") + p.pricing;
  }
  return {false, fmt::format("no {} price in the {} profile (it has: {}; see --pricing)", q.pricing,
                             e.deployment.hardware->id, available.empty() ? "none" : available)};
}

Verdict within_budget(const Evaluation& e, const Query& q) {
  if (!q.budget_per_hour || e.cost_per_hour <= *q.budget_per_hour) return {true, ""};
  return {false,
          fmt::format("costs {}/h ({} replicas x {} devices) > budget {}/h", text::usd(e.cost_per_hour),
                      e.replicas, e.deployment.tp, text::usd(*q.budget_per_hour))};
}

}  // namespace

const std::vector<Rule>& hard_rules() {
  // Order matters: a rejection names the first rule its closest candidate failed.
  static const std::vector<Rule> rules = {
      {"fits-memory", fits_memory}, {"meets-tpot", meets_tpot},
      {"meets-ttft", meets_ttft},   {"sane-replica-count", sane_replica_count},
      {"has-price", has_price},     {"within-budget", within_budget},
  };
  return rules;
}

}  // namespace llmhw
