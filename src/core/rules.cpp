// The hard rules: each a named check of an evaluated deployment, with the numbers behind it.
#include <fmt/format.h>

#include "llmhw/power.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/text.hpp"

namespace llmhw {
namespace {

constexpr double kMaxSaneReplicas = 1e6;

std::string model_label(const Evaluation& e) {
  return text::params(count_parameters(*e.deployment.model).total) + " " +
         std::string(to_string(e.deployment.weights));
}

bool fits_memory(const Evaluation& e, const Query&) {
  return e.memory.fits();
}

std::string why_not_fits_memory(const Evaluation& e, const Query& q) {
  const MemoryPlan& m = e.memory;
  const Deployment& d = e.deployment;
  const double free_gb = m.capacity_gb - m.weights_gb - m.reserve_gb;
  // Every device of the replica holds a share: TP ranks within a stage, PP stages across nodes.
  const int devices = d.devices();
  const std::string where = devices > 1 ? fmt::format(" split over {} devices ({})", devices, layout(d)) : "";
  if (free_gb <= 0) {
    return fmt::format("{} is {} of weights{}: {} per device + {} reserve > {} usable of {} GB",
                       model_label(e), text::gb(m.weights_gb * devices), where, text::gb(m.weights_gb),
                       text::gb(m.reserve_gb), text::gb(m.capacity_gb), d.hardware->memory_gb);
  }
  const double context = q.workload.input_tokens + q.workload.output_tokens;
  return fmt::format(
      "{} weights leave {} per device for KV cache{}, less than one {}-token sequence needs ({})",
      model_label(e), text::gb(free_gb), where, text::grouped(context), text::gb(m.kv_gb_per_sequence));
}

std::string at_concurrency(const Evaluation& e) {
  return e.at_load.concurrency <= 1.0
             ? "even with 1 request per replica"
             : fmt::format("at {:.0f} concurrent requests per replica", std::ceil(e.at_load.concurrency));
}

// "TPOT 210 ms", "p90 TPOT 210 ms"; with more significant digits, in the same unit, when the
// rounded value would read as the target it exceeds ("TPOT 50.31 ms > 50 ms", "TTFT 1.001 s >
// 1 s", not "TTFT 1 s > 1 s" or "1001.00 ms").
std::string metric(const char* name, double percentile, double seconds, double target_ms) {
  const double ms = seconds * 1e3;
  std::string value = text::ms(ms);
  for (int digits = 4; digits <= 8 && value == text::ms(target_ms); ++digits) {
    value = ms >= 1000 ? fmt::format("{:.{}g} s", ms / 1000, digits) : fmt::format("{:.{}g} ms", ms, digits);
  }
  return fmt::format("{}{} {}", text::percentile_prefix(percentile), name, value);
}

// Under --confidence p90, what the checked value is: " (band high end: 1.20x 41.7 ms)".
std::string band_note(double factor, double predicted_s) {
  return factor == 1.0 ? ""
                       : fmt::format(" (band high end: {:.2f}x {})", factor, text::ms(predicted_s * 1e3));
}

bool meets_tpot(const Evaluation& e, const Query& q) {
  return checked_tpot_s(e.at_load, q) * 1e3 <= q.tpot_ms;
}

std::string why_not_tpot(const Evaluation& e, const Query& q) {
  return fmt::format("{}{} > {} target {} ({}-bound)",
                     metric("TPOT", q.tpot_percentile, checked_tpot_s(e.at_load, q), q.tpot_ms),
                     band_note(q.tpot_check_factor, e.at_load.tpot_at(q.tpot_percentile)),
                     text::ms(q.tpot_ms), at_concurrency(e), to_string(e.at_load.step.bottleneck()));
}

bool meets_ttft(const Evaluation& e, const Query& q) {
  return checked_ttft_s(e.at_load, q) * 1e3 <= q.ttft_ms;
}

std::string why_not_ttft(const Evaluation& e, const Query& q) {
  return fmt::format("{}{} > {} target {} (prefill of {} tokens takes {}, {}-bound)",
                     metric("TTFT", q.ttft_percentile, checked_ttft_s(e.at_load, q), q.ttft_ms),
                     band_note(q.ttft_check_factor, e.at_load.ttft_at(q.ttft_percentile)),
                     text::ms(q.ttft_ms), at_concurrency(e), text::grouped(q.workload.input_tokens),
                     text::ms(e.at_load.prompt.total_s() * 1e3), to_string(e.at_load.prompt.bottleneck()));
}

bool meets_e2e(const Evaluation& e, const Query& q) {
  return !q.e2e_ms || checked_e2e_s(e.at_load, q) * 1e3 <= *q.e2e_ms;
}

std::string why_not_e2e(const Evaluation& e, const Query& q) {
  return fmt::format("{} > {} target {}",
                     metric("E2E", q.e2e_percentile, checked_e2e_s(e.at_load, q), *q.e2e_ms),
                     text::ms(*q.e2e_ms), at_concurrency(e));
}

bool sane_replica_count(const Evaluation& e, const Query&) {
  return static_cast<double>(e.replicas) <= kMaxSaneReplicas;
}

std::string why_not_sane_replica_count(const Evaluation& e, const Query& q) {
  return fmt::format("needs {} replicas for {} req/s ({} req/s each); more than {} is not a deployment",
                     text::grouped(static_cast<double>(e.replicas)), text::rate(q.qps),
                     text::rate(e.capacity.requests_per_s), text::grouped(kMaxSaneReplicas));
}

bool has_price(const Evaluation& e, const Query&) {
  return e.price != nullptr;
}

std::string why_not_price(const Evaluation& e, const Query& q) {
  const Hardware& hw = *e.deployment.hardware;
  const PriceBasis basis = q.price_basis();
  int largest = 0;  // the largest instance of the basis, when there is one
  bool any = false;
  std::string available, providers;
  for (const Price& p : hw.prices) {
    if (basis.admits(p)) {
      any = true;
      largest = std::max(largest, p.devices_per_instance);
    }
    if (available.find(p.pricing) == std::string::npos)
      available += (available.empty() ? "" : ", ") + p.pricing;
    if (p.pricing == q.pricing && providers.find(p.provider) == std::string::npos)
      providers += (providers.empty() ? "" : ", ") + p.provider;
  }
  if (any) {
    return fmt::format(
        "no {} instance in the {} profile holds a {}-device replica (TP={}); the largest holds {}", q.pricing,
        hw.id, e.deployment.devices(), e.deployment.tp, largest);
  }
  if (!q.providers.empty() && !providers.empty()) {
    return fmt::format("no {} price from {} in the {} profile (it has: {})", q.pricing,
                       fmt::join(q.providers, ", "), hw.id, providers);
  }
  return fmt::format("no {} price in the {} profile (it has: {}; see --pricing)", q.pricing, hw.id,
                     available.empty() ? "none" : available);
}

bool within_budget(const Evaluation& e, const Query& q) {
  return !q.budget_per_hour || e.total_cost_per_hour <= *q.budget_per_hour;
}

std::string why_not_budget(const Evaluation& e, const Query& q) {
  return fmt::format("costs {}/h ({} x {}) > budget {}/h", text::usd(e.total_cost_per_hour),
                     text::counted(static_cast<double>(e.replicas), "replica"),
                     text::counted(e.deployment.devices(), "device"), text::usd(*q.budget_per_hour));
}

}  // namespace

const std::vector<Rule>& hard_rules() {
  // Order matters: a rejection names the first rule its closest candidate failed.
  static const std::vector<Rule> rules = {
      {"fits-memory", fits_memory, why_not_fits_memory},
      {"meets-tpot", meets_tpot, why_not_tpot},
      {"meets-ttft", meets_ttft, why_not_ttft},
      {"meets-e2e", meets_e2e, why_not_e2e},
      {"sane-replica-count", sane_replica_count, why_not_sane_replica_count},
      {"has-price", has_price, why_not_price},
      {"within-budget", within_budget, why_not_budget},
      {"within-power-budget", within_power_budget, why_not_power_budget},
  };
  return rules;
}

}  // namespace llmhw
