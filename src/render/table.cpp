// The human-readable answer: a ranked table, the reasons per rank, and every rejection.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "llmhw/disaggregated.hpp"
#include "llmhw/prefix_cache.hpp"
#include "llmhw/render.hpp"
#include "llmhw/text.hpp"
#include "render/numbers.hpp"
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
  return {std::to_string(rank), e.deployment.hardware->id, fmt::format("{}x{}", e.devices(), e.replicas),
          std::string(to_string(e.deployment.weights)),
          e.disaggregated ? layout_cell(e.disaggregated->deployment) : layout_cell(e.deployment),
          with_band(e.at_load.ttft_at(q.ttft_percentile), r.bounds.ttft),
          with_band(e.at_load.tpot_at(q.tpot_percentile), r.bounds.tpot), text::usd(e.total_cost_per_hour),
          text::usd(e.cost_per_million_tokens),
          // Short enough that the table fits 100 columns with the longest hardware ids.
          fmt::format("{} at {:.0f}/replica", e.limited_by, e.capacity.concurrency)};
}

// What a deployment costs per unit of use: the figures users otherwise work out by hand from
// $/hour (a month is 730 h; a request is qps x 3600 per hour).
std::vector<std::string> cost_row(size_t rank, const Recommendation& r, const Query& q) {
  const Evaluation& e = r.evaluation;
  const TokenPrices tokens = token_prices(e, q);
  return {std::to_string(rank),
          e.deployment.hardware->id,
          text::usd(e.total_cost_per_hour),
          text::usd(cost_per_month(e)),
          text::usd(cost_per_request(e, q)),
          text::usd(e.cost_per_million_tokens),
          text::usd(tokens.input_usd),
          text::usd(tokens.output_usd),
          text::usd(cost_per_million_io_tokens(e, q)),
          e.energy_known ? text::rate(e.energy_kwh_per_hour) : "n/a"};
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

// "auto" as asked, with what it chose for the rows shown: "auto: fp8 or int8 per row".
std::string precision_label(const RecommendResult& result, const RecommendContext& ctx) {
  if (!ctx.query->precisions.empty()) return ctx.precision_text;
  std::vector<Precision> chosen;
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  for (size_t i = 0; i < shown; ++i) {
    const Precision p = result.recommendations[i].evaluation.deployment.weights;
    if (std::find(chosen.begin(), chosen.end(), p) == chosen.end()) chosen.push_back(p);
  }
  if (chosen.empty()) return ctx.precision_text;
  std::sort(chosen.begin(), chosen.end());
  std::string names;
  for (size_t i = 0; i < chosen.size(); ++i) {
    names += (i == 0 ? "" : i + 1 == chosen.size() ? " or " : ", ") + std::string(to_string(chosen[i]));
  }
  return fmt::format("{} ({}{})", ctx.precision_text, names, chosen.size() > 1 ? " per row" : "");
}

}  // namespace

// The price basis every row shares: "cheapest on-demand instances that hold each replica, any
// provider" (--cloud names the providers).
std::string price_basis(const Query& q) {
  const std::string from =
      q.providers.empty() ? "any provider" : fmt::format("from {}", fmt::join(q.providers, ", "));
  return fmt::format("priced at the cheapest {} instances that hold each replica, {}", q.pricing, from);
}

std::vector<std::string> recommend_preamble(const RecommendContext& ctx, const RecommendResult& result) {
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
                  precision_label(result, ctx), price_basis(q), q.max_utilisation * 100,
                  q.n_plus > 0 ? fmt::format(" + {} spare", q.n_plus) : std::string(),
                  to_string(q.objective))};
}

Rows recommend_rows(const RecommendResult& result, const RecommendContext& ctx, size_t shown) {
  const Query& q = *ctx.query;
  Rows rows = {{"#", "hardware", "dev x rep", "prec", "layout",
                text::percentile_prefix(q.ttft_percentile) + "TTFT ms",
                text::percentile_prefix(q.tpot_percentile) + "TPOT ms", "$/hour", "$/1M tok", "limited by"}};
  for (size_t i = 0; i < shown && i < result.recommendations.size(); ++i)
    rows.push_back(row(i + 1, result.recommendations[i], q));
  return rows;
}

Rows recommend_cost_rows(const RecommendResult& result, const RecommendContext& ctx, size_t shown) {
  // Named as the JSON cost fields: $/1M tok is per_million_tokens_usd (the whole cost over the
  // output tokens, what --optimize cost ranks by); in and out are the API-style split
  // (per_million_{input,output}_tokens_usd; the cached input price is in the JSON only, for the
  // table to fit 100 columns); in+out the whole cost over all tokens.
  Rows rows = {{"#", "hardware", "$/hour", "$/month", "$/request", "$/1M tok", "$/1M in", "$/1M out",
                "$/1M in+out", "kWh/h"}};
  for (size_t i = 0; i < shown && i < result.recommendations.size(); ++i)
    rows.push_back(cost_row(i + 1, result.recommendations[i], *ctx.query));
  return rows;
}

std::string recommend_table(const RecommendResult& result, const RecommendContext& ctx, const Style& style) {
  std::string out;
  if (!style.quiet) {
    for (const std::string& line : recommend_preamble(ctx, result)) out += wrap(line, kTableWidth, "", "  ");
    for (const std::string& w : ctx.model->warnings) out += labelled("warning:", w, 9, style, Paint::yellow);
    for (const std::string& n : ctx.notes) out += labelled("note:", n, 6, style, Paint::dim);
    out += "\n";
  }
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  if (shown == 0) {
    out += paint("No deployment meets the constraints.", Paint::yellow, style) + "\n";
  } else {
    out += styled_table(recommend_rows(result, ctx, shown), style, 1);
    // The costs per unit of use in a table of their own: with them the ranking would not fit
    // 100 columns.
    out += fmt::format("\n{}\n", paint("Cost:", Paint::bold, style));
    out += styled_table(recommend_cost_rows(result, ctx, shown), style, 1);
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
