// llmhw capacity as a table with reasons, or as JSON (data/schema/capacity.schema.json).
#include <fmt/format.h>

#include <algorithm>

#include "llmhw/render_capacity.hpp"
#include "llmhw/text.hpp"
#include "render/columns.hpp"
#include "render/json_writer.hpp"
#include "render/numbers.hpp"
#include "render/style.hpp"

namespace llmhw::render {
namespace {

// What caps the pool: the per-replica limit (the targets, memory or the engine's slots) at the
// concurrency it allows, and the devices owned, which cap the replicas.
std::string limit_cell(const Evaluation& e) {
  return fmt::format("{} at {:.0f}/replica", e.limited_by, e.capacity.concurrency);
}

// "dense-70b at fp8: 16 replicas of 1x h100-sxm (TP=1); one replica carries 2.6 req/s (TPOT-bound
// at 60 concurrent requests) x 85% = 2.21 req/s; 16 x 2.21 = 35.4 req/s".
std::string why(const PoolCapacity& p, const Query& q) {
  const Evaluation& e = *p.best;
  const long serving = e.replicas - q.n_plus;
  std::string out = fmt::format(
      "{} of {}x {} ({}, {}){}: one replica meets the targets up to {} req/s ({} at {}); at "
      "most {:.0f}% utilised that is {} req/s each, {} req/s in all",
      text::counted(static_cast<double>(e.replicas), "replica"), e.deployment.devices(), p.pool.hardware->id,
      to_string(e.deployment.weights), layout(e.deployment),
      q.n_plus > 0 ? fmt::format(", {} of them spare", q.n_plus) : std::string(),
      text::rate(e.capacity.requests_per_s), e.limited_by,
      text::counted(e.capacity.concurrency, "concurrent request"), q.max_utilisation * 100,
      text::rate(replica_rate(e, q)), text::rate(p.max_requests_per_s));
  out += fmt::format("; {} of {} devices unused", p.unused_devices, p.pool.devices);
  if (p.unused_devices > 0 && serving > 0)
    out += fmt::format(" (fewer than the {} a replica takes)", e.deployment.devices());
  out += fmt::format("; TTFT {}, TPOT {} at that load; evidence: {}", text::ms(e.at_load.ttft_s * 1e3),
                     text::ms(e.at_load.tpot_s * 1e3), to_string(p.evidence));
  return out;
}

}  // namespace

std::string capacity_table(const CapacityResult& result, const CapacityContext& ctx, const Style& style) {
  const Query& q = *ctx.query;
  std::string out;
  if (!style.quiet) {
    out += fmt::format("{} on {}, {} input + {} output tokens per request\n", ctx.model->id, ctx.devices_text,
                       text::grouped(q.workload.input_tokens), text::grouped(q.workload.output_tokens));
    out += fmt::format("targets: {}TTFT <= {}, {}TPOT <= {}; precision {}; at most {:.0f}% utilised{}\n\n",
                       text::percentile_prefix(q.ttft_percentile), text::ms(q.ttft_ms),
                       text::percentile_prefix(q.tpot_percentile), text::ms(q.tpot_ms), ctx.precision_text,
                       q.max_utilisation * 100, q.n_plus > 0 ? fmt::format(", {} spare", q.n_plus) : "");
  }
  if (!style.quiet && !ctx.notes.empty()) {
    for (const std::string& n : ctx.notes) out += labelled("note:", n, 6, style, Paint::dim);
    out += "\n";
  }
  std::vector<std::vector<std::string>> rows = {{"hardware", "owned", "req/s", "dev x rep", "prec", "layout",
                                                 "TTFT ms", "TPOT ms", "unused", "limited by"}};
  for (const PoolCapacity& p : result.pools) {
    if (!p.best) {
      rows.push_back({p.pool.hardware->id, std::to_string(p.pool.devices), "0", "-", "-", "-", "-", "-",
                      std::to_string(p.pool.devices), "does not serve"});
      continue;
    }
    const Evaluation& e = *p.best;
    rows.push_back({p.pool.hardware->id, std::to_string(p.pool.devices), text::rate(p.max_requests_per_s),
                    fmt::format("{}x{}", e.deployment.devices(), e.replicas),
                    std::string(to_string(e.deployment.weights)), layout_cell(e.deployment),
                    fmt::format("{:.0f}", e.at_load.ttft_s * 1e3),
                    fmt::format("{:.0f}", e.at_load.tpot_s * 1e3), std::to_string(p.unused_devices),
                    limit_cell(e)});
  }
  out += styled_table(rows, style);
  if (result.pools.size() > 1)
    out += fmt::format("\ntotal: {} req/s, each pool serving its own share\n",
                       text::rate(result.max_requests_per_s));
  if (style.quiet) return out;
  out += "\nWhy:\n";
  size_t indent = 0;  // one column for every pool's text
  for (const PoolCapacity& p : result.pools) indent = std::max(indent, p.pool.hardware->id.size() + 4);
  for (const PoolCapacity& p : result.pools)
    out += labelled(p.pool.hardware->id, p.best ? why(p, q) : p.reason, indent, style);
  return out;
}

std::string capacity_json(const CapacityResult& result, const CapacityContext& ctx) {
  const Query& q = *ctx.query;
  JsonWriter w(2);
  // The top-level layout fields describe a single pool; with several, see "pools".
  const PoolCapacity* only = result.pools.size() == 1 ? &result.pools.front() : nullptr;
  long replicas = 0, unused = 0;
  for (const PoolCapacity& p : result.pools) {
    replicas += p.best ? p.best->replicas : 0;
    unused += p.unused_devices;
  }
  const bool one = only && only->best;
  w.begin_object()
      .field("schema_version", kCapacitySchemaVersion)
      .key("query")
      .begin_object()
      .field("model", q.model_text)
      .field("devices", ctx.devices_text)
      .field("input_tokens", static_cast<long>(q.workload.input_tokens))
      .field("output_tokens", static_cast<long>(q.workload.output_tokens))
      .field("ttft_ms", json_number(q.ttft_ms, "ttft"))
      .field("tpot_ms", json_number(q.tpot_ms, "tpot"))
      .field("precision", ctx.precision_text)
      .field("max_utilisation", q.max_utilisation)
      .field("n_plus", q.n_plus)
      .end_object()
      .field("model_id", ctx.model->id)
      .field("max_requests_per_s", json_number(result.max_requests_per_s, "rate"))
      .field("replicas", replicas)
      .field("devices_per_replica",
             one ? std::optional<long>(only->best->deployment.devices()) : std::nullopt)
      .field("limited_by", one ? std::optional<std::string>(only->best->limited_by) : std::nullopt)
      .field("unused_devices", unused)
      .key("pools")
      .begin_array();
  for (const PoolCapacity& p : result.pools) {
    w.begin_object()
        .field("hardware", p.pool.hardware->id)
        .field("devices", p.pool.devices)
        .field("max_requests_per_s", json_number(p.max_requests_per_s, "rate"));
    if (p.best) {
      const Evaluation& e = *p.best;
      w.field("replicas", e.replicas)
          .field("devices_per_replica", e.deployment.devices())
          .field("precision", std::string(to_string(e.deployment.weights)))
          .field("tp", e.deployment.tp)
          .field("pp", e.deployment.pp)
          .field("ep", e.deployment.moe_ep)
          .field("limited_by", e.limited_by)
          .field("max_concurrency_per_replica", json_number(e.capacity.concurrency, "concurrency"))
          .field("requests_per_s_per_replica", json_number(e.capacity.requests_per_s, "rate"))
          .field("ttft_ms", json_number(e.at_load.ttft_s * 1e3, "ttft"))
          .field("tpot_ms", json_number(e.at_load.tpot_s * 1e3, "tpot"))
          .field("utilisation", json_number(e.utilisation, "utilisation"))
          .field("unused_devices", p.unused_devices)
          .field("evidence", std::string(to_string(p.evidence)))
          .field("reason", why(p, q));
    } else {
      w.field("replicas", 0L)
          .field("devices_per_replica", std::optional<long>())
          .field("precision", std::optional<std::string>())
          .field("tp", std::optional<long>())
          .field("pp", std::optional<long>())
          .field("ep", std::optional<long>())
          .field("limited_by", std::optional<std::string>())
          .field("max_concurrency_per_replica", std::optional<double>())
          .field("requests_per_s_per_replica", std::optional<double>())
          .field("ttft_ms", std::optional<double>())
          .field("tpot_ms", std::optional<double>())
          .field("utilisation", std::optional<double>())
          .field("unused_devices", p.unused_devices)
          .field("evidence", std::string(to_string(p.evidence)))
          .field("reason", p.reason);
    }
    w.end_object();
  }
  w.end_array().field("calibration", ctx.calibration_status);
  if (!ctx.notes.empty()) {  // only with a calibration overlay: the output without one is unchanged
    w.key("notes").begin_array();
    for (const std::string& n : ctx.notes) w.value(n);
    w.end_array();
  }
  w.end_object();
  std::string out = w.take();
  out += '\n';
  return out;
}

}  // namespace llmhw::render
