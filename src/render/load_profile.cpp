// --load-profile in table output: each fleet's cost per day against sizing for the peak, and
// the schedule of rank 1 period by period.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "llmhw/render.hpp"
#include "llmhw/text.hpp"
#include "render/style.hpp"
#include "render/xml.hpp"

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
      {"#", "hardware", "replicas", "$/day", "$/day at peak", "saving", "$/1M tok", "floor"}};
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

namespace llmhw::render {
namespace {

// A step line through (start, value) per period over the day, as an SVG path in the plot box.
std::string steps(const DayPlan& day, double (*value)(const ScheduleEntry&), double top, double x0, double x1,
                  double y0, double y1) {
  std::string d;
  const auto x = [&](double h) { return x0 + h / 24.0 * (x1 - x0); };
  const auto y = [&](double v) { return y1 - (top > 0 ? v / top : 0.0) * (y1 - y0); };
  for (const ScheduleEntry& s : day.schedule) {
    const double v = value(s), a = s.period.start_h, b = std::min(24.0, a + s.period.hours);
    d += fmt::format("{}{:.1f},{:.1f} L{:.1f},{:.1f} ", d.empty() ? "M" : "L", x(a), y(v), x(b), y(v));
  }
  return d;
}

}  // namespace

std::string day_svg(const RecommendResult& result, const RecommendContext& ctx) {
  constexpr double kW = 900, kH = 420, x0 = 80, x1 = 820, y0 = 60, y1 = 360;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      kW, kH, kW, kH);
  if (!ctx.days || ctx.days->empty()) {
    return out +
           "<text x=\"450\" y=\"210\" text-anchor=\"middle\">No deployment meets the "
           "constraints</text>\n</svg>\n";
  }
  const DayPlan& day = ctx.days->front();
  const Evaluation& e = result.recommendations.front().evaluation;
  double peak_qps = 0, peak_replicas = 0;
  for (const ScheduleEntry& s : day.schedule) {
    peak_qps = std::max(peak_qps, s.period.qps);
    peak_replicas = std::max(peak_replicas, static_cast<double>(s.replicas));
  }
  out += fmt::format(
      "<text x=\"{}\" y=\"30\" font-size=\"15\">{} over the day: load (req/s, left) and replicas of {}x {} "
      "(right); ${:.0f}/day</text>\n",
      x0, xml_escaped(ctx.model->id), e.deployment.devices(), xml_escaped(e.deployment.hardware->id),
      day.per_day_usd);
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>\n",
                     x0, y0, x1 - x0, y1 - y0);
  for (int h = 0; h <= 24; h += 3) {
    const double x = x0 + h / 24.0 * (x1 - x0);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{:02}:00</text>\n", x, y1 + 18,
                       h % 24);
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{:g}</text>\n", x0 - 6, y0 + 4,
                     text::round_significant(peak_qps, 3));
  out += fmt::format("<text x=\"{}\" y=\"{}\">{:g}</text>\n", x1 + 6, y0 + 4, peak_replicas);
  out +=
      fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\n<text x=\"{}\" y=\"{}\">0</text>\n",
                  x0 - 6, y1, x1 + 6, y1);
  out += fmt::format("<path id=\"load\" d=\"{}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n",
                     steps(
                         day, [](const ScheduleEntry& s) { return s.period.qps; }, peak_qps, x0, x1, y0, y1));
  out += fmt::format(
      "<path id=\"replicas\" d=\"{}\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" "
      "stroke-dasharray=\"6 3\"/>\n",
      steps(
          day, [](const ScheduleEntry& s) { return static_cast<double>(s.replicas); }, peak_replicas, x0, x1,
          y0, y1));
  for (const ScheduleEntry& s : day.schedule) {
    out += fmt::format("<g class=\"period\" data-start=\"{}\" data-qps=\"{:g}\" data-replicas=\"{}\"/>\n",
                       clock_time(s.period.start_h), text::round_significant(s.period.qps, 4), s.replicas);
  }
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" fill=\"#1f77b4\">load, req/s</text><text x=\"{}\" y=\"{}\" fill=\"#d62728\">"
      "replicas</text>\n</svg>\n",
      x0, y1 + 45, x0 + 120, y1 + 45);
  return out;
}

}  // namespace llmhw::render
