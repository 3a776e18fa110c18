// The search: every hardware x precision x TP candidate, judged by the hard rules, the best
// per hardware ranked by cost per 1M output tokens; every rejection keeps its reason.
#include "llmhw/recommend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "llmhw/text.hpp"

namespace llmhw {
namespace {

struct Judged {
  Evaluation evaluation;
  size_t failed_rule = 0;  // index of the first failing hard rule; rules().size() = passes all
};

Judged judge(Evaluation e, const Query& q) {
  const auto& rules = hard_rules();
  size_t i = 0;
  while (i < rules.size() && rules[i].passes(e, q)) ++i;
  return {std::move(e), i};
}

// How far a failing candidate is from passing the rule it failed (smaller is closer).
double miss(const Judged& j, const Query& q) {
  const Evaluation& e = j.evaluation;
  const std::string_view rule = hard_rules()[j.failed_rule].name;
  if (rule == "fits-memory") return e.memory.weights_gb + e.memory.reserve_gb - e.memory.capacity_gb;
  if (rule == "meets-tpot") return e.at_load.tpot_s * 1e3 / q.tpot_ms;
  if (rule == "meets-ttft") return e.at_load.ttft_s * 1e3 / q.ttft_ms;
  return e.cost_per_hour;
}

bool cheaper(const Evaluation& a, const Evaluation& b) {
  auto key = [](const Evaluation& e) {
    return std::make_tuple(e.cost_per_million_tokens, e.replicas * e.deployment.tp, e.at_load.tpot_s,
                           e.deployment.hardware->id, static_cast<int>(e.deployment.weights));
  };
  return key(a) < key(b);
}

std::string precision_list(const Hardware& hw) {
  std::string out;
  for (const auto& [p, tflops] : hw.tflops) out += (out.empty() ? "" : ", ") + std::string(to_string(p));
  return out.empty() ? "none" : out;
}

Rejection reject(const Hardware& hw, const std::vector<Judged>& tries, const Query& q) {
  if (tries.empty()) {
    std::string asked;
    for (Precision p : q.precisions) asked += (asked.empty() ? "" : ", ") + std::string(to_string(p));
    return {
        &hw,
        "precision-supported",
        {fmt::format("no requested precision ({}) is supported (native: {})", asked, precision_list(hw))}};
  }
  const Judged* closest = &tries.front();
  for (const Judged& j : tries) {
    if (j.failed_rule > closest->failed_rule ||
        (j.failed_rule == closest->failed_rule && miss(j, q) < miss(*closest, q))) {
      closest = &j;
    }
  }
  const Deployment& d = closest->evaluation.deployment;
  const Rule& rule = hard_rules()[closest->failed_rule];
  return {&hw,
          std::string(rule.name),
          {fmt::format("{}; closest try: {}, TP={}", rule.why_not(closest->evaluation, q),
                       to_string(d.weights), d.tp)}};
}

std::vector<std::string> explain(const Evaluation& e, const Query& q) {
  const Deployment& d = e.deployment;
  const Hardware& hw = *d.hardware;
  const double kv_gb = e.memory.kv_gb_per_running_sequence * std::ceil(e.at_load.concurrency) * d.tp;
  std::vector<std::string> reasons;
  reasons.push_back(fmt::format(
      "{}x {} per replica{}: {} at {} is {} of weights + {} KV cache for {:.0f} concurrent requests", d.tp,
      hw.id, d.tp > 1 ? fmt::format(" (TP={})", d.tp) : "", text::params(count_parameters(*d.model).total),
      to_string(d.weights), text::gb(e.memory.weights_gb * d.tp), text::gb(kv_gb),
      std::ceil(e.at_load.concurrency)));
  reasons.push_back(
      fmt::format("{} replicas for {} req/s: one replica serves up to {} req/s at {:.0f} concurrent requests "
                  "({}-bound)",
                  e.replicas, text::rate(q.qps), text::rate(e.capacity.requests_per_s),
                  e.capacity.concurrency, e.limited_by));
  reasons.push_back(fmt::format("TTFT {} <= {}, TPOT {} <= {} at this load; decode is {}-bound",
                                text::ms(e.at_load.ttft_s * 1e3), text::ms(q.ttft_ms),
                                text::ms(e.at_load.tpot_s * 1e3), text::ms(q.tpot_ms),
                                to_string(e.at_load.step.bottleneck())));
  reasons.push_back(fmt::format(
      "{}/h = {} devices x {}/h {} ({} {}, {}, {}); {} per 1M output tokens", text::usd(e.cost_per_hour),
      e.replicas * d.tp, text::usd(e.price->usd_per_device_hour), e.price->pricing, e.price->provider,
      e.price->instance_type, e.price->region, e.price->date, text::usd(e.cost_per_million_tokens)));
  return reasons;
}

}  // namespace

std::vector<Precision> candidate_precisions(const Query& query, const Hardware& hw, const Model& model) {
  // auto: 16-bit and 8-bit formats, which serve with near-baseline quality, and the precision
  // the checkpoint is published in (gpt-oss ships MXFP4); other 4-bit formats change the
  // model's answers enough that llmhw considers them only when asked.
  std::vector<Precision> wanted = query.precisions;
  if (wanted.empty()) {
    wanted = {Precision::bf16, Precision::fp8, Precision::int8};
    if (model.checkpoint_precision &&
        std::find(wanted.begin(), wanted.end(), *model.checkpoint_precision) == wanted.end()) {
      wanted.push_back(*model.checkpoint_precision);
    }
  }
  std::vector<Precision> offered;
  for (Precision p : wanted) {
    if (compute_precision(hw, p)) offered.push_back(p);
  }
  // Without native fp8 an engine runs fp8 as weight-only int8-like; keep one 8-bit choice.
  if (query.precisions.empty() && !hw.peak_tflops(Precision::fp8)) {
    std::erase(offered, Precision::fp8);
  }
  return offered;
}

RecommendResult recommend(const Query& query, const Model& model, const std::vector<Hardware>& catalog,
                          const Calibration& calibration) {
  RecommendResult result;
  const ModelFacts facts = derive_facts(model);
  for (const Hardware& hw : catalog) {
    if (!query.kinds.empty() &&
        std::find(query.kinds.begin(), query.kinds.end(), hw.kind) == query.kinds.end()) {
      continue;
    }
    std::vector<Judged> tries;
    for (Precision p : candidate_precisions(query, hw, model)) {
      for (int tp : candidate_tp_sizes(hw, model)) {
        Deployment d{&model, &hw, p, Precision::bf16, tp};
        d.facts = &facts;
        tries.push_back(judge(evaluate(d, query, calibration.for_hardware(hw)), query));
      }
    }
    const Judged* best = nullptr;
    for (const Judged& j : tries) {
      if (j.failed_rule == hard_rules().size() && (!best || cheaper(j.evaluation, best->evaluation)))
        best = &j;
    }
    if (best) {
      Evaluation kept = best->evaluation;
      kept.deployment.facts = nullptr;  // `facts` lives only as long as this search
      result.recommendations.push_back({kept, explain(kept, query)});
    } else {
      result.rejected.push_back(reject(hw, tries, query));
    }
  }
  std::sort(
      result.recommendations.begin(), result.recommendations.end(),
      [](const Recommendation& a, const Recommendation& b) { return cheaper(a.evaluation, b.evaluation); });
  std::sort(result.rejected.begin(), result.rejected.end(),
            [](const Rejection& a, const Rejection& b) { return a.hardware->id < b.hardware->id; });
  if (!result.recommendations.empty()) {
    const double best_cost = result.recommendations.front().evaluation.cost_per_million_tokens;
    for (size_t i = 0; i < result.recommendations.size(); ++i) {
      auto& r = result.recommendations[i];
      const double ratio = r.evaluation.cost_per_million_tokens / best_cost;
      r.reasons.push_back(
          i == 0 ? "rank 1: lowest cost per 1M output tokens"
                 : fmt::format("rank {}: {:.2f}x the cost per 1M output tokens of rank 1", i + 1, ratio));
    }
  }
  return result;
}

}  // namespace llmhw
