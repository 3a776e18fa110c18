#pragma once
// `recommend --plot`: every feasible deployment as cost per 1M output tokens against TPOT, with
// the Pareto frontier, as a self-contained SVG (no fonts, scripts or links to fetch).
#include <string>

#include "llmhw/render.hpp"

namespace llmhw::render {

// Deterministic bytes for the same result: fixed number formatting, no dates. Each point is a
// <circle class="point"> carrying data-hardware, data-rank, data-tpot-ms and data-cost-usd (the
// JSON output's figures, 4 significant digits); frontier points also have class "frontier"; the
// plot area <g id="plot-area"> carries its pixel box and axis domains so the mapping can be
// checked. With no feasible deployment the plot says so.
std::string recommend_svg(const RecommendResult& result, const RecommendContext& ctx);

}  // namespace llmhw::render
