// llmhw capacity: the inverse of recommend's sizing. recommend finds, for a rate, the fewest
// replicas ceil(rate / (capacity x max_utilisation)) + n_plus; here, for a device count, the most
// serving replicas floor(devices / devices_per_replica) - n_plus and the rate they carry. Both
// search the same candidates (candidate_deployments) with the same sizing (size_candidate), so
// the two agree by construction.
#include "llmhw/capacity.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <utility>

#include "llmhw/text.hpp"

namespace llmhw {
namespace {

// The latency rules a fleet at its sustainable rate must pass; price and budget do not apply to
// hardware already owned.
bool meets_latency_rules(const Evaluation& e, const Query& q) {
  for (const Rule& rule : hard_rules()) {
    const std::string_view n = rule.name;
    if (n == "fits-memory" || n == "meets-tpot" || n == "meets-ttft" || n == "meets-e2e") {
      if (!rule.passes(e, q)) return false;
    }
  }
  return true;
}

// The rate `replicas` replicas of `d` (spares included) carry, and the fleet evaluated there.
// r x c x u divided back by c x u may round above r; the rate then steps down to the largest
// double that recommend's ceil() sizes at exactly `replicas`.
std::pair<Evaluation, double> at_full_load(const Deployment& d, const Query& q, const Efficiency& eff,
                                           const Sizing& s, long replicas) {
  Query at = q;
  at.qps = static_cast<double>(replicas - q.n_plus) * s.capacity.requests_per_s * q.max_utilisation;
  Evaluation e = size_and_price(d, at, eff);
  while (e.replicas > replicas) {
    at.qps = std::nextafter(at.qps, 0.0);
    e = size_and_price(d, at, eff);
  }
  add_load_point(e, at, eff);
  return {std::move(e), at.qps};
}

// Why no layout of at most `devices` devices serves: every replica would be a --n-plus spare, a
// layout that fits misses a latency target even with one request, or the smallest layout that
// holds the weights needs more devices.
std::string why_none(const std::vector<Deployment>& candidates, const std::vector<Sizing>& sizings,
                     const Pool& pool, const Model& model) {
  const Deployment* smallest_fit = nullptr;
  std::optional<size_t> slow;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!sizings[i].memory.fits()) continue;
    if (candidates[i].devices() <= pool.devices) {
      if (sizings[i].best_concurrency > 0) {
        return fmt::format(
            "{} hold {} of {}, all of them --n-plus spares",
            text::counted(static_cast<double>(pool.devices), "device"),
            text::counted(static_cast<double>(pool.devices / candidates[i].devices()), "replica"),
            text::counted(candidates[i].devices(), "device"));
      }
      if (!slow) slow = i;
    }
    if (!smallest_fit || candidates[i].devices() < smallest_fit->devices()) smallest_fit = &candidates[i];
  }
  if (slow) {
    const Deployment& d = candidates[*slow];
    return fmt::format("{} on {}x {} ({}, {}) misses the {} target even with 1 request per replica", model.id,
                       d.devices(), pool.hardware->id, to_string(d.weights), layout(d),
                       sizings[*slow].limited_by);
  }
  if (smallest_fit) {
    return fmt::format(
        "{} does not fit in {}x {}: the smallest layout that holds it takes {} devices ({}, {})", model.id,
        pool.devices, pool.hardware->id, smallest_fit->devices(), to_string(smallest_fit->weights),
        layout(*smallest_fit));
  }
  return fmt::format("{} does not fit on {} in any layout llmhw tries", model.id, pool.hardware->id);
}

PoolCapacity pool_capacity(const Query& query, const Model& model, const ModelFacts& facts, const Pool& pool,
                           const Calibration& calibration, std::span<const Hardware> known) {
  const Hardware& hw = *pool.hardware;
  PoolCapacity out;
  out.pool = pool;
  out.unused_devices = pool.devices;
  Resolution resolved = calibration.resolve(hw, "", known);
  out.evidence = resolved.evidence;
  out.evidence_basis = resolved.basis;
  out.bounds = resolved.bounds;
  const Query q = for_device(query, resolved.bounds);
  const Efficiency& eff = *resolved.efficiency;
  const std::vector<Deployment> candidates =
      candidate_deployments(hw, q, model, facts, eff, default_slots(hw, calibration));
  std::vector<Sizing> sizings;
  sizings.reserve(candidates.size());
  // The most requests/s; ties go to fewer devices used, then to the earlier candidate (the better
  // quality precision).
  std::optional<size_t> best;
  double best_rate = 0;
  long best_used = 0, best_replicas = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    sizings.push_back(size_candidate(candidates[i], q, eff));
    const Sizing& s = sizings.back();
    const long per_replica = candidates[i].devices();
    const long replicas = pool.devices / per_replica;
    if (!s.memory.fits() || s.best_concurrency == 0 || replicas <= q.n_plus) continue;
    const double rate =
        static_cast<double>(replicas - q.n_plus) * s.capacity.requests_per_s * q.max_utilisation;
    const long used = replicas * per_replica;
    if (!best || rate > best_rate || (rate == best_rate && used < best_used)) {
      best = i, best_rate = rate, best_used = used, best_replicas = replicas;
    }
  }
  if (!best) {
    out.reason = candidates.empty() ? fmt::format("{} supports none of the requested precisions", hw.id)
                                    : why_none(candidates, sizings, pool, model);
    return out;
  }
  auto [e, rate] = at_full_load(candidates[*best], q, eff, sizings[*best], best_replicas);
  if (!meets_latency_rules(e, q)) {  // latency falls with load, so this is a bug, not a result
    out.reason = fmt::format("internal: {} at its capacity misses a latency target", hw.id);
    return out;
  }
  e.deployment.facts = nullptr;  // `facts` lives only as long as the search
  out.max_requests_per_s = rate;
  out.unused_devices = pool.devices - e.total_devices();
  out.best = std::move(e);
  return out;
}

}  // namespace

double replica_rate(const Evaluation& e, const Query& q) {
  return e.capacity.requests_per_s * q.max_utilisation;
}

CapacityResult capacity(const Query& q, const Model& model, std::span<const Pool> pools,
                        const Calibration& calibration, std::span<const Hardware> known) {
  CapacityResult result;
  const ModelFacts facts = derive_facts(model);
  for (const Pool& pool : pools) {
    result.pools.push_back(pool_capacity(q, model, facts, pool, calibration, known));
    result.max_requests_per_s += result.pools.back().max_requests_per_s;
  }
  return result;
}

}  // namespace llmhw
