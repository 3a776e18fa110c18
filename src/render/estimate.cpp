// `llmhw estimate`: one deployment, its memory, latency, throughput and error bands.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "llmhw/render.hpp"
#include "llmhw/render_estimate.hpp"
#include "llmhw/text.hpp"
#include "render/numbers.hpp"

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

double kv_gb_in_use(const EstimateView& v) {
  return v.memory.kv_gb_per_running_sequence * std::ceil(v.effective_concurrency / v.deployment.dp);
}

}  // namespace

std::string estimate_table(const EstimateView& v) {
  const Deployment& d = v.deployment;
  std::string out = fmt::format("{} on {}x {} ({}), {} weights, {} KV{}\n", d.model->id, d.devices(),
                                d.hardware->id, parallelism(d), to_string(d.weights), to_string(d.kv),
                                v.engine.empty() ? "" : ", engine " + v.engine);
  out += fmt::format("workload: {} input + {} output tokens, {} (closed loop)\n\n",
                     text::grouped(v.workload.input_tokens), text::grouped(v.workload.output_tokens),
                     v.concurrency ? fmt::format("{} concurrent requests", text::grouped(*v.concurrency))
                                   : fmt::format("as many concurrent requests as fit ({})",
                                                 text::grouped(v.effective_concurrency)));
  const MemoryPlan& m = v.memory;
  out +=
      fmt::format("{:<13}{} weights + {} KV + {} reserve = {} of {} usable per device; up to {} concurrent\n",
                  "memory", text::gb(m.weights_gb), text::gb(kv_gb_in_use(v)), text::gb(m.reserve_gb),
                  text::gb(m.weights_gb + kv_gb_in_use(v) + m.reserve_gb), text::gb(m.capacity_gb),
                  text::grouped(static_cast<double>(m.max_sequences)));
  if (v.point) {
    const ServingPoint& s = *v.point;
    const Bounds& b = v.bounds;
    out += fmt::format("{:<13}{} ({}–{})\n", "TTFT", text::ms(s.ttft_s * 1e3),
                       text::ms(s.ttft_s * 1e3 * b.ttft.low), text::ms(s.ttft_s * 1e3 * b.ttft.high));
    out += fmt::format("{:<13}{} ({}–{})\n", "TPOT", text::ms(s.tpot_s * 1e3),
                       text::ms(s.tpot_s * 1e3 * b.tpot.low), text::ms(s.tpot_s * 1e3 * b.tpot.high));
    out += fmt::format("{:<13}{} output tokens/s, {} requests/s\n", "throughput",
                       text::grouped(s.output_tokens_per_s), text::rate(s.requests_per_s));
    out += fmt::format("{:<13}{} (decode step {}: memory {}, compute {}, communication {}, overhead {})\n",
                       "bottleneck", v.bottleneck, text::ms(s.step.total_s() * 1e3),
                       text::ms(s.step.memory_s * 1e3), text::ms(s.step.compute_s * 1e3),
                       text::ms(s.step.communication_s * 1e3), text::ms(s.step.overhead_s * 1e3));
  } else {
    out += "does not fit: no latency or throughput\n";
  }
  for (const std::string& n : v.notes) out += "note: " + n + "\n";
  return out;
}

std::string estimate_json(const EstimateView& v) {
  const Deployment& d = v.deployment;
  const MemoryPlan& m = v.memory;
  ordered_json query = {
      {"model", d.model->id},
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
      {"concurrency", v.concurrency ? ordered_json(static_cast<long>(*v.concurrency)) : ordered_json("max")}};
  ordered_json memory = {{"weights_gb", num(m.weights_gb)},
                         {"kv_cache_gb", num(kv_gb_in_use(v))},
                         {"reserve_gb", num(m.reserve_gb)},
                         {"per_device_gb", num(m.weights_gb + kv_gb_in_use(v) + m.reserve_gb)},
                         {"capacity_per_device_gb", num(m.capacity_gb)},
                         {"max_concurrency", m.max_sequences}};
  ordered_json metrics, bounds;
  if (v.point) {
    const ServingPoint& s = *v.point;
    metrics = {{"ttft_ms", num(s.ttft_s * 1e3)},
               {"tpot_ms", num(s.tpot_s * 1e3)},
               {"output_tokens_per_s", num(s.output_tokens_per_s)},
               {"requests_per_s", num(s.requests_per_s)}};
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
                      {"bottleneck", v.bottleneck},
                      {"notes", v.notes}};
  return out.dump(2) + "\n";
}

}  // namespace llmhw::render
