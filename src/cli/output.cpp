#include "cli/output.hpp"

#include "llmhw/io/loaders.hpp"
#include "llmhw/render_formats.hpp"
#include "llmhw/render_plot.hpp"

namespace llmhw::cli {

std::string render_recommend(const RecommendResult& result, const render::RecommendContext& ctx,
                             const RecommendOutput& how) {
  if (!how.plot.empty()) io::write_text_file(how.plot, render::recommend_svg(result, ctx), "--plot");
  switch (how.format) {
    case render::Format::json:
      return render::recommend_json(result, ctx);
    case render::Format::csv:
      return render::recommend_csv(result, ctx);
    case render::Format::markdown:
      return render::recommend_markdown(result, ctx, how.style);
    case render::Format::table:
      break;
  }
  return render::recommend_table(result, ctx, how.style);
}

}  // namespace llmhw::cli
