#pragma once
// Turns what the user typed after --model into a Model: a size, or a catalog id/alias/HF id.
#include <filesystem>
#include <string>

#include "llmhw/model.hpp"

namespace llmhw::cli {

Model lookup_model(const std::string& text, const std::filesystem::path& models_dir);

}  // namespace llmhw::cli
