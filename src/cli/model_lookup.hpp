#pragma once
// Turns --model (a size, or a catalog id/alias/HF id) or --model-config (a config.json) into a
// Model, with the catalog entry when there is one.
#include <filesystem>
#include <optional>
#include <string>

#include "llmhw/io/loaders.hpp"
#include "llmhw/model.hpp"

namespace llmhw::cli {

struct ResolvedModel {
  Model model;
  std::optional<io::CatalogModel> entry;  // set for catalog models
  std::string source;                     // "catalog: <file>", "config: <file>", "size: 70b"
};

// Exactly one of `model_text` and `config_path` must be non-empty (a usage error otherwise).
ResolvedModel resolve_model(const std::string& model_text, const std::string& config_path,
                            const std::filesystem::path& models_dir);

}  // namespace llmhw::cli
