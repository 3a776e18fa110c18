// A day under a load profile: the deployment recommend chose at the peak, with replicas sized
// per period the way recommend sizes them (size_and_price at the period's rate), and what the
// day costs when the fleet scales with the load (docs/estimation.md "Load profiles").
#include "llmhw/load_profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "llmhw/disaggregated.hpp"
#include "llmhw/text.hpp"

namespace llmhw {

double LoadProfile::peak_qps() const {
  double peak = 0;
  for (const Period& p : periods) peak = std::max(peak, p.qps);
  return peak;
}

double LoadProfile::mean_qps() const {
  double requests = 0, hours = 0;
  for (const Period& p : periods) requests += p.qps * p.hours, hours += p.hours;
  return hours > 0 ? requests / hours : 0.0;
}

namespace {

// Whole instances for `replicas` replicas of the deployment at the basis' cheapest fleet (0 for
// none); the price the peak fleet was rented at when the basis has no fleet for that count.
double fleet_usd_per_hour(const Evaluation& at_peak, const PriceBasis& basis, long replicas) {
  if (replicas <= 0) return 0;
  // Both sides of a disaggregated replica (Evaluation::devices()), as add_cost() rents it.
  const Deployment& d = at_peak.deployment;
  if (auto r = cheapest_rental(*d.hardware, basis, replicas, at_peak.devices(), d.tp)) return r->usd_per_hour;
  return rent(*at_peak.price, *d.hardware, replicas, at_peak.devices()).usd_per_hour;
}

// The deployment at the period's rate, sized as recommend sizes it: a disaggregated replica by
// its prefill and decode workers together (size_disaggregated), not as one decode worker.
// Should a period's sizing break a rule the peak's did not (it cannot at a lower rate), the
// period keeps the peak's fleet.
Evaluation size_at(const Evaluation& at_peak, const Query& at, const Efficiency& eff,
                   const EngineLimits& limits) {
  if (at_peak.disaggregated) {
    auto e = size_disaggregated(at_peak.disaggregated->deployment, at, eff, limits);
    return e ? std::move(*e) : at_peak;
  }
  Evaluation e = size_and_price(at_peak.deployment, at, eff);
  add_load_point(e, at, eff);
  return e;
}

// One period at its own rate: the replicas and load point recommend's sizing gives it.
ScheduleEntry size_period(const Evaluation& at_peak, const Query& q, const Efficiency& eff,
                          const EngineLimits& limits, const Period& p) {
  ScheduleEntry s;
  s.period = p;
  if (p.qps <= 0) {  // nobody to serve: only the spares stay up
    s.replicas = q.n_plus;
    return s;
  }
  Query at = q;
  at.qps = p.qps;
  const Evaluation e = size_at(at_peak, at, eff, limits);
  s.replicas = e.replicas;
  s.utilisation = e.utilisation;
  s.served = true;
  s.at_load = e.at_load;
  // Energy when the price excludes it (purchases), as the peak fleet's cost counts it.
  s.cost_per_hour_usd = e.total_cost_per_hour - e.cost_per_hour;
  return s;
}

}  // namespace

DayPlan plan_day(const Evaluation& at_peak, const Query& q, const Efficiency& eff, const EngineLimits& limits,
                 const LoadProfile& profile, const DayOptions& options) {
  DayPlan plan;
  for (const Period& p : profile.periods) plan.schedule.push_back(size_period(at_peak, q, eff, limits, p));
  plan.floor_replicas = std::numeric_limits<long>::max();
  for (const ScheduleEntry& s : plan.schedule)
    plan.floor_replicas = std::min(plan.floor_replicas, s.replicas);
  const PriceBasis rest = q.price_basis();
  double floor_per_hour = 0;  // the always-on floor at the baseline's price (0 without one)
  long floor = 0;             // replicas priced at the baseline
  if (!options.baseline.empty() && plan.floor_replicas > 0) {
    const PriceBasis base{options.baseline, q.providers};
    const Deployment& d = at_peak.deployment;
    if (auto r = cheapest_rental(*d.hardware, base, plan.floor_replicas, at_peak.devices(), d.tp)) {
      floor = plan.floor_replicas;
      floor_per_hour = r->usd_per_hour;
      plan.floor_price = r->price;
    } else {
      plan.note = fmt::format("no {} price of {} holds a {}-device replica; the floor is priced {}",
                              options.baseline, d.hardware->id, at_peak.devices(), q.pricing);
    }
  }
  double tokens = 0;
  for (size_t i = 0; i < plan.schedule.size(); ++i) {
    ScheduleEntry& s = plan.schedule[i];
    const ScheduleEntry& next = plan.schedule[(i + 1) % plan.schedule.size()];
    s.warming_replicas = std::max(0L, next.replicas - s.replicas);
    const double warm_h = std::min(options.scale_up_minutes / 60.0, s.period.hours);
    const double energy = s.cost_per_hour_usd;
    s.cost_per_hour_usd = floor_per_hour + fleet_usd_per_hour(at_peak, rest, s.replicas - floor) + energy;
    const double warming_per_hour =
        floor_per_hour + fleet_usd_per_hour(at_peak, rest, s.replicas + s.warming_replicas - floor) + energy;
    s.cost_usd = s.cost_per_hour_usd * (s.period.hours - warm_h) + warming_per_hour * warm_h;
    plan.per_day_usd += s.cost_usd;
    tokens += s.period.qps * s.period.hours * 3600.0 * q.workload.output_tokens;
  }
  plan.peak_sized_per_day_usd = at_peak.total_cost_per_hour * 24.0;
  plan.per_million_tokens_usd = tokens > 0 ? plan.per_day_usd / tokens * 1e6 : 0.0;
  return plan;
}

std::vector<DayPlan> plan_days(RecommendResult& result, const Query& q, const Calibration& calibration,
                               std::span<const Hardware> known, const LoadProfile& profile,
                               const DayOptions& options) {
  std::vector<std::pair<DayPlan, Recommendation>> ranked;
  for (Recommendation& r : result.recommendations) {
    const Hardware& hw = *r.evaluation.deployment.hardware;
    const std::string& id = hw.socket_id.empty() ? hw.id : hw.socket_id;  // a CPU slice: its socket's fit
    const auto it = std::find_if(known.begin(), known.end(), [&](const Hardware& k) { return k.id == id; });
    const Hardware& searched = it != known.end() ? *it : hw;
    const Resolution resolved = calibration.resolve(searched, "", known);
    const Query checked = for_device(q, resolved.bounds);
    DayPlan plan = plan_day(r.evaluation, checked, *resolved.efficiency, calibration.limits("", searched),
                            profile, options);
    ranked.emplace_back(std::move(plan), std::move(r));
  }
  // By cost per day; ties keep recommend's order (stable).
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first.per_day_usd < b.first.per_day_usd; });
  std::vector<DayPlan> plans;
  result.recommendations.clear();
  for (size_t i = 0; i < ranked.size(); ++i) {
    auto& [plan, r] = ranked[i];
    // The rank reason is the last of a recommendation's reasons (recommend() adds it last).
    if (!r.reasons.empty()) {
      r.reasons.back() = i == 0 ? "rank 1: lowest cost per day over the load profile"
                                : fmt::format("rank {}: {:.2f}x the cost per day of rank 1", i + 1,
                                              plan.per_day_usd / ranked.front().first.per_day_usd);
    }
    plans.push_back(std::move(plan));
    result.recommendations.push_back(std::move(r));
  }
  return plans;
}

}  // namespace llmhw
