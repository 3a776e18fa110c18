#pragma once
// Renderers for `llmhw models list` and `models show`.
#include <optional>
#include <string>
#include <vector>

#include "llmhw/model.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::render {

// What `models show` prints besides the derived figures.
struct ModelInfo {
  const Model* model = nullptr;
  std::string source;                     // catalog file, config file or size
  std::string hf_id;                      // catalog models
  std::vector<std::string> aliases;       // catalog models
  std::optional<double> published_total;  // catalog models: the publisher's figures
  std::optional<double> published_active;
};

std::string model_show_table(const ModelInfo& info);
std::string model_show_json(const ModelInfo& info);
std::string models_list_table(const std::vector<ModelInfo>& models, const Style& style = {});
std::string models_list_json(const std::vector<ModelInfo>& models);

}  // namespace llmhw::render
