#pragma once
// A daily load profile (recommend --load-profile): request rates by period over a day, and the
// fleet each candidate runs in each period when it scales with the load (docs/estimation.md
// "Load profiles").
#include <string>
#include <vector>

#include "llmhw/recommend.hpp"

namespace llmhw {

// One period: from its start to the next period's start (the last wraps to the first, a day
// later), at a steady rate.
struct Period {
  double start_h = 0;  // hours after midnight, [0, 24)
  double hours = 0;
  double qps = 0;  // >= 0
  long line = 0;   // in the file, for messages
};

struct LoadProfile {
  std::string source;  // the file, for output
  std::vector<Period> periods;
  double peak_qps() const;
  double mean_qps() const;  // weighted by the periods' hours
};

// Where the always-on floor of a scaling fleet is priced (--baseline): at the query's pricing
// like the rest, or reserved / spot with the rest at the query's pricing.
struct DayOptions {
  double scale_up_minutes = 5;  // model load and warm-up before a new replica serves
  std::string baseline;         // empty, "reserved" or "spot"
};

// One period of a fleet's day.
struct ScheduleEntry {
  Period period;
  long replicas = 0;          // sized for the period's own load (spares included)
  long warming_replicas = 0;  // more started in its last scale-up minutes for the next period
  double utilisation = 0;
  bool served = false;  // a period at 0 req/s has no load point
  LoadPoint at_load;
  double cost_per_hour_usd = 0;  // the fleet at `replicas`
  double cost_usd = 0;           // the period: replicas for its hours, warming ones for the scale-up
};

// How one recommended deployment runs the profile's day.
struct DayPlan {
  std::vector<ScheduleEntry> schedule;
  double per_day_usd = 0;              // the sum of the schedule's cost_usd
  double peak_sized_per_day_usd = 0;   // the fleet sized for the peak, all day
  double per_million_tokens_usd = 0;   // per_day_usd over the day's output tokens
  long floor_replicas = 0;             // always on (the fewest in any period)
  const Price* floor_price = nullptr;  // the baseline's price for them (null: the query's pricing)
  std::string note;                    // e.g. no reserved price: the floor is priced like the rest
};

// The day of the deployment `at_peak` (sized by recommend at the profile's peak), replicas per
// period with the same layout: a period holds its own load's replicas and, for its last
// scale-up minutes, those the next period needs when more.
// `limits`: the device's engine limits, as recommend sized a disaggregated replica with them.
DayPlan plan_day(const Evaluation& at_peak, const Query& q, const Efficiency& eff, const EngineLimits& limits,
                 const LoadProfile& profile, const DayOptions& options);

// plan_day() for each recommendation (the efficiency resolved as recommend did), then the
// recommendations re-ranked by cost per day; returns the plans in the new order.
std::vector<DayPlan> plan_days(RecommendResult& result, const Query& q, const Calibration& calibration,
                               std::span<const Hardware> known, const LoadProfile& profile,
                               const DayOptions& options);

}  // namespace llmhw
