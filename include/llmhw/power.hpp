#pragma once
// Power budgets (recommend --power-budget): a fleet's draw at full load, devices x TDP x PUE,
// as a hard rule. Host overhead (CPUs, NICs, fans outside the device TDP) is not counted: the
// budget is for the accelerators, and the PUE covers the site's cooling and distribution.
#include <string>
#include <string_view>

#include "llmhw/recommend.hpp"

namespace llmhw {

// "40kW", "40 kW", "40000W", "0.5MW" -> kilowatts (> 0, at most 1 GW); a usage error naming `what`.
double parse_power_kw(std::string_view text, std::string_view what);

// The fleet's draw at full load in kW: every device of every replica at its TDP, times the PUE
// (0 when the profile states no TDP).
double fleet_power_kw(const Evaluation& e, const Query& q);

// The hard rule "within-power-budget": no budget, or a known TDP and the draw within it.
bool within_power_budget(const Evaluation& e, const Query& q);
std::string why_not_power_budget(const Evaluation& e, const Query& q);

}  // namespace llmhw
