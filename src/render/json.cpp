// The machine-readable answer (schema: data/schema/recommend.schema.json).
#include <nlohmann/json.hpp>

#include "llmhw/render.hpp"
#include "render/numbers.hpp"

namespace llmhw::render {
namespace {

using nlohmann::ordered_json;

ordered_json hardware_ref(const Hardware& hw) {
  return {{"id", hw.id}, {"name", hw.name}, {"kind", std::string(to_string(hw.kind))}};
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
          {"pricing", q.pricing}};
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
      {"devices_per_replica", e.deployment.tp},
      {"replicas", e.replicas},
      {"total_devices", e.replicas * e.deployment.tp},
      {"precision", std::string(to_string(e.deployment.weights))},
      {"tp", e.deployment.tp},
      {"concurrency_per_replica", json_number(e.at_load.concurrency, "concurrency")},
      {"metrics",
       {{"ttft_ms", json_number(e.at_load.ttft_s * 1e3, "ttft")},
        {"tpot_ms", json_number(e.at_load.tpot_s * 1e3, "tpot")},
        {"requests_per_s", json_number(e.at_load.requests_per_s * static_cast<double>(e.replicas), "rate")},
        {"output_tokens_per_s",
         json_number(e.at_load.output_tokens_per_s * static_cast<double>(e.replicas), "rate")}}},
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
  for (size_t i = 0; i < shown; ++i) recs.push_back(recommendation_json(i + 1, result.recommendations[i]));
  ordered_json rejected = ordered_json::array();
  for (const Rejection& r : result.rejected) {
    rejected.push_back({{"hardware", hardware_ref(*r.hardware)}, {"rule", r.rule}, {"reasons", r.reasons}});
  }
  ordered_json out = {{"schema_version", kSchemaVersion},
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
