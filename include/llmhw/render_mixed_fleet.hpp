#pragma once
// recommend's mixed fleet (traffic split by prompt length over two hardware types) as a table
// section after the ranking; the JSON object is written by recommend_json (render.hpp).
#include <string>

#include "llmhw/mixed_fleet.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::render {

// A few lines: the split, each side's fleet and the saving against the best single type; or, when
// the search ran but no split is recommended, why (nothing when the search did not run).
std::string mixed_fleet_table(const MixedFleet& mixed, const Style& style);

}  // namespace llmhw::render
