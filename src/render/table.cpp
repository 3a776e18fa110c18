// The human-readable answer: a ranked table, the reasons per rank, and every rejection.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "llmhw/render.hpp"
#include "llmhw/text.hpp"
#include "render/rows.hpp"
#include "render/style.hpp"

namespace llmhw::render {
namespace {

// "1,024" or "1,024 (sd 256)".
std::string tokens(double mean, double sd) {
  return sd > 0 ? fmt::format("{} (sd {})", text::grouped(mean), text::grouped(std::round(sd)))
                : text::grouped(mean);
}

// "TTFT <= 1 s" (a mean target) or "p90 TTFT <= 800 ms".
std::string target(const char* name, double ms, double percentile) {
  return fmt::format("{}{} <= {}", text::percentile_prefix(percentile), name, text::ms(ms));
}

// The parallel layout: "2" (TP), "8x2" (TP x PP), "8 EP".
std::string layout(const Deployment& d) {
  std::string out = std::to_string(d.tp);
  if (d.pp > 1) out += fmt::format("x{}", d.pp);
  if (d.moe_ep > 1) out += " EP";
  return out;
}

// "48±20%": a latency in ms (the unit is in the header) and its band, compactly: the band's
// larger deviation from the prediction. The Why lines give the band itself, and the evidence.
std::string with_band(double seconds, const Band& band) {
  const double ms = seconds * 1e3;
  const double r = text::round_significant(ms, 3);
  const std::string value = r >= 100  ? text::grouped(ms)
                            : r >= 10 ? fmt::format("{:.0f}", r)
                                      : fmt::format("{:.2g}", r);
  return fmt::format("{}±{:.0f}%", value, std::max(band.high - 1.0, 1.0 - band.low) * 100.0);
}

std::vector<std::string> row(size_t rank, const Recommendation& r, const Query& q) {
  const Evaluation& e = r.evaluation;
  return {std::to_string(rank), e.deployment.hardware->id,
          fmt::format("{}x{}", e.deployment.devices(), e.replicas),
          std::string(to_string(e.deployment.weights)), layout(e.deployment),
          with_band(e.at_load.ttft_at(q.ttft_percentile), r.bounds.ttft),
          with_band(e.at_load.tpot_at(q.tpot_percentile), r.bounds.tpot), text::usd(e.total_cost_per_hour),
          text::usd(e.cost_per_million_tokens), e.energy_known ? text::rate(e.energy_kwh_per_hour) : "n/a",
          // Short enough that the table fits 100 columns with the longest hardware ids.
          fmt::format("{} at {:.0f}/replica", e.limited_by, e.capacity.concurrency)};
}

// A CPU slice is rented as an instance: ": 2x c7g.2xlarge (8 vCPU)" (replicas x instance).
std::string instance_label(const Evaluation& e) {
  const Hardware& hw = *e.deployment.hardware;
  if (hw.vcpus == 0 || !e.price || e.price->instance_type.empty()) return "";
  return fmt::format(": {}x {} ({} vCPU)", e.replicas, e.price->instance_type, hw.vcpus);
}

std::string rejections(const RecommendResult& result, const Style& style) {
  size_t id_width = 0;
  for (const Rejection& r : result.rejected) id_width = std::max(id_width, r.hardware->id.size());
  std::string out = fmt::format("\n{}\n", paint("Rejected:", Paint::bold, style));
  for (const Rejection& r : result.rejected) {
    out += labelled("  " + r.hardware->id, r.reasons.front(), id_width + 4, style, Paint::yellow, Paint::dim);
  }
  return out;
}

std::string reasons(const RecommendResult& result, const RecommendContext& ctx, size_t shown,
                    const Style& style) {
  std::string out = fmt::format("\n{}\n", paint("Why:", Paint::bold, style));
  for (size_t i = 0; i < shown; ++i) {
    const Evaluation& e = result.recommendations[i].evaluation;
    out += fmt::format("{}. {}{}\n", i + 1, e.deployment.hardware->id, instance_label(e));
    for (const std::string& reason : result.recommendations[i].reasons)
      out += wrap(reason, kTableWidth, "   - ", "     ");
    if (ctx.explain) {
      out += "   derivation:\n";
      for (const std::string& step : derivation(result.recommendations[i].evaluation, *ctx.query))
        out += wrap(step, kTableWidth, "     ", "       ");
    }
  }
  if (result.recommendations.size() > shown) {
    out += fmt::format("({} more feasible; --all shows all)\n", result.recommendations.size() - shown);
  }
  return out;
}

}  // namespace

// The price basis every row shares: "cheapest on-demand instances that hold each replica, any
// provider" (--cloud names the providers).
std::string price_basis(const Query& q) {
  const std::string from =
      q.providers.empty() ? "any provider" : fmt::format("from {}", fmt::join(q.providers, ", "));
  return fmt::format("priced at the cheapest {} instances that hold each replica, {}", q.pricing, from);
}

std::vector<std::string> recommend_preamble(const RecommendContext& ctx) {
  const Query& q = *ctx.query;
  std::string budget = q.budget_per_hour ? fmt::format(", budget {}/h", text::usd(*q.budget_per_hour)) : "";
  std::string targets =
      target("TTFT", q.ttft_ms, q.ttft_percentile) + ", " + target("TPOT", q.tpot_ms, q.tpot_percentile);
  if (q.e2e_ms) targets += ", " + target("E2E", *q.e2e_ms, q.e2e_percentile);
  if (q.confidence == Confidence::p90) targets += " at each band's high end (--confidence p90)";
  return {
      fmt::format("{} ({} parameters) at {} req/s, {} input + {} output tokens per request", ctx.model->id,
                  text::params(count_parameters(*ctx.model).total), text::rate(q.qps),
                  tokens(q.workload.input_tokens, q.input_sd), tokens(q.workload.output_tokens, q.output_sd)),
      fmt::format("targets: {}{}; precision {}; {}; at most {:g}% utilised{}; optimizing {}", targets, budget,
                  ctx.precision_text, price_basis(q), q.max_utilisation * 100,
                  q.n_plus > 0 ? fmt::format(" + {} spare", q.n_plus) : std::string(),
                  to_string(q.objective))};
}

Rows recommend_rows(const RecommendResult& result, const RecommendContext& ctx, size_t shown) {
  const Query& q = *ctx.query;
  Rows rows = {
      {"#", "hardware", "dev x rep", "prec", "TP", text::percentile_prefix(q.ttft_percentile) + "TTFT ms",
       text::percentile_prefix(q.tpot_percentile) + "TPOT ms", "$/hour", "$/1M tok", "kWh/h", "limited by"}};
  for (size_t i = 0; i < shown && i < result.recommendations.size(); ++i)
    rows.push_back(row(i + 1, result.recommendations[i], q));
  return rows;
}

std::string recommend_table(const RecommendResult& result, const RecommendContext& ctx, const Style& style) {
  std::string out;
  if (!style.quiet) {
    for (const std::string& line : recommend_preamble(ctx)) out += wrap(line, kTableWidth, "", "  ");
    for (const std::string& w : ctx.model->warnings) out += labelled("warning:", w, 9, style, Paint::yellow);
    for (const std::string& n : ctx.notes) out += labelled("note:", n, 6, style, Paint::dim);
    out += "\n";
  }
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  if (shown == 0) {
    out += paint("No deployment meets the constraints.", Paint::yellow, style) + "\n";
  } else {
    out += styled_table(recommend_rows(result, ctx, shown), style, 1);
    if (!style.quiet) out += reasons(result, ctx, shown, style);
  }
  // Quiet keeps the rejections only when they are the answer: nothing was feasible.
  if (!result.rejected.empty() && (!style.quiet || shown == 0)) out += rejections(result, style);
  if (!style.quiet) {
    out += "\n";
    out += wrap(fmt::format("Efficiency factors: {}.", ctx.calibration_status), kTableWidth, "", "");
  }
  return out;
}

}  // namespace llmhw::render
