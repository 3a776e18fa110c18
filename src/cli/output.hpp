#pragma once
// Printing a recommend answer in the chosen format, and writing its --plot file.
#include <string>

#include "cli/app.hpp"
#include "llmhw/render.hpp"

namespace llmhw::cli {

// Writes the plot first (when `plot` is not empty), so that a plot that cannot be written fails
// the command (exit 1, naming --plot) before anything reaches stdout.
void print_recommend(render::Format format, const RecommendResult& result,
                     const render::RecommendContext& ctx, const std::string& plot,
                     const GlobalOptions& global, Streams& s);

}  // namespace llmhw::cli
