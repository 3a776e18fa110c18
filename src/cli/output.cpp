#include "cli/output.hpp"

#include <ostream>

#include "llmhw/io/loaders.hpp"
#include "llmhw/render_formats.hpp"
#include "llmhw/render_plot.hpp"

namespace llmhw::cli {

void print_recommend(render::Format format, const RecommendResult& result,
                     const render::RecommendContext& ctx, const std::string& plot,
                     const GlobalOptions& global, Streams& s) {
  if (!plot.empty()) io::write_text_file(plot, render::recommend_svg(result, ctx), "--plot");
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
