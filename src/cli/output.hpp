#pragma once
// Rendering a recommend answer in the chosen format, and writing its --plot file.
#include <string>

#include "cli/app.hpp"
#include "llmhw/render.hpp"

namespace llmhw::cli {

// How one recommend answer is presented.
struct RecommendOutput {
  render::Format format = render::Format::json;
  render::Style style;  // tables and Markdown
  std::string plot;     // SVG file to write, if any
};

// The answer as text in its format. The plot is written first, so that a plot that cannot be
// written fails the command (exit 1, naming --plot) before anything reaches stdout.
std::string render_recommend(const RecommendResult& result, const render::RecommendContext& ctx,
                             const RecommendOutput& how);

}  // namespace llmhw::cli
