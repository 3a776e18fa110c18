// Sizing of one candidate deployment: per-replica concurrency, replicas, cost.
#include <algorithm>
#include <cmath>

#include "llmhw/recommend.hpp"

namespace llmhw {
namespace {

// Engines cap the running batch (vLLM max_num_seqs defaults to 256 on GPUs, TensorRT-LLM's
// max_batch_size to 2048); beyond a few thousand sequences per replica nothing is gained.
constexpr long kMaxConcurrencyPerReplica = 4096;
// Replicas beyond this are not a deployment anyone builds; the count is capped so that the
// arithmetic stays exact and the rule "sane-replica-count" can reject it by name.
constexpr double kMaxReplicas = 1e9;

bool meets_targets(const ServingPoint& s, const Query& q) {
  return s.tpot_s * 1e3 <= q.tpot_ms && s.ttft_s * 1e3 <= q.ttft_ms;
}

// The largest whole concurrency in [1, limit] that meets the targets; 0 if even 1 does not.
// Latencies grow with concurrency, so a binary search finds it.
long largest_feasible_concurrency(const OpenLoop& loop, const Query& q, long limit) {
  if (!meets_targets(loop.at(1), q)) return 0;
  long lo = 1, hi = limit;
  while (lo < hi) {
    const long mid = lo + (hi - lo + 1) / 2;
    if (meets_targets(loop.at(static_cast<double>(mid)), q)) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// The concurrency at which a replica serves `rate` requests/s; `upper` serves at least `rate`.
// Throughput grows with concurrency, so regula falsi (Illinois variant: the stale end's value is
// halved, which keeps superlinear convergence) brackets it in a few evaluations.
double concurrency_for_rate(const OpenLoop& loop, double rate, double upper) {
  double lo = 0, f_lo = -rate;
  double hi = upper, f_hi = loop.at(upper).requests_per_s - rate;
  if (f_hi <= 0) return hi;
  int stale = 0;  // which end stayed put last time: -1 lo, +1 hi
  // To a millionth of the concurrency: far below what the output's three digits show.
  for (int i = 0; i < 100 && hi - lo > 1e-6 * hi; ++i) {
    const double mid = std::clamp(hi - f_hi * (hi - lo) / (f_hi - f_lo), lo, hi);
    const double f_mid = loop.at(mid).requests_per_s - rate;
    if (f_mid < 0) {
      lo = mid, f_lo = f_mid;
      if (stale == 1) f_hi /= 2;
      stale = 1;
    } else {
      hi = mid, f_hi = f_mid;
      if (stale == -1) f_lo /= 2;
      stale = -1;
    }
    if (f_mid == 0) return mid;
  }
  return hi;
}

}  // namespace

Evaluation evaluate(const Deployment& d, const Query& q, const Efficiency& eff) {
  Evaluation e;
  e.deployment = d;
  e.memory = plan_memory(d, q.workload, eff);
  e.price = d.hardware->price(q.pricing);
  if (!e.memory.fits()) return e;
  const long limit = std::min(e.memory.max_sequences, kMaxConcurrencyPerReplica);
  const OpenLoop loop(d, q.workload, eff);
  const long best = largest_feasible_concurrency(loop, q, limit);
  if (best == 0) {
    e.capacity = e.at_load = loop.at(1);
    e.limited_by = e.capacity.tpot_s * 1e3 > q.tpot_ms ? "TPOT" : "TTFT";
    return e;
  }
  e.capacity = loop.at(static_cast<double>(best));
  if (best == limit) {
    e.limited_by = limit == e.memory.max_sequences ? "memory" : "batch-limit";
  } else {
    const ServingPoint next = loop.at(static_cast<double>(best + 1));
    e.limited_by = next.tpot_s * 1e3 > q.tpot_ms ? "TPOT" : "TTFT";
  }
  const double replicas = std::min(kMaxReplicas, std::ceil(q.qps / e.capacity.requests_per_s));
  e.replicas = static_cast<long>(replicas);
  const double per_replica = q.qps / replicas;
  e.at_load = loop.at(concurrency_for_rate(loop, per_replica, static_cast<double>(best)));
  if (e.price) {
    e.cost_per_hour = replicas * d.tp * e.price->usd_per_device_hour;
    const double tokens_per_hour = q.qps * q.workload.output_tokens * 3600.0;
    e.cost_per_million_tokens = e.cost_per_hour / tokens_per_hour * 1e6;
  }
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
