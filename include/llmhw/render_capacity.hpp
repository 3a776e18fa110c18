#pragma once
// Rendering `llmhw capacity`: a table per pool with the reasons, or JSON
// (data/schema/capacity.schema.json).
#include <string>
#include <vector>

#include "llmhw/capacity.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::render {

struct CapacityContext {
  const Query* query = nullptr;
  const Model* model = nullptr;
  std::string precision_text;  // as asked: "auto" or a list
  std::string devices_text;    // as asked: "16xh100-sxm,8xl40s"
  std::string calibration_status;
  std::vector<std::string> notes;  // one per calibration overlay applied (cli/overlays.hpp)
};

inline constexpr int kCapacitySchemaVersion = 1;

std::string capacity_table(const CapacityResult& result, const CapacityContext& ctx, const Style& style);
std::string capacity_json(const CapacityResult& result, const CapacityContext& ctx);

}  // namespace llmhw::render
