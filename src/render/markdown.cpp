// Markdown outputs: GitHub-flavoured tables with the cells of the text tables, to paste into an
// issue, a pull request or a design document.
#include <fmt/format.h>

#include "llmhw/render_formats.hpp"
#include "llmhw/text.hpp"
#include "render/rows.hpp"

namespace llmhw::render {
namespace {

// A pipe would end the cell and a newline the row.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string line(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) out.append(" ").append(cell(c)).append(" |");
  return out + "\n";
}

// Labelled figures (no header row) under a two-column header.
std::string labelled_table(Rows rows) {
  rows.insert(rows.begin(), {"field", "value"});
  return markdown_table(rows);
}

std::string rejections(const RecommendResult& result) {
  if (result.rejected.empty()) return "";
  Rows rows = {{"rejected", "reason"}};
  for (const Rejection& r : result.rejected) rows.push_back({r.hardware->id, r.reasons.front()});
  return fmt::format("\n{}", markdown_table(rows));
}

}  // namespace

std::string markdown_table(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return "";
  std::string out = line(rows.front());
  out += "|";
  for (size_t i = 0; i < rows.front().size(); ++i) out += " --- |";
  out += "\n";
  for (size_t i = 1; i < rows.size(); ++i) out += line(rows[i]);
  return out;
}

std::string recommend_markdown(const RecommendResult& result, const RecommendContext& ctx,
                               const Style& style) {
  std::string out;
  if (!style.quiet) {
    for (const std::string& l : recommend_preamble(ctx, result))
      out += cell(l) + "  \n";  // two spaces: a line break
    out += "\n";
  }
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  out += shown == 0 ? "No deployment meets the constraints.\n"
                    : markdown_table(recommend_rows(result, ctx, shown)) + "\n" +
                          markdown_table(recommend_cost_rows(result, ctx, shown));
  if (!style.quiet || shown == 0) out += rejections(result);
  return out;
}

std::string estimate_markdown(const EstimateView& v, const Style& style) {
  std::string out;
  if (!style.quiet) {
    for (const std::string& l : estimate_preamble(v)) out += cell(l) + "  \n";
    out += "\n";
  }
  out += labelled_table(estimate_rows(v));
  if (!style.quiet && !v.notes.empty()) {
    out += "\n";
    for (const std::string& n : v.notes) out += "- note: " + cell(n) + "\n";
  }
  return out;
}

std::string hardware_list_markdown(const std::vector<Hardware>& catalog, const Style& style) {
  std::string out = markdown_table(hardware_list_rows(catalog));
  if (!style.quiet)
    out += "\nPrice on demand per device-hour; * amortized purchase price. TFLOP/s are dense peaks.\n";
  return out;
}

std::string hardware_show_markdown(const nlohmann::ordered_json& profile, const std::string& origin) {
  return labelled_table(hardware_show_rows(profile, origin));
}

std::string models_list_markdown(const std::vector<ModelInfo>& models, const Style& style) {
  std::string out = markdown_table(models_list_rows(models));
  if (!style.quiet) out += "\nKV/token: KV cache per token at 16 bits in full-attention layers.\n";
  return out;
}

std::string model_show_markdown(const ModelInfo& info) {
  return labelled_table(model_show_rows(info));
}

}  // namespace llmhw::render
