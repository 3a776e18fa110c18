// `llmhw estimate`: one deployment, its memory, latency, throughput and error bands.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "llmhw/render.hpp"
#include "llmhw/render_estimate.hpp"
#include "llmhw/text.hpp"
#include "render/columns.hpp"
#include "render/numbers.hpp"
#include "render/rows.hpp"
#include "render/style.hpp"

namespace llmhw::render {
namespace {

using nlohmann::ordered_json;

double num(double v) {
  return json_number(v, "number in estimate");
}

std::string parallelism(const Deployment& d) {
  std::string p = fmt::format("TP={}", d.tp);
  if (d.pp > 1) p += fmt::format(" PP={}", d.pp);
  if (d.dp > 1) p += fmt::format(" DP={}", d.dp);
  if (d.moe_ep > 1) p += fmt::format(" EP={}", d.moe_ep);
  return p;
}

}  // namespace

double kv_gb_in_use(const EstimateView& v) {
  return v.memory.kv_gb_per_running_sequence * std::ceil(v.effective_concurrency / v.deployment.dp);
}

std::vector<std::string> estimate_preamble(const EstimateView& v) {
  const Deployment& d = v.deployment;
  return {fmt::format("{} on {}x {} ({}), {} weights, {} KV{}", d.model->id, d.devices(), d.hardware->id,
                      parallelism(d), to_string(d.weights), to_string(d.kv),
                      v.engine.empty() ? "" : ", engine " + v.engine),
          fmt::format("workload: {} input + {} output tokens, {}", text::grouped(v.workload.input_tokens),
                      text::grouped(v.workload.output_tokens), load_text(v))};
}

std::string load_text(const EstimateView& v) {
  if (v.qps) return fmt::format("{} requests/s arriving at random (open loop, Poisson)", text::rate(*v.qps));
  if (v.concurrency)
    return fmt::format("{} (closed loop)", text::counted(*v.concurrency, "concurrent request"));
  return fmt::format("as many concurrent requests as fit ({}) (closed loop)",
                     text::grouped(v.effective_concurrency));
}

// Sequences the deployment runs at once: what the KV cache admits, capped by the engine's slots.
double concurrency_limit(const EstimateView& v) {
  const double memory = static_cast<double>(v.admitted > 0 ? v.admitted : v.memory.max_sequences);
  return v.slots > 0 ? std::min(memory, v.slots) : memory;
}

namespace {

std::string distribution(const LoadPoint& l, double (LoadPoint::*at)(double) const) {
  return fmt::format("{} mean, p50 {}, p90 {}, p99 {}", text::ms((l.*at)(0) * 1e3),
                     text::ms((l.*at)(50) * 1e3), text::ms((l.*at)(90) * 1e3), text::ms((l.*at)(99) * 1e3));
}

}  // namespace

Rows estimate_rows(const EstimateView& v) {
  const MemoryPlan& m = v.memory;
  Rows rows = {
      {"memory", fmt::format("{} weights + {} KV + {} reserve = {} of {} usable per device; up to {} "
                             "concurrent",
                             text::gb(m.weights_gb), text::gb(kv_gb_in_use(v)), text::gb(m.reserve_gb),
                             text::gb(m.weights_gb + kv_gb_in_use(v) + m.reserve_gb), text::gb(m.capacity_gb),
                             text::grouped(concurrency_limit(v)))}};
  if (!v.point) {
    rows.push_back({"latency", "none: the weights do not fit"});
    rows.push_back({"evidence", fmt::format("{} ({})", to_string(v.evidence), v.evidence_basis)});
    return rows;
  }
  const ServingPoint& s = *v.point;
  const Bounds& b = v.bounds;
  if (v.open_loop) {
    const LoadPoint& l = *v.open_loop;
    rows.push_back({"TTFT", distribution(l, &LoadPoint::ttft_at)});
    rows.push_back({"TPOT", distribution(l, &LoadPoint::tpot_at)});
    rows.push_back({"E2E", distribution(l, &LoadPoint::e2e_at)});
    rows.push_back(
        {"load", fmt::format("{} of at most {} requests/s ({:.0f}% utilised), {:.1f} requests in flight "
                             "on average; {} output tokens/s",
                             text::rate(*v.qps), text::rate(v.max_requests_per_s),
                             *v.qps / v.max_requests_per_s * 100, l.concurrency,
                             text::grouped(*v.qps * v.workload.output_tokens))});
    rows.push_back({"bottleneck",
                    fmt::format("{} (decode step {}: memory {}, compute {}, communication {}, overhead {})",
                                v.bottleneck, text::ms(s.step.total_s() * 1e3),
                                text::ms(s.step.memory_s * 1e3), text::ms(s.step.compute_s * 1e3),
                                text::ms(s.step.communication_s * 1e3), text::ms(s.step.overhead_s * 1e3))});
    return rows;
  }
  rows.push_back(
      {"TTFT", fmt::format("{} ({}–{})", text::ms(s.ttft_s * 1e3), text::ms(s.ttft_s * 1e3 * b.ttft.low),
                           text::ms(s.ttft_s * 1e3 * b.ttft.high))});
  rows.push_back(
      {"TPOT", fmt::format("{} ({}–{})", text::ms(s.tpot_s * 1e3), text::ms(s.tpot_s * 1e3 * b.tpot.low),
                           text::ms(s.tpot_s * 1e3 * b.tpot.high))});
  rows.push_back(
      {"throughput", fmt::format("{} output tokens/s, {} requests/s", text::grouped(s.output_tokens_per_s),
                                 text::rate(s.requests_per_s))});
  rows.push_back(
      {"bottleneck", fmt::format("{} (decode step {}: memory {}, compute {}, communication {}, overhead {})",
                                 v.bottleneck, text::ms(s.step.total_s() * 1e3),
                                 text::ms(s.step.memory_s * 1e3), text::ms(s.step.compute_s * 1e3),
                                 text::ms(s.step.communication_s * 1e3), text::ms(s.step.overhead_s * 1e3))});
  // What the efficiency and the TTFT/TPOT bands above rest on (measured, family or datasheet).
  rows.push_back({"evidence", fmt::format("{} ({})", to_string(v.evidence), v.evidence_basis)});
  return rows;
}

std::string estimate_table(const EstimateView& v, const Style& style) {
  std::string out;
  if (!style.quiet) {
    const auto preamble = estimate_preamble(v);
    out += fmt::format("{}\n{}\n", paint(preamble[0], Paint::bold, style),
                       wrap(preamble[1], kTableWidth, "", "  "));
  }
  // The label column is as wide as before the rows were shared with Markdown.
  Rows rows = estimate_rows(v);
  for (auto& r : rows) r[0] = fmt::format("{:<11}", r[0]);
  out += aligned(rows);
  if (!style.quiet) {
    for (const std::string& n : v.notes) out += labelled("note:", n, 6, style, Paint::dim);
  }
  return out;
}

std::string estimate_json(const EstimateView& v) {
  const Deployment& d = v.deployment;
  const MemoryPlan& m = v.memory;
  ordered_json query = {{"model", d.model->id},
                        {"hardware", d.hardware->id},
                        {"precision", std::string(to_string(d.weights))},
                        {"kv_precision", std::string(to_string(d.kv))},
                        {"tp", d.tp},
                        {"pp", d.pp},
                        {"ep", d.moe_ep},
                        {"dp", d.dp},
                        {"devices", d.devices()},
                        {"engine", v.engine.empty() ? ordered_json() : ordered_json(v.engine)},
                        {"input_tokens", static_cast<long>(v.workload.input_tokens)},
                        {"output_tokens", static_cast<long>(v.workload.output_tokens)},
                        {"concurrency", v.concurrency ? ordered_json(static_cast<long>(*v.concurrency))
                                        : v.qps       ? ordered_json()
                                                      : ordered_json("max")},
                        {"qps", v.qps ? ordered_json(num(*v.qps)) : ordered_json()}};
  ordered_json memory = {{"weights_gb", num(m.weights_gb)},
                         {"kv_cache_gb", num(kv_gb_in_use(v))},
                         {"reserve_gb", num(m.reserve_gb)},
                         {"per_device_gb", num(m.weights_gb + kv_gb_in_use(v) + m.reserve_gb)},
                         {"capacity_per_device_gb", num(m.capacity_gb)},
                         {"max_concurrency", static_cast<long>(concurrency_limit(v))}};
  ordered_json metrics, bounds;
  if (v.point) {
    const ServingPoint& s = *v.point;
    metrics = {{"ttft_ms", num(s.ttft_s * 1e3)},
               {"tpot_ms", num(s.tpot_s * 1e3)},
               {"e2e_ms", num((s.ttft_s + (v.workload.output_tokens - 1) * s.tpot_s) * 1e3)},
               {"output_tokens_per_s", num(s.output_tokens_per_s)},
               {"requests_per_s", num(s.requests_per_s)}};
    if (!v.open_loop && s.client_latency_s > 0) metrics["client_latency_ms"] = num(s.client_latency_s * 1e3);
    if (v.open_loop) {
      const LoadPoint& l = *v.open_loop;
      const auto dist = [&l](double (LoadPoint::*at)(double) const) {
        return ordered_json{{"mean", num((l.*at)(0) * 1e3)},
                            {"p50", num((l.*at)(50) * 1e3)},
                            {"p90", num((l.*at)(90) * 1e3)},
                            {"p99", num((l.*at)(99) * 1e3)}};
      };
      // The open-loop means are the replica model's (as recommend reports them).
      metrics["ttft_ms"] = num(l.ttft_at(0) * 1e3);
      metrics["tpot_ms"] = num(l.tpot_at(0) * 1e3);
      metrics["e2e_ms"] = num(l.e2e_at(0) * 1e3);
      metrics["requests_per_s"] = num(*v.qps);
      metrics["output_tokens_per_s"] = num(*v.qps * v.workload.output_tokens);
      metrics["ttft_ms_distribution"] = dist(&LoadPoint::ttft_at);
      metrics["tpot_ms_distribution"] = dist(&LoadPoint::tpot_at);
      metrics["e2e_ms_distribution"] = dist(&LoadPoint::e2e_at);
      metrics["concurrency"] = num(l.concurrency);
      metrics["utilisation"] = num(*v.qps / v.max_requests_per_s);
      metrics["max_requests_per_s"] = num(v.max_requests_per_s);
    }
    bounds = {
        {"ttft_ms", {num(s.ttft_s * 1e3 * v.bounds.ttft.low), num(s.ttft_s * 1e3 * v.bounds.ttft.high)}},
        {"tpot_ms", {num(s.tpot_s * 1e3 * v.bounds.tpot.low), num(s.tpot_s * 1e3 * v.bounds.tpot.high)}}};
  }
  ordered_json out = {{"schema_version", kSchemaVersion},
                      {"query", query},
                      {"fits", v.fits},
                      {"memory", memory},
                      {"metrics", metrics},
                      {"bounds", bounds},
                      {"evidence", std::string(to_string(v.evidence))},
                      {"evidence_basis", v.evidence_basis},
                      {"bottleneck", v.bottleneck},
                      {"notes", v.notes}};
  return out.dump(2) + "\n";
}

}  // namespace llmhw::render
