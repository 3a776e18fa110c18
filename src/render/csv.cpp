// CSV outputs (RFC 4180): what spreadsheets and data frames read. Numbers carry no units or
// separators; the units are in the column names.
#include <fmt/format.h>

#include <cmath>

#include "llmhw/estimate.hpp"
#include "llmhw/render_formats.hpp"
#include "llmhw/units.hpp"
#include "render/numbers.hpp"
#include "render/rows.hpp"

namespace llmhw::render {
namespace {

std::string field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// 4 significant digits like the JSON output, in the shortest form that reads back the same
// ("32.06", "12800", "0.281"), never in the locale's format.
std::string number(double v) {
  return fmt::format("{}", json_number(v, "number in CSV"));
}

// A dollar amount as JSON gives it (to the cent from $1 up).
std::string dollars(double v) {
  return fmt::format("{}", usd_number(v, "cost in CSV"));
}

// A catalog figure as its profile gives it (the shortest form that reads back the same).
std::string exact(double v) {
  return fmt::format("{}", v);
}

std::string whole(double v) {
  return fmt::format("{}", std::llround(v));
}

std::string optional_exact(const std::optional<double>& v) {
  return v ? exact(*v) : "";
}

std::string price_of(const Hardware& hw, std::string_view pricing) {
  const Price* p = hw.price(pricing);
  return p ? exact(p->usd_per_device_hour) : "";
}

}  // namespace

std::string csv_table(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += field(row[i]);
    }
    out += "\r\n";
  }
  return out;
}

// A latency's mean and percentiles, in ms: what the JSON's *_ms_distribution objects hold.
std::vector<std::string> percentile_cells(const LoadPoint& l, double (LoadPoint::*at)(double) const) {
  std::vector<std::string> out;
  for (double p : {50.0, 90.0, 99.0}) out.push_back(number((l.*at)(p)*1e3));
  return out;
}

std::string recommend_csv(const RecommendResult& result, const RecommendContext& ctx) {
  // The query first, so that the CSVs of a sweep (one run per qps or model) concatenate into
  // one table.
  Rows rows = {{"model",
                "qps",
                "input_tokens",
                "output_tokens",
                "ttft_target_ms",
                "tpot_target_ms",
                "rank",
                "hardware",
                "hardware_name",
                "kind",
                "precision",
                "tp",
                "pp",
                "ep",
                "devices_per_replica",
                "replicas",
                "total_devices",
                "concurrency_per_replica",
                "ttft_ms",
                "ttft_p50_ms",
                "ttft_p90_ms",
                "ttft_p99_ms",
                "tpot_ms",
                "tpot_p50_ms",
                "tpot_p90_ms",
                "tpot_p99_ms",
                "e2e_ms",
                "e2e_p50_ms",
                "e2e_p90_ms",
                "e2e_p99_ms",
                "ttft_low_ms",
                "ttft_high_ms",
                "tpot_low_ms",
                "tpot_high_ms",
                "evidence",
                "requests_per_s",
                "output_tokens_per_s",
                "utilisation",
                "max_concurrency_per_replica",
                "limited_by",
                "bottleneck",
                "weights_gb_per_device",
                "cost_per_hour_usd",
                "energy_kwh_per_hour",
                "energy_cost_per_hour_usd",
                "total_cost_per_hour_usd",
                "total_cost_per_month_usd",
                "cost_per_million_tokens_usd",
                "cost_per_request_usd",
                "cost_per_million_input_output_tokens_usd",
                "pricing",
                "usd_per_device_hour",
                "provider",
                "instance_type",
                "region",
                "price_date",
                "instances",
                "idle_devices",
                "devices_per_instance",
                "usd_per_instance_hour"}};
  const Query& q = *ctx.query;
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  for (size_t i = 0; i < shown; ++i) {
    const Recommendation& rec = result.recommendations[i];
    const Evaluation& e = rec.evaluation;
    const Deployment& d = e.deployment;
    const LoadPoint& l = e.at_load;
    const double replicas = static_cast<double>(e.replicas);
    std::vector<std::string> r = {q.model_text,
                                  number(q.qps),
                                  whole(q.workload.input_tokens),
                                  whole(q.workload.output_tokens),
                                  number(q.ttft_ms),
                                  number(q.tpot_ms),
                                  std::to_string(i + 1),
                                  d.hardware->id,
                                  d.hardware->name,
                                  std::string(to_string(d.hardware->kind)),
                                  std::string(to_string(d.weights)),
                                  std::to_string(d.tp),
                                  std::to_string(d.pp),
                                  std::to_string(d.moe_ep),
                                  std::to_string(e.devices()),
                                  std::to_string(e.replicas),
                                  std::to_string(e.total_devices()),
                                  number(l.concurrency)};
    for (auto [mean, at] :
         {std::pair(l.ttft_s, &LoadPoint::ttft_at), std::pair(l.tpot_s, &LoadPoint::tpot_at),
          std::pair(l.e2e_at(0), &LoadPoint::e2e_at)}) {
      r.push_back(number(mean * 1e3));
      for (std::string& cell : percentile_cells(l, at)) r.push_back(std::move(cell));
    }
    // The error band around the mean TTFT and TPOT (as estimate's), and what it rests on.
    r.insert(r.end(),
             {number(l.ttft_s * 1e3 * rec.bounds.ttft.low), number(l.ttft_s * 1e3 * rec.bounds.ttft.high),
              number(l.tpot_s * 1e3 * rec.bounds.tpot.low), number(l.tpot_s * 1e3 * rec.bounds.tpot.high),
              std::string(to_string(rec.evidence))});
    r.insert(r.end(), {number(l.requests_per_s * replicas),
                       number(l.output_tokens_per_s * replicas),
                       number(e.utilisation),
                       number(e.capacity.concurrency),
                       e.limited_by,
                       std::string(to_string(l.step.bottleneck())),
                       number(e.memory.weights_gb),
                       dollars(e.cost_per_hour),
                       e.energy_known ? number(e.energy_kwh_per_hour) : "",
                       e.energy_known ? number(e.energy_cost_per_hour) : "",
                       dollars(e.total_cost_per_hour),
                       dollars(cost_per_month(e)),
                       number(e.cost_per_million_tokens),
                       number(cost_per_request(e, q)),
                       number(cost_per_million_io_tokens(e, q)),
                       e.price->pricing,
                       exact(e.price->usd_per_device_hour),
                       e.price->provider,
                       e.price->instance_type,
                       e.price->region,
                       e.price->date,
                       std::to_string(e.rental.instances),
                       std::to_string(e.rental.idle_devices),
                       e.price->devices_per_instance > 0 ? std::to_string(e.price->devices_per_instance) : "",
                       exact(e.price->instance_hour_usd())});
    rows.push_back(std::move(r));
  }
  return csv_table(rows);
}

std::string estimate_csv(const EstimateView& v) {
  const Deployment& d = v.deployment;
  const MemoryPlan& m = v.memory;
  const double kv_gb = kv_gb_in_use(v);
  std::vector<std::string> record = {d.model->id,
                                     d.hardware->id,
                                     std::to_string(d.devices()),
                                     std::to_string(d.tp),
                                     std::to_string(d.pp),
                                     std::to_string(d.moe_ep),
                                     std::to_string(d.dp),
                                     std::string(to_string(d.weights)),
                                     std::string(to_string(d.kv)),
                                     v.engine,
                                     whole(v.workload.input_tokens),
                                     whole(v.workload.output_tokens),
                                     v.concurrency ? whole(*v.concurrency)
                                     : v.qps       ? number(v.effective_concurrency)
                                                   : "max",
                                     v.fits ? "true" : "false",
                                     number(m.weights_gb),
                                     number(kv_gb),
                                     number(m.reserve_gb),
                                     number(m.weights_gb + kv_gb + m.reserve_gb),
                                     number(m.capacity_gb),
                                     whole(concurrency_limit(v))};
  std::vector<std::string> metrics(8);  // empty when the weights do not fit
  if (v.point) {
    const ServingPoint& s = *v.point;
    metrics = {number(s.ttft_s * 1e3),
               number(s.ttft_s * 1e3 * v.bounds.ttft.low),
               number(s.ttft_s * 1e3 * v.bounds.ttft.high),
               number(s.tpot_s * 1e3),
               number(s.tpot_s * 1e3 * v.bounds.tpot.low),
               number(s.tpot_s * 1e3 * v.bounds.tpot.high),
               number(s.output_tokens_per_s),
               number(s.requests_per_s)};
  }
  record.insert(record.end(), metrics.begin(), metrics.end());
  record.push_back(v.bottleneck);
  record.push_back(std::string(to_string(v.evidence)));
  // Appended so that existing columns keep their places: the open-loop rate and end-to-end latency.
  record.push_back(v.qps ? number(*v.qps) : "");
  record.push_back(v.open_loop ? number(v.open_loop->e2e_at(0) * 1e3)
                   : v.point
                       ? number((v.point->ttft_s + (v.workload.output_tokens - 1) * v.point->tpot_s) * 1e3)
                       : "");
  return csv_table({{"model",
                     "hardware",
                     "devices",
                     "tp",
                     "pp",
                     "ep",
                     "dp",
                     "precision",
                     "kv_precision",
                     "engine",
                     "input_tokens",
                     "output_tokens",
                     "concurrency",
                     "fits",
                     "weights_gb",
                     "kv_cache_gb",
                     "reserve_gb",
                     "per_device_gb",
                     "capacity_per_device_gb",
                     "max_concurrency",
                     "ttft_ms",
                     "ttft_low_ms",
                     "ttft_high_ms",
                     "tpot_ms",
                     "tpot_low_ms",
                     "tpot_high_ms",
                     "output_tokens_per_s",
                     "requests_per_s",
                     "bottleneck",
                     "evidence",
                     "qps",
                     "e2e_ms"},
                    record});
}

std::string hardware_list_csv(const std::vector<Hardware>& catalog) {
  std::vector<std::string> header = {"id", "name", "kind", "vendor", "memory_gb", "memory_bandwidth_gbps"};
  for (Precision p : kAllPrecisions) header.push_back(fmt::format("{}_tflops", to_string(p)));
  for (const char* name : {"interconnect", "interconnect_gbps_per_direction", "devices_per_node", "tdp_w",
                           "on_demand_usd_per_device_hour", "spot_usd_per_device_hour",
                           "reserved_usd_per_device_hour", "amortized_purchase_usd_per_device_hour"})
    header.push_back(name);
  Rows rows = {header};
  for (const Hardware& hw : catalog) {
    std::vector<std::string> r = {hw.id,
                                  hw.name,
                                  std::string(to_string(hw.kind)),
                                  hw.vendor,
                                  exact(hw.memory_gb),
                                  exact(hw.memory_bandwidth_gbps)};
    for (Precision p : kAllPrecisions) r.push_back(optional_exact(hw.peak_tflops(p)));
    r.insert(r.end(), {hw.interconnect.kind, exact(hw.interconnect.gbps_per_direction),
                       std::to_string(hw.devices_per_node), hw.tdp_w > 0 ? exact(hw.tdp_w) : "",
                       price_of(hw, "on-demand"), price_of(hw, "spot"), price_of(hw, "reserved"),
                       price_of(hw, "amortized-purchase")});
    rows.push_back(r);
  }
  return csv_table(rows);
}

std::string models_list_csv(const std::vector<ModelInfo>& models) {
  Rows rows = {{"id", "name", "hf_id", "total_parameters", "active_parameters", "layers", "hidden_size",
                "attention_heads", "kv_heads", "head_dim", "kv_cache_bytes_per_token", "checkpoint_precision",
                "features"}};
  for (const ModelInfo& info : models) {
    const Model& m = *info.model;
    const ParameterCount c = count_parameters(m);
    std::string features;
    for (const std::string& f : model_features(m)) features += (features.empty() ? "" : "; ") + f;
    rows.push_back({m.id, m.name, info.hf_id, whole(c.total), whole(c.active), std::to_string(m.layers),
                    std::to_string(m.hidden), std::to_string(m.heads), std::to_string(m.kv_heads),
                    std::to_string(m.head_dim), whole(kv_bytes_per_token(m, 2.0)),
                    m.checkpoint_precision ? std::string(to_string(*m.checkpoint_precision)) : "", features});
  }
  return csv_table(rows);
}

}  // namespace llmhw::render
