// recommend's disaggregated candidates: a few prefill:decode worker ratios per hardware, sized and
// priced like the aggregated ones (include/llmhw/disaggregated.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "llmhw/disaggregated.hpp"
#include "llmhw/text.hpp"

namespace llmhw {

int Evaluation::devices() const {
  return disaggregated ? disaggregated->deployment.devices() : deployment.devices();
}

namespace {

// Prefill:decode worker ratios tried per hardware. Production splits lean to decode (Dynamo's
// DeepSeek-R1 recipes run 1 prefill to 1-4 decode workers; the silicon sample's disaggregated
// runs span 1:1 to 1:5 and, for long prompts, 2:1 and more): 3:1 and 2:1 for prompt-heavy loads,
// 1:1, and 1:2 to 1:4 for output-heavy ones.
constexpr std::array<std::pair<int, int>, 6> kDisaggregatedRatios = {
    {{3, 1}, {2, 1}, {1, 1}, {1, 2}, {1, 3}, {1, 4}}};

// A DisaggregatedPoint as the LoadPoint the rules, renderers and ranking read. The prefill and
// the KV transfer make up the request's own time to its first token; the wait is the prefill
// queue (M/G/c).
LoadPoint as_load_point(const DisaggregatedPoint& p, const Query& q, const Efficiency& eff) {
  LoadPoint l;
  static_cast<ServingPoint&>(l) = serving_point(p);
  // ttft_at() adds half a decode step, the admission to the decode worker's running batch.
  l.prefill_mean_s = p.prefill_s + p.transfer.seconds;
  l.prefill_utilisation = p.prefill_utilisation;
  l.wait = p.prefill_queue;
  l.output_tokens = q.workload.output_tokens;
  l.output_sd = q.output_sd;
  l.request_latency_s = eff.request_latency_ms * 1e-3;
  return l;
}

bool meets_targets(const DisaggregatedPoint& p, const Query& q, const Efficiency& eff) {
  if (!p.sustainable) return false;
  const LoadPoint l = as_load_point(p, q, eff);
  if (checked_ttft_s(l, q) * 1e3 > q.ttft_ms || checked_tpot_s(l, q) * 1e3 > q.tpot_ms) return false;
  return !q.e2e_ms || checked_e2e_s(l, q) * 1e3 <= *q.e2e_ms;
}

// The rate at which a side saturates: the prefill servers at k prompts per step, or the decode
// workers at their capacity. No rate meeting the targets is above it.
double saturation_rate(const DisaggregatedDeployment& d, const Query& q, const Efficiency& eff,
                       const DisaggregatedLimits& limits) {
  const Workload& w = q.workload;
  const double k = std::max(1.0, std::floor(limits.prefill.max_num_tokens / std::max(1.0, w.input_tokens)));
  const double prefill_bound = d.prefill_workers * d.prefill.dp * k /
                               prefill(d.prefill, w.input_tokens, eff, k, d.prefill.dp).total_s();
  double cap = static_cast<double>(limits.decode.max_batch) * d.decode.dp;
  if (limits.decode.kv_sequences > 0) cap = std::min(cap, static_cast<double>(limits.decode.kv_sequences));
  const double steps = std::max(1.0, w.output_tokens - 1);
  const double decode_bound =
      d.decode_workers * cap /
      (steps * decode_step(d.decode, cap, w.input_tokens + w.output_tokens / 2, eff).total_s());
  return std::min(prefill_bound, decode_bound);
}

// The largest rate per replica that meets the targets: bisection between 0 and the saturation
// rate, to a part in 4,096 of it.
double capacity_rate(const DisaggregatedDeployment& d, const Query& q, const Efficiency& eff,
                     const DisaggregatedLimits& limits) {
  const Workload& w = q.workload;
  const double bound = saturation_rate(d, q, eff, limits);
  const auto ok = [&](double rate) {
    return meets_targets(serve_disaggregated_at_rate(d, w, rate, eff, limits), q, eff);
  };
  double lo = bound / 4096, hi = bound;
  if (!ok(bound / 4096)) return 0;
  for (int i = 0; i < 12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (ok(mid) ? lo : hi) = mid;
  }
  return lo;
}

std::optional<Evaluation> evaluate_layout(const DisaggregatedDeployment& d, const Evaluation& aggregated,
                                          const Query& q, const Efficiency& eff, const EngineLimits& engine) {
  auto plan = std::make_shared<DisaggregatedPlan>();
  plan->deployment = d;
  const MemoryPlan decode_memory = plan_memory(d.decode, q.workload, eff);
  plan->prefill_memory = plan_memory(d.prefill, Workload{q.workload.input_tokens, 1}, eff);
  if (!decode_memory.fits() || !plan->prefill_memory.fits()) return std::nullopt;
  DisaggregatedLimits limits{engine, engine};
  limits.decode.kv_sequences = decode_memory.max_sequences;
  const double rate = capacity_rate(d, q, eff, limits);
  if (rate <= 0) return std::nullopt;
  plan->capacity = serve_disaggregated_at_rate(d, q.workload, rate, eff, limits);
  Evaluation e;
  e.deployment = d.decode;
  e.memory = decode_memory;
  e.capacity = as_load_point(plan->capacity, q, eff);
  const double serving = std::ceil(q.qps / (rate * q.max_utilisation));
  e.replicas = static_cast<long>(std::min(1e7, serving + q.n_plus));
  e.utilisation = q.qps / static_cast<double>(e.replicas) / rate;
  plan->at_load =
      serve_disaggregated_at_rate(d, q.workload, q.qps / static_cast<double>(e.replicas), eff, limits);
  e.at_load = as_load_point(plan->at_load, q, eff);
  // What stops a replica from serving more: the side that saturates just above its capacity.
  const DisaggregatedPoint above = serve_disaggregated_at_rate(d, q.workload, rate * 1.05, eff, limits);
  e.limited_by = !above.sustainable                                                  ? above.limited_by
                 : checked_tpot_s(as_load_point(above, q, eff), q) * 1e3 > q.tpot_ms ? "TPOT"
                                                                                     : "TTFT";
  e.disaggregated = plan;
  e.price = lowest_hosting_price(*d.decode.hardware, q.price_basis(), e.devices(), d.decode.tp);
  add_cost(e, q);
  (void)aggregated;
  for (const Rule& rule : hard_rules()) {
    if (!rule.passes(e, q)) return std::nullopt;
  }
  // The model facts live only as long as the search.
  e.deployment.facts = nullptr;
  plan->deployment.prefill.facts = nullptr;
  plan->deployment.decode.facts = nullptr;
  return e;
}

std::string side_layout(const Deployment& x) {
  std::string out = fmt::format("TP{}", x.tp);
  if (x.dp > 1) out += fmt::format(" DP{}", x.dp);
  if (x.moe_ep > 1) out += fmt::format(" EP{}", x.moe_ep);
  return out;
}

// What stops a replica from serving more: "then the prefill workers saturate".
std::string capped_by(const std::string& limited_by) {
  if (limited_by == "prefill") return "then the prefill workers saturate";
  if (limited_by == "transfer") return "then the KV transfer link saturates";
  if (limited_by == "kv-capacity") return "then the decode workers' KV cache is full";
  if (limited_by == "decode") return "then the decode workers saturate";
  return "then " + limited_by + " exceeds its target";
}

// Why the disaggregated layout wins, ties or loses on cost against the aggregated one.
std::string verdict(double cost_ratio, const Evaluation& e, const Evaluation& aggregated) {
  if (cost_ratio < 0.995) {
    return "wins: without prefills interrupting them the decode workers run a larger batch within the TPOT "
           "target, and the prefill workers batch prompts at full compute";
  }
  if (cost_ratio <= 1.005) {
    return fmt::format("ties on cost (the same devices); {}",
                       e.at_load.tpot_s < aggregated.at_load.tpot_s
                           ? "its TPOT is lower, no prefill stalls decoding"
                           : "the aggregated TPOT is as low");
  }
  return "loses: at this rate the aggregated replicas absorb prefill in their decode steps' idle compute, "
         "while a disaggregated replica pays for prefill workers that idle part of the time and for the KV "
         "transfer";
}

}  // namespace

// "2P1D TP1": 2 prefill and 1 decode workers (the xPyD notation of SGLang's and Dynamo's docs),
// each side's layout once when they share it, short enough for the table's layout column.
std::string layout_cell(const DisaggregatedDeployment& d) {
  const std::string prefill = side_layout(d.prefill), decode = side_layout(d.decode);
  if (prefill == decode) return fmt::format("{}P{}D {}", d.prefill_workers, d.decode_workers, prefill);
  return fmt::format("{}P {}+{}D {}", d.prefill_workers, prefill, d.decode_workers, decode);
}

std::optional<Evaluation> best_disaggregated(const Evaluation& aggregated, const Query& q,
                                             const Efficiency& eff, const EngineLimits& limits) {
  const Deployment& base = aggregated.deployment;
  if (base.pp > 1 || base.hardware->kind == DeviceKind::cpu) return std::nullopt;
  // A lower bound on each ratio's fleet cost, from its saturation rate and the lowest per-device
  // rate: ratios are sized cheapest bound first, and one whose bound exceeds the best fleet found
  // cannot win (the answer is the same as sizing all six; it saves most of the time).
  const Price* price = lowest_hosting_price(*base.hardware, q.price_basis(), 1, 1);
  const MemoryPlan decode_memory = plan_memory(base, q.workload, eff);
  if (!decode_memory.fits()) return std::nullopt;
  DisaggregatedLimits bound_limits{limits, limits};
  bound_limits.decode.kv_sequences = decode_memory.max_sequences;
  std::vector<std::pair<double, DisaggregatedDeployment>> layouts;
  for (const auto& [p, d] : kDisaggregatedRatios) {
    DisaggregatedDeployment layout{base, p, base, d};
    layout.prefill.max_batch = 0;
    layout.decode.max_batch = 0;
    const double rate = saturation_rate(layout, q, eff, bound_limits);
    const double replicas = std::ceil(q.qps / (rate * q.max_utilisation)) + q.n_plus;
    const double floor_cost = price ? replicas * layout.devices() * price->usd_per_device_hour : 0.0;
    layouts.emplace_back(floor_cost, layout);
  }
  std::stable_sort(layouts.begin(), layouts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::optional<Evaluation> best;
  for (const auto& [floor_cost, layout] : layouts) {
    if (best && price && floor_cost > best->total_cost_per_hour) break;
    auto e = evaluate_layout(layout, aggregated, q, eff, limits);
    if (!e) continue;
    const auto key = [](const Evaluation& x) {
      return std::make_pair(x.cost_per_million_tokens, x.total_devices());
    };
    if (!best || key(*e) < key(*best)) best = std::move(e);
  }
  return best;
}

std::optional<Evaluation> size_disaggregated(const DisaggregatedDeployment& d, const Query& q,
                                             const Efficiency& eff, const EngineLimits& limits) {
  return evaluate_layout(d, Evaluation{}, q, eff, limits);
}

std::vector<std::string> disaggregated_reasons(const Evaluation& e, const Evaluation* aggregated,
                                               const Query& q) {
  const DisaggregatedPlan& plan = *e.disaggregated;
  const DisaggregatedDeployment& d = plan.deployment;
  const DisaggregatedPoint& at = plan.at_load;
  std::vector<std::string> out;
  out.push_back(fmt::format(
      "disaggregated: {} = {} devices per replica; prefills never pause decoding, so TPOT is the decode "
      "step at {:.1f} running per decode worker",
      describe(d), d.devices(), at.decode_running));
  out.push_back(fmt::format("{} for {} req/s: one replica serves up to {} req/s ({}), {:.0f}% utilised",
                            text::counted(static_cast<double>(e.replicas), "replica"), text::rate(q.qps),
                            text::rate(plan.capacity.requests_per_s), capped_by(e.limited_by),
                            e.utilisation * 100));
  out.push_back(fmt::format(
      "TTFT {} = prefill {} + queue {} + KV transfer {} ({} per prompt over {}{}) + request {}; TPOT {}",
      text::ms(e.at_load.ttft_s * 1e3), text::ms(at.prefill_s * 1e3), text::ms(at.prefill_wait_s * 1e3),
      text::ms(at.transfer.seconds * 1e3), text::gb(at.transfer.bytes / 1e9), at.transfer.link,
      at.transfer.scale_out ? ", between nodes" : ", inside the NVLink/ICI domain",
      text::ms(e.at_load.request_latency_s * 1e3), text::ms(e.at_load.tpot_s * 1e3)));
  if (aggregated) {
    const double cost = e.cost_per_million_tokens / aggregated->cost_per_million_tokens;
    out.push_back(fmt::format(
        "vs aggregated {}x{} {} on {}: {:.2f}x the cost per 1M output tokens ({} vs {}), TTFT {} vs {}, "
        "TPOT {} vs {}; {}",
        aggregated->devices(), aggregated->replicas, layout(aggregated->deployment),
        aggregated->deployment.hardware->id, cost, text::usd(e.cost_per_million_tokens),
        text::usd(aggregated->cost_per_million_tokens), text::ms(e.at_load.ttft_s * 1e3),
        text::ms(aggregated->at_load.ttft_s * 1e3), text::ms(e.at_load.tpot_s * 1e3),
        text::ms(aggregated->at_load.tpot_s * 1e3), verdict(cost, e, *aggregated)));
  } else {
    out.push_back("the aggregated layout on this hardware misses the targets; disaggregation meets them");
  }
  out.push_back(fmt::format("{}/h = {}; {} per 1M output tokens", text::usd(e.total_cost_per_hour),
                            describe(e.rental, *e.deployment.hardware),
                            text::usd(e.cost_per_million_tokens)));
  return out;
}

std::string versus_disaggregated(const Evaluation& aggregated, const Evaluation& split) {
  const double cost = split.cost_per_million_tokens / aggregated.cost_per_million_tokens;
  return fmt::format(
      "vs disaggregated {}x{} {} ({}): {:.2f}x the cost per 1M output tokens ({} vs {} here), TTFT {} vs {}, "
      "TPOT {} vs {}; {}",
      split.devices(), split.replicas, layout_cell(split.disaggregated->deployment),
      describe(split.disaggregated->deployment), cost, text::usd(split.cost_per_million_tokens),
      text::usd(aggregated.cost_per_million_tokens), text::ms(split.at_load.ttft_s * 1e3),
      text::ms(aggregated.at_load.ttft_s * 1e3), text::ms(split.at_load.tpot_s * 1e3),
      text::ms(aggregated.at_load.tpot_s * 1e3),
      cost <= 1.005
          ? "the aggregated layout is kept: as cheap, and one kind of worker to run"
          : "the aggregated layout wins: its replicas absorb prefill in the decode steps' idle compute, "
            "while split workers pay for prefill capacity that idles part of the time");
}

std::vector<std::string> disaggregated_derivation(const Evaluation& e, const Query& q) {
  const DisaggregatedPlan& plan = *e.disaggregated;
  const DisaggregatedDeployment& d = plan.deployment;
  const DisaggregatedPoint& at = plan.at_load;
  std::vector<std::string> out;
  out.push_back(fmt::format("disaggregated replica: {} ({} devices)", describe(d), d.devices()));
  out.push_back(fmt::format(
      "prefill workers: {} weights per device; {} of {} tokens: {} ({}-bound), {:g} per step; utilisation "
      "{:.0f}%, mean queue {}",
      text::gb(plan.prefill_memory.weights_gb), "prefill", text::grouped(q.workload.input_tokens),
      text::ms(at.prefill_s * 1e3), to_string(at.prefill_step.bottleneck()), at.prompts_per_step,
      at.prefill_utilisation * 100, text::ms(at.prefill_wait_s * 1e3)));
  out.push_back(
      fmt::format("KV transfer: {} per prompt over {} ({}, {} lanes, {:.0f} GB/s): {}; link {:.1f}% busy",
                  text::gb(at.transfer.bytes / 1e9), at.transfer.link,
                  at.transfer.scale_out ? "scale-out" : "fast domain", at.transfer.lanes, at.transfer.gbps,
                  text::ms(at.transfer.seconds * 1e3), at.transfer.utilisation * 100));
  out.push_back(fmt::format(
      "decode workers: {} weights + KV per device; {:.1f} running per worker (holds {}): step {} (memory {}, "
      "compute {}, communication {}, overhead {}; {}-bound)",
      text::gb(e.memory.weights_gb), at.decode_running, text::grouped(at.decode_capacity),
      text::ms(at.decode_step.total_s() * 1e3), text::ms(at.decode_step.memory_s * 1e3),
      text::ms(at.decode_step.compute_s * 1e3), text::ms(at.decode_step.communication_s * 1e3),
      text::ms(at.decode_step.overhead_s * 1e3), to_string(at.decode_step.bottleneck())));
  out.push_back(fmt::format("TTFT mean {}, TPOT mean {}", text::ms(e.at_load.ttft_s * 1e3),
                            text::ms(e.at_load.tpot_s * 1e3)));
  out.push_back(fmt::format("replicas: ceil({} / ({} x {:g})) + {} spare = {}; {:.0f}% utilised",
                            text::rate(q.qps), text::rate(plan.capacity.requests_per_s), q.max_utilisation,
                            q.n_plus, e.replicas, e.utilisation * 100));
  out.push_back(fmt::format("cost: {}/h rental ({}); {} per 1M output tokens", text::usd(e.cost_per_hour),
                            describe(e.rental, *e.deployment.hardware),
                            text::usd(e.cost_per_million_tokens)));
  return out;
}

}  // namespace llmhw
