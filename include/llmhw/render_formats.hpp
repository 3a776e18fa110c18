#pragma once
// CSV and Markdown for the commands whose answer is a table.
//
// CSV (RFC 4180): one header row, then one record per line, lines ending CRLF; a field with a
// comma, quote, CR or LF is quoted, quotes doubled. Cells are machine-readable: numbers without
// units or thousands separators, as the command's JSON prints them (computed figures to 4
// significant digits, catalog figures as their profile gives them), the unit in the column name
// (`tpot_ms`, `cost_per_hour_usd`); an absent value is an empty field.
//
// Markdown: GitHub-flavoured tables with the cells of the text table; `|` in a cell is escaped.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llmhw/hardware.hpp"
#include "llmhw/render.hpp"
#include "llmhw/render_estimate.hpp"
#include "llmhw/render_models.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::render {

// Rows of fields (the first is the header) as RFC 4180 CSV.
std::string csv_table(const std::vector<std::vector<std::string>>& rows);
// Rows of cells (the first is the header) as a GitHub-flavoured Markdown table.
std::string markdown_table(const std::vector<std::vector<std::string>>& rows);

std::string recommend_csv(const RecommendResult& result, const RecommendContext& ctx);
std::string estimate_csv(const EstimateView& v);
std::string hardware_list_csv(const std::vector<Hardware>& catalog);
std::string models_list_csv(const std::vector<ModelInfo>& models);

// Without style.quiet, the query and the rejections come with the ranking.
std::string recommend_markdown(const RecommendResult& result, const RecommendContext& ctx,
                               const Style& style);
std::string estimate_markdown(const EstimateView& v, const Style& style);
std::string hardware_list_markdown(const std::vector<Hardware>& catalog, const Style& style);
std::string hardware_show_markdown(const nlohmann::ordered_json& profile, const std::string& origin);
std::string models_list_markdown(const std::vector<ModelInfo>& models, const Style& style);
std::string model_show_markdown(const ModelInfo& info);

}  // namespace llmhw::render
