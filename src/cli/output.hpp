#pragma once
// Printing a recommend answer in the chosen format.
#include <string>

#include "cli/app.hpp"
#include "llmhw/render.hpp"

namespace llmhw::cli {

void print_recommend(render::Format format, const RecommendResult& result,
                     const render::RecommendContext& ctx, const GlobalOptions& global, Streams& s);

}  // namespace llmhw::cli
