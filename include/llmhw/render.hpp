#pragma once
// Renderers turn results into strings; only the CLI prints them.
#include <string>
#include <vector>

#include "llmhw/load_profile.hpp"
#include "llmhw/mixed_fleet.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::render {

// What a recommend answer needs besides the result itself.
struct RecommendContext {
  const Query* query = nullptr;
  const Model* model = nullptr;
  std::string precision_text;  // as asked: "auto" or a list
  std::string calibration_status;
  size_t top = 10;
  std::vector<std::string> notes;  // e.g. user profiles overriding shipped ones
  bool compact = false;            // JSON on one line (batch mode)
  bool explain = false;            // table: print each recommendation's derivation
  // --load-profile: the profile, and each recommendation's day (parallel to recommendations).
  const LoadProfile* profile = nullptr;
  const DayOptions* day_options = nullptr;
  const std::vector<DayPlan>* days = nullptr;
  // The traffic split by prompt length (mixed_fleet.hpp); null when the search did not run.
  const MixedFleet* mixed_fleet = nullptr;
};

std::string recommend_table(const RecommendResult& result, const RecommendContext& ctx,
                            const Style& style = {});
std::string recommend_json(const RecommendResult& result, const RecommendContext& ctx);
// --load-profile: each fleet's cost per day and the rank 1 schedule, for the table output.
std::string day_plans_table(const RecommendResult& result, const RecommendContext& ctx, const Style& style);
// --load-profile --plot: the load and rank 1's replicas over the day, as an SVG (deterministic;
// each period is a <g class="period"> with data-start, data-qps and data-replicas).
std::string day_svg(const RecommendResult& result, const RecommendContext& ctx);
// "07:30" for 7.5 hours after midnight.
std::string clock_time(double hours);

// Each JSON output versions its own shape (data/schema/*.schema.json).
inline constexpr int kSchemaVersion = 1;
inline constexpr int kRecommendSchemaVersion = 2;  // 2: queueing, percentiles, energy, layouts

}  // namespace llmhw::render
