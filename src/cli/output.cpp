#include "cli/output.hpp"

#include <ostream>

#include "llmhw/render_formats.hpp"

namespace llmhw::cli {

void print_recommend(render::Format format, const RecommendResult& result,
                     const render::RecommendContext& ctx, const GlobalOptions& global, Streams& s) {
  switch (format) {
    case render::Format::json:
      s.out << render::recommend_json(result, ctx);
      break;
    case render::Format::csv:
      s.out << render::recommend_csv(result, ctx);
      break;
    case render::Format::markdown:
      s.out << render::recommend_markdown(result, ctx, output_style(global, s));
      break;
    case render::Format::table:
      s.out << render::recommend_table(result, ctx, output_style(global, s));
      break;
  }
}

}  // namespace llmhw::cli
