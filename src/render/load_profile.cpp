// --load-profile in table output: each fleet's cost per day against sizing for the peak, and
// the schedule of rank 1 period by period.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "llmhw/render.hpp"
#include "llmhw/text.hpp"
#include "render/style.hpp"

namespace llmhw::render {

std::string clock_time(double hours) {
  const long minutes = std::lround(hours * 60.0);
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

namespace {

std::string replica_range(const DayPlan& day) {
  long lo = day.schedule.front().replicas, hi = lo;
  for (const ScheduleEntry& s : day.schedule) lo = std::min(lo, s.replicas), hi = std::max(hi, s.replicas);
  return lo == hi ? std::to_string(lo) : fmt::format("{}..{}", lo, hi);
}

std::string saving(const DayPlan& day) {
  if (day.peak_sized_per_day_usd <= 0) return "-";
  return fmt::format("{:.0f}%", (1.0 - day.per_day_usd / day.peak_sized_per_day_usd) * 100.0);
}

std::string schedule_table(const Recommendation& r, const DayPlan& day, const Style& style) {
  std::vector<std::vector<std::string>> rows = {
      {"start", "hours", "req/s", "replicas", "+warming", "util", "TTFT ms", "TPOT ms", "$/hour", "$"}};
  for (const ScheduleEntry& s : day.schedule) {
    rows.push_back({clock_time(s.period.start_h),
                    fmt::format("{:g}", text::round_significant(s.period.hours, 3)), text::rate(s.period.qps),
                    std::to_string(s.replicas),
                    s.warming_replicas > 0 ? fmt::format("+{}", s.warming_replicas) : "",
                    fmt::format("{:.0f}%", s.utilisation * 100),
                    s.served ? fmt::format("{:.0f}", s.at_load.ttft_s * 1e3) : "-",
                    s.served ? fmt::format("{:.0f}", s.at_load.tpot_s * 1e3) : "-",
                    text::usd(s.cost_per_hour_usd), text::usd(s.cost_usd)});
  }
  return fmt::format("\nSchedule of rank 1 ({}, {}x{} at the peak):\n", r.evaluation.deployment.hardware->id,
                     r.evaluation.deployment.devices(), r.evaluation.replicas) +
         styled_table(rows, style);
}

}  // namespace

std::string day_plans_table(const RecommendResult& result, const RecommendContext& ctx, const Style& style) {
  if (!ctx.days || ctx.days->empty()) return "";
  const LoadProfile& profile = *ctx.profile;
  const std::string head = fmt::format(
      "Daily load profile {}: {} periods, mean {} req/s, peak {} req/s; scaling up takes {:g} min{}; "
      "ranked by cost per day:",
      profile.source, profile.periods.size(), text::rate(profile.mean_qps()), text::rate(profile.peak_qps()),
      ctx.day_options->scale_up_minutes,
      ctx.day_options->baseline.empty() ? ""
                                        : fmt::format("; the always-on floor {}", ctx.day_options->baseline));
  std::string out(1, '\n');
  out += wrap(head, kTableWidth, "", "");
  std::vector<std::vector<std::string>> rows = {
      {"#", "hardware", "replicas", "$/day", "$/day at peak", "saving", "$/1M out", "floor"}};
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  for (size_t i = 0; i < shown; ++i) {
    const DayPlan& day = (*ctx.days)[i];
    rows.push_back({std::to_string(i + 1), result.recommendations[i].evaluation.deployment.hardware->id,
                    replica_range(day), text::usd(day.per_day_usd), text::usd(day.peak_sized_per_day_usd),
                    saving(day), text::usd(day.per_million_tokens_usd),
                    day.floor_price ? fmt::format("{} {}", day.floor_replicas, day.floor_price->pricing)
                                    : std::to_string(day.floor_replicas)});
  }
  out += styled_table(rows, style, 1);
  out += schedule_table(result.recommendations.front(), ctx.days->front(), style);
  if (!style.quiet) {
    for (size_t i = 0; i < shown; ++i) {
      if (!(*ctx.days)[i].note.empty()) out += wrap((*ctx.days)[i].note, kTableWidth, "note: ", "  ");
    }
  }
  return out;
}

}  // namespace llmhw::render
