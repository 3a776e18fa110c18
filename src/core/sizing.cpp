// Sizing of one candidate deployment for a request rate: the queueing model of a replica, the
// largest per-replica concurrency that meets the latency targets at their percentiles, the
// replicas for the rate, the load each then runs at, and the cost (docs/estimation.md
// "Queueing" and "Cost").
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>

#include "llmhw/fleet.hpp"
#include "llmhw/owned.hpp"
#include "llmhw/recommend.hpp"

namespace llmhw {
namespace {

// Engines cap the running batch (vLLM max_num_seqs defaults to 256 on GPUs, TensorRT-LLM's
// max_batch_size to 2048); beyond a few thousand sequences per replica nothing is gained.
constexpr long kMaxConcurrencyPerReplica = 4096;
// Replicas beyond this are not a deployment anyone builds; the count is capped so that the
// arithmetic stays exact and the rule "sane-replica-count" can reject it by name.
constexpr double kMaxReplicas = 1e9;

double z(double percentile) {
  return percentile > 0 ? queueing::normal_quantile(percentile / 100.0) : 0.0;
}

// A replica under Poisson arrivals, as OpenLoop::detail() models it: engine steps that decode
// every running request and carry the prompts that arrived meanwhile (chunked prefill under the
// engine's token budget), so TPOT is the mean step and rises with the arrival rate. What this
// adds is the spread over requests: the first token waits for the running step, for the
// prompts queued ahead in the token budget (M/G/c, one server per attention data-parallel
// group, with the spread of the prompt lengths) and for the step(s) that carry its prompt.
class ReplicaModel {
 public:
  ReplicaModel(const Deployment& d, const Query& q, const Efficiency& eff)
      : loop_(d, q.workload, eff, q.input_sd),
        dp_(d.dp),
        loop_frontend_s_(d.frontend_latency_ms * 1e-3),
        q_(q) {}

  LoadPoint at(double concurrency) const {
    LoadPoint p;
    const OpenLoop::Detail x = loop_.detail(concurrency);
    static_cast<ServingPoint&>(p) = x.point;  // throughput, mean TPOT, prefill share
    const double osl = q_.workload.output_tokens;
    const double s = x.first_step_mean_s, s2 = x.first_step_second_moment;
    p.prefill_mean_s = s;
    p.prefill_sd_s = std::sqrt(std::max(0.0, s2 - s * s));
    p.residual_s = x.residual_s;
    // A request's mean TPOT averages its osl steps, each drawn from the step mix: its variance
    // over requests is Var(step) / osl, widened by the spread of osl (E[1/osl] ~ (1 + cv^2) / osl).
    const double cv2 = osl > 0 ? std::pow(q_.output_sd / osl, 2) : 0.0;
    const double var_step = std::max(0.0, x.step_second_moment - p.tpot_s * p.tpot_s);
    p.tpot_sd_s = osl > 0 ? std::sqrt(var_step * (1.0 + cv2) / osl) : 0.0;
    p.wait = queueing::mgc_wait(p.requests_per_s, x.budget_service_s, x.budget_scv, dp_);
    p.prefill_utilisation =
        x.budget_service_s > 0 ? p.requests_per_s * x.budget_service_s / dp_ : p.prefill_share;
    // The closed-loop fitted request latency (Efficiency::request_latency_ms: 50 ms for Hopper
    // vLLM) is not added here: real vLLM open-loop runs on H100 measured 25-30 ms mean TTFT, all
    // in, for 7B models at 5-10 req/s (data/calibration/external/vllm_openloop_trainval.csv),
    // less than that latency alone. The open loop's is the engine's API-server time
    // (Deployment::frontend_latency_ms, data/efficiency.json "engines"), fitted on part of those
    // runs and checked on the rest (docs/estimation.md "Open-loop validation"). estimate --qps
    // and recommend share this model, so they agree.
    p.request_latency_s = loop_frontend_s_;
    p.ttft_s = s + p.wait.mean_s() + p.residual_s + p.request_latency_s;
    p.output_tokens = osl;
    p.output_sd = q_.output_sd;
    return p;
  }

 private:
  OpenLoop loop_;
  int dp_;
  double loop_frontend_s_;
  const Query& q_;
};

bool meets_targets(const LoadPoint& p, const Query& q) {
  return checked_tpot_s(p, q) * 1e3 <= q.tpot_ms && checked_ttft_s(p, q) * 1e3 <= q.ttft_ms &&
         (!q.e2e_ms || checked_e2e_s(p, q) * 1e3 <= *q.e2e_ms);
}

// Which target a load point misses first (TPOT, then TTFT, then E2E), for "limited_by".
std::string missed_target(const LoadPoint& p, const Query& q) {
  if (checked_tpot_s(p, q) * 1e3 > q.tpot_ms) return "TPOT";
  if (checked_ttft_s(p, q) * 1e3 > q.ttft_ms) return "TTFT";
  return "E2E";
}

// The largest whole concurrency in [1, limit] that meets the targets (0 if even 1 does not),
// with the load points the search already worked out at it and just above it.
struct Feasible {
  long best = 0;
  LoadPoint at_best;  // at 1 when best is 0
  LoadPoint above;    // at best + 1 when best < limit (the last probe that failed)
};

// How far a load point is from the targets: the worst latency / target, minus 1 (<= 0 meets
// them). It only places the search's probes; meets_targets() decides.
double target_margin(const LoadPoint& p, const Query& q) {
  double worst = std::max(checked_tpot_s(p, q) * 1e3 / q.tpot_ms, checked_ttft_s(p, q) * 1e3 / q.ttft_ms);
  if (q.e2e_ms) worst = std::max(worst, checked_e2e_s(p, q) * 1e3 / *q.e2e_ms);
  return worst - 1.0;
}

// Latencies grow with concurrency, so the feasible concurrencies are 1..best. The search keeps
// lo feasible and hi not, and probes where the margin interpolates to zero (regula falsi on
// whole numbers), bisecting instead after a probe that moved the same end as the one before
// (or when the margin is not finite, past saturation): a few probes where bisection needs 12,
// never more than twice bisection's.
Feasible largest_feasible_concurrency(const ReplicaModel& model, const Query& q, long limit) {
  Feasible f;
  f.at_best = model.at(1);
  if (!meets_targets(f.at_best, q)) return f;
  f.best = 1;
  if (limit == 1) return f;
  LoadPoint top = model.at(static_cast<double>(limit));
  if (meets_targets(top, q)) {
    f.best = limit;
    f.at_best = std::move(top);
    return f;
  }
  long lo = 1, hi = limit;
  double margin_lo = target_margin(f.at_best, q), margin_hi = target_margin(top, q);
  f.above = std::move(top);
  int last = 0;  // which end the last probe moved: -1 lo, +1 hi
  bool bisect = false;
  while (hi - lo > 1) {
    long mid = lo + (hi - lo) / 2;
    if (!bisect && std::isfinite(margin_hi) && margin_hi > margin_lo) {
      const double at =
          static_cast<double>(lo) + static_cast<double>(hi - lo) * -margin_lo / (margin_hi - margin_lo);
      mid = std::clamp(static_cast<long>(std::floor(at)), lo + 1, hi - 1);
    }
    LoadPoint p = model.at(static_cast<double>(mid));
    const int moved = meets_targets(p, q) ? -1 : +1;
    bisect = moved == last;
    last = moved;
    if (moved < 0) {
      lo = mid;
      margin_lo = target_margin(p, q);
      f.at_best = std::move(p);
    } else {
      hi = mid;
      margin_hi = target_margin(p, q);
      f.above = std::move(p);
    }
  }
  f.best = lo;
  return f;
}

// The load point at which a replica serves `rate` requests/s, given the one at `upper`, which
// serves at least `rate`. Throughput grows with concurrency, so regula falsi (Illinois variant:
// the stale end's value is halved, which keeps superlinear convergence) brackets it in a few
// evaluations.
LoadPoint load_point_for_rate(const ReplicaModel& model, double rate, double upper,
                              const LoadPoint& at_upper) {
  double lo = 0, f_lo = -rate;
  double hi = upper, f_hi = at_upper.requests_per_s - rate;
  LoadPoint at_hi = at_upper;
  if (f_hi <= 0) return at_hi;
  int stale = 0;  // which end stayed put last time: -1 lo, +1 hi
  // To a millionth of the concurrency: far below what the output's three digits show.
  for (int i = 0; i < 100 && hi - lo > 1e-6 * hi; ++i) {
    const double mid = std::clamp(hi - f_hi * (hi - lo) / (f_hi - f_lo), lo, hi);
    LoadPoint p = model.at(mid);
    const double f_mid = p.requests_per_s - rate;
    if (f_mid == 0) return p;
    if (f_mid < 0) {
      lo = mid, f_lo = f_mid;
      if (stale == 1) f_hi /= 2;
      stale = 1;
    } else {
      hi = mid, f_hi = f_mid;
      at_hi = std::move(p);
      if (stale == -1) f_lo /= 2;
      stale = -1;
    }
  }
  return at_hi;
}

}  // namespace

void add_cost(Evaluation& e, const Query& q) {
  const Hardware& hw = *e.deployment.hardware;
  const auto devices = static_cast<double>(e.total_devices());
  // Power follows the load: TDP x utilisation (load / capacity), times the site's PUE.
  e.energy_known = hw.tdp_w > 0;  // some accelerators' power is not published (TPUs, AWS chips)
  e.energy_kwh_per_hour = devices * hw.tdp_w / 1000.0 * e.utilisation * q.pue;
  e.energy_cost_per_hour = e.energy_kwh_per_hour * q.usd_per_kwh;
  if (!e.price) return;
  // Whole instances of the cheapest instance type that can host the replica.
  if (auto rental = cheapest_rental(hw, q.price_basis(), e.replicas, e.devices(), e.deployment.tp)) {
    e.rental = *rental;
    e.price = rental->price;
  }
  e.cost_per_hour = e.rental.usd_per_hour;
  // Cloud prices include power and cooling; a purchase does not.
  e.total_cost_per_hour =
      e.cost_per_hour + (e.price->pricing == "amortized-purchase" ? e.energy_cost_per_hour : 0.0);
  const double tokens_per_hour = q.qps * q.workload.output_tokens * 3600.0;
  e.cost_per_million_tokens = e.total_cost_per_hour / tokens_per_hour * 1e6;
  apply_owned(e, q);  // --have: owned devices first, the rest rented
}

double LoadPoint::ttft_at(double percentile) const {
  if (percentile <= 0) return ttft_s;
  const double own_prefill = std::max(0.0, prefill_mean_s + z(percentile) * prefill_sd_s);
  return own_prefill + wait.quantile(percentile / 100.0) + residual_s + request_latency_s;
}

double LoadPoint::tpot_at(double percentile) const {
  return std::max(step.total_s(), tpot_s + z(percentile) * tpot_sd_s);  // never below a plain step
}

double LoadPoint::e2e_at(double percentile) const {
  // Comonotone bound: the p-quantiles of TTFT, TPOT and output length added up.
  const double tokens = std::max(1.0, output_tokens + z(percentile) * output_sd);
  return ttft_at(percentile) + (tokens - 1.0) * tpot_at(percentile);
}

double checked_ttft_s(const LoadPoint& p, const Query& q) {
  return p.ttft_at(q.ttft_percentile) * q.ttft_check_factor;
}

double checked_tpot_s(const LoadPoint& p, const Query& q) {
  return p.tpot_at(q.tpot_percentile) * q.tpot_check_factor;
}

double checked_e2e_s(const LoadPoint& p, const Query& q) {
  const double tokens = std::max(1.0, p.output_tokens + z(q.e2e_percentile) * p.output_sd);
  return p.ttft_at(q.e2e_percentile) * q.ttft_check_factor +
         (tokens - 1.0) * p.tpot_at(q.e2e_percentile) * q.tpot_check_factor;
}

namespace {

// The largest concurrency that meets the targets, and what capped it, for a plan that fits.
void size_replica(Sizing& s, const ReplicaModel& model, const Query& q, const Deployment& d) {
  long limit = std::min(s.memory.max_sequences, kMaxConcurrencyPerReplica);
  if (d.max_batch > 0) limit = std::min(limit, static_cast<long>(d.max_batch) * d.dp);  // engine slots
  Feasible f = largest_feasible_concurrency(model, q, limit);
  s.best_concurrency = f.best;
  s.capacity = std::move(f.at_best);
  if (f.best == 0) {
    s.limited_by = missed_target(s.capacity, q);
  } else if (f.best == limit) {
    s.limited_by = limit == s.memory.max_sequences ? "memory" : "batch-limit";
  } else {
    s.limited_by = missed_target(f.above, q);
  }
}

SizingCache::Key cache_key(const Deployment& d, const Query& q, const Efficiency& eff) {
  return {d.model,
          &eff,
          d.hardware->id,
          static_cast<int>(d.weights),
          static_cast<int>(d.kv),
          d.tp,
          d.pp,
          d.dp,
          d.moe_tp,
          d.moe_ep,
          q.workload.input_tokens,
          q.workload.output_tokens,
          q.input_sd,
          q.output_sd,
          q.ttft_ms,
          q.tpot_ms,
          q.e2e_ms.value_or(-1.0),
          q.ttft_percentile,
          q.tpot_percentile,
          q.e2e_percentile,
          q.ttft_check_factor,
          q.tpot_check_factor,
          d.speculation.active() ? static_cast<double>(d.speculation.draft_tokens) : 0.0,
          d.speculation.active() ? d.speculation.acceptance : 0.0,
          q.workload.prefix_cache_hit,
          q.workload.shared_prefix_tokens,
          d.speculation.drafter.get()};
}

}  // namespace

size_t SizingCache::KeyHash::operator()(const Key& k) const {
  // Multiply-xorshift mixing of the raw bits: a lookup per candidate per query, so cheaper than
  // std::hash<double>, which hashes each double's bytes with murmur.
  uint64_t h = std::hash<std::string_view>()(k.hardware);
  const auto mix = [&h](uint64_t v) {
    h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  };
  const auto bits = [](double v) { return v == 0 ? uint64_t{0} : std::bit_cast<uint64_t>(v); };  // -0 == 0
  mix(reinterpret_cast<uintptr_t>(k.model));
  mix(reinterpret_cast<uintptr_t>(k.efficiency));
  for (int v : {k.weights, k.kv, k.tp, k.pp, k.dp, k.moe_tp, k.moe_ep}) mix(static_cast<uint64_t>(v));
  for (double v :
       {k.input_tokens, k.output_tokens, k.input_sd, k.output_sd, k.ttft_ms, k.tpot_ms, k.e2e_ms,
        k.ttft_percentile, k.tpot_percentile, k.e2e_percentile, k.ttft_check_factor, k.tpot_check_factor}) {
    mix(bits(v));
  }
  return static_cast<size_t>(h);
}

const Sizing* SizingCache::find(const Key& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

const Sizing& SizingCache::insert(const Key& key, Sizing sizing) {
  if (entries_.size() >= kMaxEntries) entries_.clear();
  return entries_.insert_or_assign(key, std::move(sizing)).first->second;
}

namespace {

// The sizing in the cache, or worked out into `local` (and stored when there is a cache).
const Sizing& find_or_size(const Deployment& d, const Query& q, const Efficiency& eff, SizingCache* cache,
                           Sizing& local) {
  std::optional<SizingCache::Key> key;
  if (cache) {
    key = cache_key(d, q, eff);
    if (const Sizing* found = cache->find(*key)) return *found;
  }
  local.memory = plan_memory(d, q.workload, eff);
  if (local.memory.fits()) size_replica(local, ReplicaModel(d, q, eff), q, d);
  return cache ? cache->insert(*key, std::move(local)) : local;
}

}  // namespace

Sizing size_candidate(const Deployment& d, const Query& q, const Efficiency& eff, SizingCache* cache) {
  Sizing local;
  return find_or_size(d, q, eff, cache, local);
}

Evaluation size_and_price(const Deployment& d, const Query& q, const Efficiency& eff, SizingCache* cache) {
  Evaluation e;
  e.deployment = d;
  e.price = lowest_hosting_price(*d.hardware, q.price_basis(), d.devices(), d.tp);
  Sizing local;
  const Sizing* sizing = &find_or_size(d, q, eff, cache, local);
  e.memory = sizing->memory;
  if (!e.memory.fits()) return e;
  e.limited_by = sizing->limited_by;
  e.capacity = sizing->capacity;
  if (sizing->best_concurrency == 0) {
    e.at_load = sizing->capacity;
    return e;
  }
  // Headroom: each replica runs at most max_utilisation of the rate at which it would just meet
  // the targets, and n_plus spare replicas stand by for failover (all of them share the load).
  const double serving = std::ceil(q.qps / (e.capacity.requests_per_s * q.max_utilisation));
  const double replicas = std::min(kMaxReplicas, serving + q.n_plus);
  e.replicas = static_cast<long>(replicas);
  e.utilisation = q.qps / replicas / e.capacity.requests_per_s;
  add_cost(e, q);
  return e;
}

void add_load_point(Evaluation& e, const Query& q, const Efficiency& eff) {
  if (e.replicas == 0) return;
  const ReplicaModel model(e.deployment, q, eff);
  const double per_replica = q.qps / static_cast<double>(e.replicas);
  e.at_load = load_point_for_rate(model, per_replica, e.capacity.concurrency, e.capacity);
}

RateLoad load_at_rate(const Deployment& d, const Query& q, const Efficiency& eff, long concurrency_limit) {
  const ReplicaModel model(d, q, eff);
  RateLoad r;
  r.at_limit = model.at(static_cast<double>(std::max(1L, concurrency_limit)));
  r.sustainable = q.qps < r.at_limit.requests_per_s;
  if (r.sustainable) r.at_rate = load_point_for_rate(model, q.qps, r.at_limit.concurrency, r.at_limit);
  return r;
}

Evaluation evaluate(const Deployment& d, const Query& q, const Efficiency& eff) {
  Evaluation e = size_and_price(d, q, eff);
  add_load_point(e, q, eff);
  return e;
}

std::vector<int> candidate_tp_sizes(const Hardware& hw, const Model& model) {
  std::vector<int> sizes;
  for (int tp : hw.fast_group_sizes) {
    if (tp >= 1 && model.heads % tp == 0) sizes.push_back(tp);
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

}  // namespace llmhw
