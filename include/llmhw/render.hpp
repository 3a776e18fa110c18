#pragma once
// Renderers turn results into strings; only the CLI prints them.
#include <string>
#include <vector>

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
};

std::string recommend_table(const RecommendResult& result, const RecommendContext& ctx,
                            const Style& style = {});
std::string recommend_json(const RecommendResult& result, const RecommendContext& ctx);

// Each JSON output versions its own shape (data/schema/*.schema.json).
inline constexpr int kSchemaVersion = 1;
inline constexpr int kRecommendSchemaVersion = 2;  // 2: queueing, percentiles, energy, layouts

}  // namespace llmhw::render
