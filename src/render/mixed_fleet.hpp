#pragma once
// The `mixed_fleet` object of recommend's JSON (data/schema/recommend.schema.json).
#include "llmhw/mixed_fleet.hpp"
#include "render/json_writer.hpp"

namespace llmhw::render {

void mixed_fleet_json(JsonWriter& w, const MixedFleet& mixed);

}  // namespace llmhw::render
