// The search: every hardware x precision x TP candidate, judged by the hard rules, the best
// per hardware ranked by cost per 1M output tokens; every rejection keeps its reason.
#include "llmhw/recommend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <tuple>

#include "llmhw/disaggregated.hpp"
#include "llmhw/owned.hpp"
#include "llmhw/prefix_cache.hpp"
#include "llmhw/text.hpp"
#include "llmhw/units.hpp"

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
  if (rule == "meets-tpot") return checked_tpot_s(e.at_load, q) * 1e3 / q.tpot_ms;
  if (rule == "meets-ttft") return checked_ttft_s(e.at_load, q) * 1e3 / q.ttft_ms;
  if (rule == "meets-e2e") return checked_e2e_s(e.at_load, q) * 1e3 / *q.e2e_ms;
  return e.cost_per_hour;
}

// Output tokens/s the fleet could serve per USD/hour it costs (higher is better).
double capacity_per_dollar(const Evaluation& e) {
  return static_cast<double>(e.replicas) * e.capacity.output_tokens_per_s / e.total_cost_per_hour;
}

// The objective's primary measure, smaller is better.
double primary(const Evaluation& e, const Query& q) {
  switch (q.objective) {
    case Objective::cost:
      return e.cost_per_million_tokens;
    case Objective::latency:
      return e.at_load.tpot_at(q.tpot_percentile);
    case Objective::throughput:
      return -capacity_per_dollar(e);
    case Objective::energy:
      // Unknown power ranks after every known one rather than as free.
      return e.energy_known ? e.energy_kwh_per_hour : std::numeric_limits<double>::infinity();
  }
  return 0;
}

// Ranking: the objective, then (latency) TTFT, then cost, fewer devices, lower TPOT, and the
// hardware id and precision so that equal candidates always come out in the same order.
bool better(const Evaluation& a, const Evaluation& b, const Query& q) {
  auto key = [&q](const Evaluation& e) {
    const double ttft = q.objective == Objective::latency ? e.at_load.ttft_at(q.ttft_percentile) : 0.0;
    return std::make_tuple(primary(e, q), ttft, e.cost_per_million_tokens, e.total_devices(),
                           e.at_load.tpot_s, e.deployment.hardware->id,
                           static_cast<int>(e.deployment.weights), e.deployment.tp, e.deployment.pp,
                           e.deployment.moe_ep);
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
    return {&hw,
            "precision-supported",
            {fmt::format("no requested precision ({}) is supported (native: {})", asked, precision_list(hw))},
            std::nullopt};
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
  Rejection r{&hw,
              std::string(rule.name),
              {fmt::format("{}; closest try: {}, {}", rule.why_not(closest->evaluation, q),
                           to_string(d.weights), layout(d))},
              closest->evaluation};
  r.closest->deployment.facts = nullptr;  // the search's facts do not outlive it
  return r;
}

std::string percentile_label(double p) {
  return p > 0 ? fmt::format("p{:g}", p) : "mean";
}

// "TPOT-bound at 48 concurrent requests per replica", "memory-bound: KV cache for 64 sequences".
std::string binding_constraint(const Evaluation& e) {
  const double c = e.capacity.concurrency;
  if (e.limited_by == "memory")
    return fmt::format("memory-bound: KV cache for {} per replica", text::counted(c, "sequence"));
  if (e.limited_by == "batch-limit") {
    return fmt::format(
        "batch-limit-bound at {} per replica{}", text::counted(c, "sequence"),
        e.deployment.hardware->kind == DeviceKind::cpu ? ", llama.cpp's default --parallel slots" : "");
  }
  return fmt::format("{}-bound at {} per replica", e.limited_by, text::counted(c, "concurrent request"));
}

// When --precision auto stored the weights in fewer than 16 bits (and not because the checkpoint
// is published that way), say so and what it may cost in quality: evaluations find 8-bit weights
// close to, not identical with, 16-bit ones (Dettmers et al. 2022, "LLM.int8()", arXiv:2208.07339;
// Jin et al. 2024, "A Comprehensive Evaluation of Quantization Strategies for Large Language
// Models", ACL Findings), and weight-only int8 on a device without 8-bit matrix units (A100's
// fp8, TPUs, CPUs) is a choice a user should see, not infer from the "prec" column.
std::optional<std::string> quantization_note(const Evaluation& e, const Query& q) {
  const Deployment& d = e.deployment;
  if (!q.precisions.empty() || is_wide_float(d.weights) || d.model->checkpoint_precision == d.weights) {
    return std::nullopt;
  }
  const auto compute = compute_precision(*d.hardware, d.weights);
  const std::string how =
      compute == d.weights
          ? fmt::format("native {} on {}", to_string(d.weights), d.hardware->id)
          : fmt::format("weight-only: stored in {} bits, multiplied in {} on {}",
                        static_cast<int>(element_bytes(d.weights) * 8),
                        compute ? std::string(to_string(*compute)) : std::string("?"), d.hardware->id);
  return fmt::format(
      "precision auto chose {} weights ({}): quantized weights usually score close to bf16, not "
      "identically; check your evaluations, or pass --precision bf16",
      to_string(d.weights), how);
}

// Where a price came from: "aws, us-east-1, 2026-08", or "your price, from --price".
std::string price_source(const Price& p) {
  if (p.provider == kUserPriceProvider) return "your price, from " + p.instance_type;
  return fmt::format("{}{}, {}", p.provider, p.region.empty() ? "" : ", " + p.region, p.date);
}

// Sequences a replica runs at once: what memory holds, capped by the engine's slots.
long concurrency_limit(const Deployment& d, const MemoryPlan& m) {
  return d.max_batch > 0 ? std::min(m.max_sequences, static_cast<long>(d.max_batch) * d.dp) : m.max_sequences;
}

// "48 ms (40-57 ms)": a prediction with its band; under --confidence p90 also what was checked.
std::string with_band(double predicted_s, const Band& band, double check_factor) {
  const double ms = predicted_s * 1e3;
  std::string out = fmt::format("{} ({}–{}", text::ms(ms), text::ms(ms * band.low), text::ms(ms * band.high));
  if (check_factor != 1.0) out += fmt::format("; checked at {}", text::ms(ms * check_factor));
  return out + ")";
}

std::vector<std::string> explain(const Recommendation& r, const Query& query, const ModelFacts& facts) {
  const Evaluation& e = r.evaluation;
  const Query q = for_device(query, r.bounds);
  const Deployment& d = e.deployment;
  const Hardware& hw = *d.hardware;
  const double kv_gb = e.memory.kv_gb_per_running_sequence * std::ceil(e.at_load.concurrency) * d.devices();
  std::vector<std::string> reasons;
  // A CPU slice is rented by the vCPU: "1x c7g.2xlarge (8 vCPU)", not its profile id.
  const std::string unit = hw.vcpus > 0 && e.price && !e.price->instance_type.empty()
                               ? fmt::format("{} ({} vCPU)", e.price->instance_type, hw.vcpus)
                               : hw.id;
  reasons.push_back(fmt::format("{}x {} per replica{}: {} at {} is {} of weights + {} KV cache for {}",
                                d.devices(), unit, d.devices() > 1 ? " (" + layout(d) + ")" : "",
                                text::params(facts.params.total), to_string(d.weights),
                                text::gb(e.memory.weights_gb * d.devices()), text::gb(kv_gb),
                                text::counted(std::ceil(e.at_load.concurrency), "concurrent request")));
  reasons.push_back(
      fmt::format("{} for {} req/s: one replica serves up to {} req/s ({}); {:.0f}% "
                  "utilised (at most {:.0f}%{}), {:.0f}% headroom",
                  text::counted(static_cast<double>(e.replicas), "replica"), text::rate(q.qps),
                  text::rate(e.capacity.requests_per_s), binding_constraint(e), e.utilisation * 100,
                  q.max_utilisation * 100,
                  q.n_plus > 0 ? fmt::format(", {} spare for failover", q.n_plus) : std::string(),
                  (1 - e.utilisation) * 100));
  std::string latency =
      fmt::format("TTFT {} {} <= {}, TPOT {} {} <= {}", percentile_label(q.ttft_percentile),
                  with_band(e.at_load.ttft_at(q.ttft_percentile), r.bounds.ttft, q.ttft_check_factor),
                  text::ms(q.ttft_ms), percentile_label(q.tpot_percentile),
                  with_band(e.at_load.tpot_at(q.tpot_percentile), r.bounds.tpot, q.tpot_check_factor),
                  text::ms(q.tpot_ms));
  if (q.e2e_ms) {
    latency += fmt::format(", E2E {} {} <= {}", percentile_label(q.e2e_percentile),
                           text::ms(checked_e2e_s(e.at_load, q) * 1e3), text::ms(*q.e2e_ms));
  }
  reasons.push_back(latency +
                    fmt::format(" at this load; decode is {}-bound", to_string(e.at_load.step.bottleneck())));
  if (auto note = quantization_note(e, q)) reasons.push_back(*note);
  if (auto owned = owned_reason(e, q)) {
    reasons.push_back(*owned);
  } else {
    reasons.push_back(fmt::format(
        "{}/h = {} at {}/h {} ({}); {}; {} per 1M output tokens", text::usd(e.total_cost_per_hour),
        describe(e.rental, hw), text::usd(e.price->instance_hour_usd()),
        e.price->devices_per_instance == 0 ? "per device" : "each", price_source(*e.price),
        describe(q.price_basis(), hw, d.devices(), d.tp), text::usd(e.cost_per_million_tokens)));
  }
  if (q.workload.prefix_cache_hit > 0 || q.workload.shared_prefix_tokens > 0) {
    reasons.push_back(fmt::format(
        "prefix cache: {} of {} prompt tokens served from the cache ({} shared by all requests, held once "
        "in the KV cache); the prefill computes {}",
        text::grouped(cached_prompt_tokens(q.workload, q.workload.input_tokens)),
        text::grouped(q.workload.input_tokens), text::grouped(shared_prefix_tokens(q.workload)),
        text::grouped(new_prompt_tokens(q.workload, q.workload.input_tokens))));
  }
  if (const Speculation& sp = e.deployment.speculation; sp.active()) {
    reasons.push_back(fmt::format(
        "speculative decoding: {} with K={} draft tokens keeps {:.2f} tokens per step ({}); it ranked above "
        "the same layouts decoding one token per step on {}",
        to_string(sp.method), sp.draft_tokens, sp.acceptance, sp.source, hw.id));
  }
  reasons.push_back(fmt::format("evidence: {} ({})", to_string(r.evidence), r.evidence_basis));
  return reasons;
}

}  // namespace

std::string layout(const Deployment& d) {
  std::string out = fmt::format("TP={}", d.tp);
  if (d.pp > 1) out += fmt::format(", PP={}", d.pp);
  if (d.moe_ep > 1) out += fmt::format(", EP={}", d.moe_ep);
  if (d.speculation.active())
    out += fmt::format(", {} K={}", to_string(d.speculation.method), d.speculation.draft_tokens);
  return out;
}

std::vector<std::string> derivation(const Evaluation& e, const Query& q) {
  if (e.disaggregated) return disaggregated_derivation(e, q);
  const Deployment& d = e.deployment;
  const MemoryPlan& m = e.memory;
  const LoadPoint& l = e.at_load;
  std::vector<std::string> out;
  out.push_back(fmt::format(
      "memory per device: {} weights + {} reserve of {} usable; KV {} per sequence at "
      "{} tokens, {} at the mean context; up to {} per replica",
      text::gb(m.weights_gb), text::gb(m.reserve_gb), text::gb(m.capacity_gb), text::gb(m.kv_gb_per_sequence),
      text::grouped(q.workload.input_tokens + q.workload.output_tokens),
      text::gb(m.kv_gb_per_running_sequence),
      text::counted(static_cast<double>(concurrency_limit(d, m)), "sequence")));
  out.push_back(
      fmt::format("decode step at {:.1f} requests: {} (memory {}, compute {}, communication {}, "
                  "overhead {}; {}-bound)",
                  l.concurrency, text::ms(l.step.total_s() * 1e3), text::ms(l.step.memory_s * 1e3),
                  text::ms(l.step.compute_s * 1e3), text::ms(l.step.communication_s * 1e3),
                  text::ms(l.step.overhead_s * 1e3), to_string(l.step.bottleneck())));
  out.push_back(fmt::format("prefill of {} tokens: {} mean, {} sd ({}-bound)",
                            text::grouped(q.workload.input_tokens), text::ms(l.prefill_mean_s * 1e3),
                            text::ms(l.prefill_sd_s * 1e3), to_string(l.prompt.bottleneck())));
  out.push_back(fmt::format(
      "queue (M/G/{}): {} req/s per replica, prefill utilisation {:.0f}%, P(wait) {:.2f}, "
      "mean wait {}; TTFT mean {} p50 {} p90 {} p99 {}",
      d.dp, text::rate(l.requests_per_s), l.prefill_utilisation * 100, l.wait.probability,
      text::ms(l.wait.mean_s() * 1e3), text::ms(l.ttft_at(0) * 1e3), text::ms(l.ttft_at(50) * 1e3),
      text::ms(l.ttft_at(90) * 1e3), text::ms(l.ttft_at(99) * 1e3)));
  out.push_back(fmt::format("TPOT mean {} p90 {} p99 {}; E2E mean {} p90 {}", text::ms(l.tpot_at(0) * 1e3),
                            text::ms(l.tpot_at(90) * 1e3), text::ms(l.tpot_at(99) * 1e3),
                            text::ms(l.e2e_at(0) * 1e3), text::ms(l.e2e_at(90) * 1e3)));
  out.push_back(fmt::format(
      "replicas: ceil({} / ({} x {:g})) + {} spare = {}; capacity {} req/s, {:.0f}% utilised",
      text::rate(q.qps), text::rate(e.capacity.requests_per_s), q.max_utilisation, q.n_plus, e.replicas,
      text::rate(static_cast<double>(e.replicas) * e.capacity.requests_per_s), e.utilisation * 100));
  const std::string energy =
      e.energy_known
          ? fmt::format("energy {:.2f} kWh/h x {}/kWh = {}/h (PUE {:g}{})", e.energy_kwh_per_hour,
                        text::usd(q.usd_per_kwh), text::usd(e.energy_cost_per_hour), q.pue,
                        e.total_cost_per_hour > e.cost_per_hour ? ", added: purchase prices exclude power"
                                                                : ", included in the rental price")
          : std::string("energy unknown (the profile states no TDP)");
  out.push_back(fmt::format("cost: {}/h rental, {}/month; {}; {} per 1M output tokens",
                            text::usd(e.cost_per_hour), text::usd(e.total_cost_per_hour * kHoursPerMonth),
                            energy, text::usd(e.cost_per_million_tokens)));
  return out;
}

namespace {

std::string rank_reason(size_t i, const Evaluation& e, const Evaluation& first, const Query& q) {
  switch (q.objective) {
    case Objective::cost:
      return i == 0 ? "rank 1: lowest cost per 1M output tokens"
                    : fmt::format("rank {}: {:.2f}x the cost per 1M output tokens of rank 1", i + 1,
                                  e.cost_per_million_tokens / first.cost_per_million_tokens);
    case Objective::latency:
      return i == 0 ? fmt::format("rank 1: lowest {} TPOT", percentile_label(q.tpot_percentile))
                    : fmt::format(
                          "rank {}: {:.2f}x the {} TPOT of rank 1", i + 1,
                          e.at_load.tpot_at(q.tpot_percentile) / first.at_load.tpot_at(q.tpot_percentile),
                          percentile_label(q.tpot_percentile));
    case Objective::throughput:
      return i == 0 ? "rank 1: most output tokens/s of capacity per dollar"
                    : fmt::format("rank {}: {:.2f}x the capacity per dollar of rank 1", i + 1,
                                  capacity_per_dollar(e) / capacity_per_dollar(first));
    case Objective::energy:
      if (!e.energy_known)
        return fmt::format("rank {}: its power is not published (no TDP), ranked last", i + 1);
      return i == 0 ? "rank 1: least energy"
                    : fmt::format("rank {}: {:.2f}x the energy of rank 1", i + 1,
                                  e.energy_kwh_per_hour / first.energy_kwh_per_hour);
  }
  return "";
}

// Layouts to try on a device: every fast tensor-parallel group size that divides the heads;
// pipeline stages over nodes (TP = the largest group) when no single group holds the weights;
// and for MoE models, experts spread by expert parallelism (EP = TP) besides sharded by TP.
// `tps`: candidate_tp_sizes(hw, model). Appends to `out`.
void add_candidate_layouts(std::vector<Deployment>& out, const Model& model, const Hardware& hw, Precision p,
                           const std::vector<int>& tps, const ModelFacts& facts, const Query& q,
                           const Efficiency& eff) {
  bool any_fits = false;
  for (int tp : tps) {
    Deployment d{&model, &hw, p, Precision::bf16, tp};
    d.facts = &facts;
    out.push_back(d);
    any_fits = any_fits || plan_memory(d, q.workload, eff).fits();
    if (model.moe && tp > 1) {
      d.moe_tp = 1;
      d.moe_ep = tp;
      out.push_back(d);
    }
  }
  if (!any_fits && !tps.empty()) {
    for (int pp : {2, 4, 8}) {
      Deployment d{&model, &hw, p, Precision::bf16, tps.back(), pp};
      d.facts = &facts;
      out.push_back(d);
      if (plan_memory(d, q.workload, eff).fits()) break;  // more stages only add latency
    }
  }
}

// One device's search: every precision x layout, the best that passes every hard rule, and
// every try (for the rejection when none passes).
struct DeviceSearch {
  std::optional<Evaluation> best;
  std::vector<Judged> tries;  // when none passes, in candidate order
};

DeviceSearch search_hardware(const Hardware& hw, const Query& query, const Model& model,
                             const ModelFacts& facts, const Efficiency& eff, int slots, SizingCache* cache,
                             const EngineLimits& engine) {
  std::vector<Deployment> candidates = candidate_deployments(hw, query, model, facts, eff, slots);
  for (Deployment& d : candidates) {
    d.max_num_tokens = engine.max_num_tokens;
    d.steps_scheduled_ahead = engine.steps_scheduled_ahead;
    d.frontend_latency_ms = engine.frontend_latency_ms;
  }
  // Speculative decoding is tried on every layout besides plain decoding: it wins at the small
  // batches tight TPOT targets allow and loses where decode is compute-bound.
  if (query.speculation.active()) {
    const size_t plain = candidates.size();
    for (size_t i = 0; i < plain; ++i) {
      candidates.push_back(candidates[i]);
      candidates.back().speculation = query.speculation;
    }
  }
  // Ranking by cost, candidates go fewest devices (cheapest replica) first, as one device's
  // price is the same in every layout. Once one passes every rule, a candidate whose replica
  // alone costs more than that fleet is not sized, and one whose fleet costs more (known from
  // its sizing) gets no load point: neither can win. Sizing and load points are most of a
  // search's time; the answer is the same as evaluating every candidate.
  // The lowest per-device rate of any instance: a lower bound on what each device costs.
  const Price* price = lowest_hosting_price(hw, query.price_basis(), 1, 1);
  // Owned devices (--have) cost less than any rate: no lower bound, no pruning.
  const bool by_cost = query.objective == Objective::cost && price && owned_count(query, hw) == 0;
  std::vector<size_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (by_cost) {
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return candidates[a].devices() < candidates[b].devices(); });
  }
  // The leading part of better()'s key under the cost objective, known before the load point.
  const auto cost_key = [](const Evaluation& e) {
    return std::make_pair(e.cost_per_million_tokens, e.total_devices());
  };
  std::vector<std::pair<size_t, Judged>> tries;
  tries.reserve(candidates.size());
  std::optional<size_t> best;
  for (size_t i : order) {
    const Evaluation* leader = best ? &tries[*best].second.evaluation : nullptr;
    if (leader && by_cost &&
        candidates[i].devices() * price->usd_per_device_hour > leader->total_cost_per_hour) {
      break;
    }
    Evaluation e = size_and_price(candidates[i], query, eff, cache);
    if (leader && by_cost && cost_key(e) > cost_key(*leader)) continue;
    add_load_point(e, query, eff);
    tries.emplace_back(i, judge(std::move(e), query));
    const Judged& j = tries.back().second;
    if (j.failed_rule == hard_rules().size() &&
        (!best || better(j.evaluation, tries[*best].second.evaluation, query))) {
      best = tries.size() - 1;
    }
    // Without a price every candidate fails has-price or an earlier rule, and the first to
    // fail has-price is the closest try (reject() breaks ties by candidate order).
    if (!price && j.failed_rule < hard_rules().size() && hard_rules()[j.failed_rule].name == "has-price")
      break;
  }
  DeviceSearch out;
  if (best) {
    out.best = std::move(tries[*best].second.evaluation);
    return out;
  }
  // Nothing was skipped (skipping needs a best); back in candidate order for the rejection.
  std::sort(tries.begin(), tries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [i, j] : tries) out.tries.push_back(std::move(j));
  return out;
}

// CPUs are rented by the instance: each sellable size of a socket is searched as its own device
// (slice()), and the family keeps the one that ranks best. When neither the socket nor any slice
// passes, the socket's own tries explain the rejection (one line per CPU family). The slices
// live in `result`, which the evaluations point into.
void search_slices(DeviceSearch& found, RecommendResult& result, const Hardware& socket, const Query& query,
                   const Model& model, const ModelFacts& facts, const Efficiency& eff, int slots,
                   SizingCache* cache, const EngineLimits& engine) {
  for (int vcpus : sellable_vcpus(socket)) {
    auto piece = std::make_shared<const Hardware>(slice(socket, vcpus));
    if (!piece->price(query.pricing)) continue;
    DeviceSearch s = search_hardware(*piece, query, model, facts, eff, slots, cache, engine);
    if (!s.best || (found.best && !better(*s.best, *found.best, query))) continue;
    found.best = std::move(s.best);
    result.slices.push_back(std::move(piece));
  }
}

// Why a CPU slice: the instance, its share of the socket, and the latency it holds at the rate.
std::string slice_reason(const Evaluation& e, const Query& q) {
  const Hardware& hw = *e.deployment.hardware;
  return fmt::format(
      "CPU slice: {} ({} of {}'s vCPUs, {:.0f} GB/s of its memory bandwidth) at {} per instance is "
      "the cheapest size of this CPU that serves {} req/s of {} per replica at TPOT {:.0f} ms",
      e.price->instance_type.empty() ? hw.id : e.price->instance_type, hw.vcpus, hw.socket_id,
      hw.memory_bandwidth_gbps, text::usd(e.price->usd_per_device_hour),
      text::round_significant(q.qps / static_cast<double>(std::max(1L, e.replicas)), 2), q.model_text,
      e.at_load.tpot_s * 1e3);
}

}  // namespace

int default_slots(const Hardware& hw, const Calibration& calibration) {
  // CPUs (Apple silicon included) run llama.cpp; GPUs, TPUs and accelerators batch engines.
  return hw.kind == DeviceKind::cpu ? calibration.limits("llama.cpp", hw).max_batch : 0;
}

EngineLimits default_engine(const Hardware& hw, const Calibration& calibration) {
  // The engine default_slots() assumes: llama.cpp on CPUs, the engine-independent default ("*")
  // elsewhere, as estimate --qps without --engine uses.
  return calibration.limits(hw.kind == DeviceKind::cpu ? "llama.cpp" : "", hw);
}

int default_step_tokens(const Hardware& hw, const Calibration& calibration) {
  // The token budget of that engine.
  return default_engine(hw, calibration).max_num_tokens;
}

const char* to_string(Confidence c) {
  return c == Confidence::p90 ? "p90" : "expected";
}

Query for_device(const Query& q, const Bounds& bounds) {
  Query out = q;
  const bool pessimistic = q.confidence == Confidence::p90;
  out.ttft_check_factor = pessimistic ? bounds.ttft.high : 1.0;
  out.tpot_check_factor = pessimistic ? bounds.tpot.high : 1.0;
  return out;
}

const char* to_string(Objective o) {
  switch (o) {
    case Objective::cost:
      return "cost";
    case Objective::latency:
      return "latency";
    case Objective::throughput:
      return "throughput";
    case Objective::energy:
      return "energy";
  }
  return "?";
}

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

std::vector<Deployment> candidate_deployments(const Hardware& hw, const Query& query, const Model& model,
                                              const ModelFacts& facts, const Efficiency& eff, int slots) {
  std::vector<Deployment> candidates;
  const std::vector<int> tps = candidate_tp_sizes(hw, model);
  for (Precision p : candidate_precisions(query, hw, model)) {
    add_candidate_layouts(candidates, model, hw, p, tps, facts, query, eff);
  }
  for (Deployment& d : candidates) d.max_batch = slots;
  return candidates;
}

RecommendResult recommend(const Query& query, const Model& model, const std::vector<Hardware>& catalog,
                          const Calibration& calibration, size_t explained, SizingCache* cache,
                          std::span<const Hardware> known) {
  RecommendResult result;
  std::unordered_map<const Hardware*, Evaluation> alternatives;  // the other of aggregated/split
  if (known.empty()) known = catalog;
  const ModelFacts facts = derive_facts(model);
  for (const Hardware& hw : catalog) {
    if (!query.kinds.empty() &&
        std::find(query.kinds.begin(), query.kinds.end(), hw.kind) == query.kinds.end()) {
      continue;
    }
    Resolution resolved = calibration.resolve(hw, "", known);
    // Under --confidence p90 the device's own band sets how far its predictions are trusted.
    const Query checked = for_device(query, resolved.bounds);
    const EngineLimits engine = default_engine(hw, calibration);
    DeviceSearch found = search_hardware(hw, checked, model, facts, *resolved.efficiency,
                                         default_slots(hw, calibration), cache, engine);
    search_slices(found, result, hw, checked, model, facts, *resolved.efficiency,
                  default_slots(hw, calibration), cache, engine);
    if (found.best) {
      // Disaggregated layouts of the aggregated winner's workers (disaggregated_search.cpp): the
      // better of the two is the device's recommendation, the other its comparison.
      std::optional<Evaluation> split;
      if (query.disaggregated)
        split = best_disaggregated(*found.best, checked, *resolved.efficiency, calibration.limits("", hw));
      found.best->deployment.facts = nullptr;  // `facts` lives only as long as this search
      if (split && better(*split, *found.best, query) &&
          primary(*split, query) < primary(*found.best, query) * (1 - 1e-9))
        std::swap(*split, *found.best);
      if (split) alternatives.emplace(&hw, std::move(*split));
      result.recommendations.push_back(
          {std::move(*found.best), {}, resolved.evidence, std::move(resolved.basis), resolved.bounds});
    } else {
      result.rejected.push_back(reject(hw, found.tries, checked));
    }
  }
  std::sort(result.recommendations.begin(), result.recommendations.end(),
            [&query](const Recommendation& a, const Recommendation& b) {
              return better(a.evaluation, b.evaluation, query);
            });
  std::sort(result.rejected.begin(), result.rejected.end(),
            [](const Rejection& a, const Rejection& b) { return a.hardware->id < b.hardware->id; });
  for (size_t i = 0; i < result.recommendations.size(); ++i) {
    auto& r = result.recommendations[i];
    if (i >= explained) break;
    // Side by side with the other layout of the same device (aggregated or disaggregated).
    const auto other = alternatives.find(r.evaluation.deployment.hardware);
    const Evaluation* alternative = other == alternatives.end() ? nullptr : &other->second;
    if (r.evaluation.disaggregated) {
      r.reasons = disaggregated_reasons(r.evaluation, alternative, query);
      // The targets as the rules checked them (with the band; under --confidence p90 its high end).
      const Query q = for_device(query, r.bounds);
      const LoadPoint& l = r.evaluation.at_load;
      r.reasons.insert(
          r.reasons.begin() + 3,
          fmt::format("TTFT {} {} <= {}, TPOT {} {} <= {} at this load", percentile_label(q.ttft_percentile),
                      with_band(l.ttft_at(q.ttft_percentile), r.bounds.ttft, q.ttft_check_factor),
                      text::ms(q.ttft_ms), percentile_label(q.tpot_percentile),
                      with_band(l.tpot_at(q.tpot_percentile), r.bounds.tpot, q.tpot_check_factor),
                      text::ms(q.tpot_ms)));
      r.reasons.push_back(fmt::format("evidence: {} ({})", to_string(r.evidence), r.evidence_basis));
    } else {
      r.reasons = explain(r, query, facts);
      if (alternative) r.reasons.push_back(versus_disaggregated(r.evaluation, *alternative));
    }
    if (r.evaluation.deployment.hardware->vcpus > 0) r.reasons.push_back(slice_reason(r.evaluation, query));
    r.reasons.push_back(rank_reason(i, r.evaluation, result.recommendations.front().evaluation, query));
  }
  return result;
}

}  // namespace llmhw
