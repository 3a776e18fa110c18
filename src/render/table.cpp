// The human-readable answer: a ranked table, the reasons per rank, and every rejection.
#include <fmt/format.h>

#include <algorithm>

#include "llmhw/render.hpp"
#include "llmhw/text.hpp"
#include "render/columns.hpp"

namespace llmhw::render {
namespace {

std::string header(const RecommendContext& ctx) {
  const Query& q = *ctx.query;
  std::string budget = q.budget_per_hour ? fmt::format(", budget {}/h", text::usd(*q.budget_per_hour)) : "";
  return fmt::format(
      "{} ({} parameters) at {} req/s, {} input + {} output tokens per request\n"
      "targets (mean): TTFT <= {}, TPOT <= {}{}; precision {}; {} prices\n",
      ctx.model->id, text::params(count_parameters(*ctx.model).total), text::rate(q.qps),
      text::grouped(q.workload.input_tokens), text::grouped(q.workload.output_tokens), text::ms(q.ttft_ms),
      text::ms(q.tpot_ms), budget, ctx.precision_text, q.pricing);
}

std::vector<std::string> row(size_t rank, const Recommendation& r) {
  const Evaluation& e = r.evaluation;
  return {std::to_string(rank),
          e.deployment.hardware->id,
          fmt::format("{}x{}", e.deployment.tp, e.replicas),
          std::string(to_string(e.deployment.weights)),
          std::to_string(e.deployment.tp),
          text::ms(e.at_load.ttft_s * 1e3),
          text::ms(e.at_load.tpot_s * 1e3),
          text::usd(e.cost_per_hour),
          text::usd(e.cost_per_million_tokens),
          fmt::format("{}-bound at {:.0f} req/replica", e.limited_by, e.capacity.concurrency)};
}

}  // namespace

std::string recommend_table(const RecommendResult& result, const RecommendContext& ctx) {
  std::string out = header(ctx);
  for (const std::string& w : ctx.model->warnings) out += "warning: " + w + "\n";
  for (const std::string& n : ctx.notes) out += "note: " + n + "\n";
  out += "\n";
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  if (shown == 0) {
    out += "No deployment meets the constraints.\n";
  } else {
    std::vector<std::vector<std::string>> rows = {
        {"#", "hardware", "dev x rep", "prec", "TP", "TTFT", "TPOT", "$/hour", "$/1M tok", "limited by"}};
    for (size_t i = 0; i < shown; ++i) rows.push_back(row(i + 1, result.recommendations[i]));
    out += aligned(rows);
    out += "\nWhy:\n";
    for (size_t i = 0; i < shown; ++i) {
      out += fmt::format("{}. {}\n", i + 1, result.recommendations[i].evaluation.deployment.hardware->id);
      for (const std::string& reason : result.recommendations[i].reasons) out += "   - " + reason + "\n";
    }
    if (result.recommendations.size() > shown) {
      out += fmt::format("({} more feasible; --top {} shows all)\n", result.recommendations.size() - shown,
                         result.recommendations.size());
    }
  }
  if (!result.rejected.empty()) {
    out += "\nRejected:\n";
    for (const Rejection& r : result.rejected) {
      out += fmt::format("  {:<15} {}\n", r.hardware->id, r.reasons.front());
    }
  }
  out += fmt::format("\nEfficiency factors: {}.\n", ctx.calibration_status);
  return out;
}

}  // namespace llmhw::render
