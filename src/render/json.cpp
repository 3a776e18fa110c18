// The machine-readable answer (schema: data/schema/recommend.schema.json).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "llmhw/render.hpp"
#include "render/numbers.hpp"

namespace llmhw::render {
namespace {

using nlohmann::ordered_json;

ordered_json hardware_ref(const Hardware& hw) {
  return {{"id", hw.id}, {"name", hw.name}, {"kind", std::string(to_string(hw.kind))}};
}

// A percentile target: null when the target is on the mean.
ordered_json percentile_json(double p) {
  return p > 0 ? ordered_json(p) : ordered_json();
}

ordered_json latency_json(const LoadPoint& l, double (LoadPoint::*at)(double) const, const char* what) {
  return {{"mean", json_number((l.*at)(0) * 1e3, what)},
          {"p50", json_number((l.*at)(50) * 1e3, what)},
          {"p90", json_number((l.*at)(90) * 1e3, what)},
          {"p99", json_number((l.*at)(99) * 1e3, what)}};
}

ordered_json query_json(const RecommendContext& ctx) {
  const Query& q = *ctx.query;
  ordered_json kinds = ordered_json::array();
  for (DeviceKind k : q.kinds) kinds.push_back(std::string(to_string(k)));
  return {{"model", q.model_text},
          {"qps", json_number(q.qps, "qps")},
          {"input_tokens", static_cast<long>(q.workload.input_tokens)},
          {"output_tokens", static_cast<long>(q.workload.output_tokens)},
          {"ttft_ms", json_number(q.ttft_ms, "ttft")},
          {"tpot_ms", json_number(q.tpot_ms, "tpot")},
          {"budget_per_hour_usd",
           q.budget_per_hour ? ordered_json(json_number(*q.budget_per_hour, "budget")) : ordered_json()},
          {"precision", ctx.precision_text},
          {"kinds", kinds},
          {"pricing", q.pricing},
          {"input_tokens_sd", json_number(q.input_sd, "sd")},
          {"output_tokens_sd", json_number(q.output_sd, "sd")},
          {"ttft_percentile", percentile_json(q.ttft_percentile)},
          {"tpot_percentile", percentile_json(q.tpot_percentile)},
          {"e2e_ms", q.e2e_ms ? ordered_json(json_number(*q.e2e_ms, "e2e")) : ordered_json()},
          {"e2e_percentile", percentile_json(q.e2e_percentile)},
          {"optimize", to_string(q.objective)},
          {"pue", json_number(q.pue, "pue")},
          {"electricity_usd_per_kwh", json_number(q.usd_per_kwh, "electricity")}};
}

ordered_json model_json(const Model& m) {
  const ParameterCount c = count_parameters(m);
  return {{"id", m.id},
          {"name", m.name},
          {"total_parameters", json_number(c.total, "parameters")},
          {"active_parameters", json_number(c.active, "parameters")},
          {"warnings", m.warnings}};
}

ordered_json recommendation_json(size_t rank, const Recommendation& r) {
  const Evaluation& e = r.evaluation;
  const Price& p = *e.price;
  return {
      {"rank", rank},
      {"hardware", hardware_ref(*e.deployment.hardware)},
      {"devices_per_replica", e.deployment.devices()},
      {"replicas", e.replicas},
      {"total_devices", e.total_devices()},
      {"precision", std::string(to_string(e.deployment.weights))},
      {"tp", e.deployment.tp},
      {"pp", e.deployment.pp},
      {"ep", e.deployment.moe_ep},
      {"concurrency_per_replica", json_number(e.at_load.concurrency, "concurrency")},
      {"metrics",
       {{"ttft_ms", json_number(e.at_load.ttft_s * 1e3, "ttft")},
        {"tpot_ms", json_number(e.at_load.tpot_s * 1e3, "tpot")},
        {"requests_per_s", json_number(e.at_load.requests_per_s * static_cast<double>(e.replicas), "rate")},
        {"output_tokens_per_s",
         json_number(e.at_load.output_tokens_per_s * static_cast<double>(e.replicas), "rate")},
        {"ttft_ms_distribution", latency_json(e.at_load, &LoadPoint::ttft_at, "ttft")},
        {"tpot_ms_distribution", latency_json(e.at_load, &LoadPoint::tpot_at, "tpot")},
        {"e2e_ms_distribution", latency_json(e.at_load, &LoadPoint::e2e_at, "e2e")}}},
      {"queue",
       {{"model", fmt::format("M/G/{}", e.deployment.dp)},
        {"utilisation", json_number(e.utilisation, "utilisation")},
        {"headroom", json_number(1.0 - e.utilisation, "utilisation")},
        {"prefill_utilisation", json_number(e.at_load.prefill_utilisation, "utilisation")},
        {"wait_probability", json_number(e.at_load.wait.probability, "probability")},
        {"mean_wait_ms", json_number(e.at_load.wait.mean_s() * 1e3, "wait")}}},
      {"capacity",
       {{"requests_per_s_per_replica", json_number(e.capacity.requests_per_s, "rate")},
        {"max_concurrency_per_replica", json_number(e.capacity.concurrency, "concurrency")},
        {"limited_by", e.limited_by}}},
      {"memory",
       {{"weights_gb_per_device", json_number(e.memory.weights_gb, "weights")},
        {"kv_cache_gb_per_sequence", json_number(e.memory.kv_gb_per_sequence, "kv")},
        {"reserve_gb", json_number(e.memory.reserve_gb, "reserve")},
        {"capacity_per_device_gb", json_number(e.memory.capacity_gb, "capacity")},
        {"max_sequences_per_replica", e.memory.max_sequences}}},
      {"bottleneck", to_string(e.at_load.step.bottleneck())},
      {"cost",
       {{"per_hour_usd", json_number(e.cost_per_hour, "cost")},
        {"per_month_usd", json_number(e.cost_per_hour * 730.0, "cost")},
        {"per_million_tokens_usd", json_number(e.cost_per_million_tokens, "cost")},
        {"energy_kwh_per_hour",
         e.energy_known ? ordered_json(json_number(e.energy_kwh_per_hour, "energy")) : ordered_json()},
        {"energy_per_hour_usd",
         e.energy_known ? ordered_json(json_number(e.energy_cost_per_hour, "cost")) : ordered_json()},
        {"total_per_hour_usd", json_number(e.total_cost_per_hour, "cost")},
        {"total_per_month_usd", json_number(e.total_cost_per_hour * 730.0, "cost")},
        {"price",
         {{"pricing", p.pricing},
          {"usd_per_device_hour", p.usd_per_device_hour},
          {"provider", p.provider},
          {"instance_type", p.instance_type},
          {"region", p.region},
          {"date", p.date}}}}},
      {"reasons", r.reasons}};
}

}  // namespace

std::string recommend_json(const RecommendResult& result, const RecommendContext& ctx) {
  ordered_json recs = ordered_json::array();
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  for (size_t i = 0; i < shown; ++i) {
    ordered_json rec = recommendation_json(i + 1, result.recommendations[i]);
    if (ctx.explain) rec["derivation"] = derivation(result.recommendations[i].evaluation, *ctx.query);
    recs.push_back(std::move(rec));
  }
  ordered_json rejected = ordered_json::array();
  for (const Rejection& r : result.rejected) {
    rejected.push_back({{"hardware", hardware_ref(*r.hardware)}, {"rule", r.rule}, {"reasons", r.reasons}});
  }
  ordered_json out = {{"schema_version", kRecommendSchemaVersion},
                      {"query", query_json(ctx)},
                      {"model", model_json(*ctx.model)},
                      {"feasible_count", result.recommendations.size()},
                      {"recommendations", recs},
                      {"rejected", rejected},
                      {"calibration", ctx.calibration_status},
                      {"notes", ctx.notes}};
  return out.dump(ctx.compact ? -1 : 2) + "\n";
}

}  // namespace llmhw::render
