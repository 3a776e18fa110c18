#pragma once
// Renderers for the hardware catalog.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llmhw/hardware.hpp"
#include "llmhw/render.hpp"

namespace llmhw::render {

std::string hardware_list_table(const std::vector<Hardware>& catalog, const Style& style = {});
std::string hardware_show_table(const nlohmann::ordered_json& profile, const std::string& origin);
// {"schema_version": 1, "hardware": [profile, ...]}; each profile as in its file, plus "origin".
std::string hardware_json(const std::vector<nlohmann::ordered_json>& profiles);

}  // namespace llmhw::render
