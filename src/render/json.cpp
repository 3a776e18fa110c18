// The machine-readable answer (schema: data/schema/recommend.schema.json).
#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "llmhw/disaggregated.hpp"
#include "llmhw/prefix_cache.hpp"
#include "llmhw/render.hpp"
#include "render/json_writer.hpp"
#include "render/mixed_fleet.hpp"
#include "render/numbers.hpp"

namespace llmhw::render {
namespace {

void hardware_ref(JsonWriter& w, const Hardware& hw) {
  w.begin_object().field("id", hw.id).field("name", hw.name).field("kind", to_string(hw.kind)).end_object();
}

// A percentile target: null when the target is on the mean.
std::optional<double> percentile_json(double p) {
  return p > 0 ? std::optional<double>(p) : std::nullopt;
}

std::optional<double> optional_number(const std::optional<double>& v, const char* what) {
  return v ? std::optional<double>(json_number(*v, what)) : std::nullopt;
}

void latency_json(JsonWriter& w, const LoadPoint& l, double (LoadPoint::*at)(double) const,
                  const char* what) {
  w.begin_object()
      .field("mean", json_number((l.*at)(0) * 1e3, what))
      .field("p50", json_number((l.*at)(50) * 1e3, what))
      .field("p90", json_number((l.*at)(90) * 1e3, what))
      .field("p99", json_number((l.*at)(99) * 1e3, what))
      .end_object();
}

void query_json(JsonWriter& w, const RecommendContext& ctx) {
  const Query& q = *ctx.query;
  w.begin_object()
      .field("model", q.model_text)
      .field("qps", json_number(q.qps, "qps"))
      .field("input_tokens", static_cast<long>(q.workload.input_tokens))
      .field("output_tokens", static_cast<long>(q.workload.output_tokens))
      .field("ttft_ms", json_number(q.ttft_ms, "ttft"))
      .field("tpot_ms", json_number(q.tpot_ms, "tpot"))
      .field("budget_per_hour_usd", optional_number(q.budget_per_hour, "budget"))
      .field("precision", ctx.precision_text)
      .key("kinds")
      .begin_array();
  for (DeviceKind k : q.kinds) w.value(to_string(k));
  w.end_array()
      .field("pricing", q.pricing)
      .field("providers", q.providers)
      .field("max_utilisation", q.max_utilisation)
      .field("n_plus", q.n_plus)
      .field("input_tokens_sd", json_number(q.input_sd, "sd"))
      .field("output_tokens_sd", json_number(q.output_sd, "sd"))
      .field("ttft_percentile", percentile_json(q.ttft_percentile))
      .field("tpot_percentile", percentile_json(q.tpot_percentile))
      .field("e2e_ms", optional_number(q.e2e_ms, "e2e"))
      .field("e2e_percentile", percentile_json(q.e2e_percentile))
      .field("optimize", to_string(q.objective))
      .field("pue", json_number(q.pue, "pue"))
      .field("electricity_usd_per_kwh", json_number(q.usd_per_kwh, "electricity"))
      .field("confidence", to_string(q.confidence))
      .field("prefix_cache_hit", q.workload.prefix_cache_hit)
      .field("shared_prefix_tokens", q.workload.shared_prefix_tokens)
      .field("speculative_tried", q.speculation.active()
                                      ? std::optional<std::string>(to_string(q.speculation.method))
                                      : std::nullopt);
  if (q.power_budget_kw) w.field("power_budget_kw", json_number(*q.power_budget_kw, "power"));
  w.end_object();
}

void model_json(JsonWriter& w, const Model& m) {
  const ParameterCount c = count_parameters(m);
  w.begin_object()
      .field("id", m.id)
      .field("name", m.name)
      .field("total_parameters", json_number(c.total, "parameters"))
      .field("active_parameters", json_number(c.active, "parameters"))
      .field("warnings", m.warnings)
      .end_object();
}

void metrics_json(JsonWriter& w, const Evaluation& e) {
  const double replicas = static_cast<double>(e.replicas);
  w.begin_object()
      .field("ttft_ms", json_number(e.at_load.ttft_s * 1e3, "ttft"))
      .field("tpot_ms", json_number(e.at_load.tpot_s * 1e3, "tpot"))
      .field("requests_per_s", json_number(e.at_load.requests_per_s * replicas, "rate"))
      .field("output_tokens_per_s", json_number(e.at_load.output_tokens_per_s * replicas, "rate"));
  w.key("ttft_ms_distribution");
  latency_json(w, e.at_load, &LoadPoint::ttft_at, "ttft");
  w.key("tpot_ms_distribution");
  latency_json(w, e.at_load, &LoadPoint::tpot_at, "tpot");
  w.key("e2e_ms_distribution");
  latency_json(w, e.at_load, &LoadPoint::e2e_at, "e2e");
  w.end_object();
}

// [low, high] around metrics' mean TTFT and TPOT, as `estimate` gives them.
void bounds_json(JsonWriter& w, const Evaluation& e, const Bounds& b) {
  const auto range = [&w](const char* key, double ms, const Band& band, const char* what) {
    w.key(key)
        .begin_array()
        .value(json_number(ms * band.low, what))
        .value(json_number(ms * band.high, what))
        .end_array();
  };
  w.begin_object();
  range("ttft_ms", e.at_load.ttft_s * 1e3, b.ttft, "ttft");
  range("tpot_ms", e.at_load.tpot_s * 1e3, b.tpot, "tpot");
  w.end_object();
}

// The speculative decoding a recommendation runs, or null.
void speculative_json(JsonWriter& w, const Speculation& s) {
  if (!s.active()) {
    w.null();
    return;
  }
  w.begin_object()
      .field("method", std::string(to_string(s.method)))
      .field("draft_model", s.draft_model.empty() ? std::nullopt : std::optional<std::string>(s.draft_model))
      .field("draft_tokens", s.draft_tokens)
      .field("acceptance", json_number(s.acceptance, "acceptance"))
      .field("acceptance_source", s.source)
      .end_object();
}

// --load-profile: the day's cost, inside "cost".
void day_cost_json(JsonWriter& w, const DayPlan& day) {
  w.field("per_day_usd", usd_number(day.per_day_usd, "cost"))
      .field("peak_sized_per_day_usd", usd_number(day.peak_sized_per_day_usd, "cost"))
      .field("per_million_tokens_day_usd", json_number(day.per_million_tokens_usd, "cost"))
      .field("floor_replicas", day.floor_replicas)
      .field("floor_pricing",
             day.floor_price ? std::optional<std::string>(day.floor_price->pricing) : std::nullopt);
}

void schedule_json(JsonWriter& w, const DayPlan& day) {
  w.begin_array();
  for (const ScheduleEntry& s : day.schedule) {
    const auto ms = [&s](double seconds, const char* what) {
      return s.served ? std::optional<double>(json_number(seconds * 1e3, what)) : std::nullopt;
    };
    w.begin_object()
        .field("start", clock_time(s.period.start_h))
        .field("hours", json_number(s.period.hours, "hours"))
        .field("qps", json_number(s.period.qps, "qps"))
        .field("replicas", s.replicas)
        .field("warming_replicas", s.warming_replicas)
        .field("utilisation", json_number(s.utilisation, "utilisation"))
        .field("ttft_ms", ms(s.at_load.ttft_s, "ttft"))
        .field("tpot_ms", ms(s.at_load.tpot_s, "tpot"))
        .field("cost_per_hour_usd", json_number(s.cost_per_hour_usd, "cost"))
        .field("cost_usd", json_number(s.cost_usd, "cost"))
        .end_object();
  }
  w.end_array();
}

void cost_json(JsonWriter& w, const Evaluation& e, const Query& q, const DayPlan* day) {
  const Price& p = *e.price;
  const auto if_known = [&e](double v, const char* what) {
    return e.energy_known ? std::optional<double>(json_number(v, what)) : std::nullopt;
  };
  w.begin_object()
      .field("per_hour_usd", usd_number(e.cost_per_hour, "cost"))
      .field("per_month_usd", usd_number(e.cost_per_hour * 730.0, "cost"))
      .field("per_million_tokens_usd", json_number(e.cost_per_million_tokens, "cost"))
      .field("energy_kwh_per_hour", if_known(e.energy_kwh_per_hour, "energy"))
      .field("energy_per_hour_usd", if_known(e.energy_cost_per_hour, "cost"))
      .field("total_per_hour_usd", usd_number(e.total_cost_per_hour, "cost"))
      .field("total_per_month_usd", usd_number(e.total_cost_per_hour * 730.0, "cost"))
      .field("instances", e.rental.instances)
      .field("devices_rented", e.rental.devices)
      .field("idle_devices", e.rental.idle_devices)
      .field("per_request_usd", json_number(cost_per_request(e, q), "cost"))
      .field("per_million_input_output_tokens_usd", json_number(cost_per_million_io_tokens(e, q), "cost"));
  // --have: how many devices of the fleet are owned and how many rented (owned.hpp).
  if (!q.owned.empty()) w.field("owned_devices", e.owned_devices).field("rented_devices", e.rental.devices);
  if (day) day_cost_json(w, *day);
  // Per input, output and cached input token, as API prices are quoted (prefix_cache.hpp).
  const TokenPrices tokens = token_prices(e, q);
  w.field("per_million_input_tokens_usd", json_number(tokens.input_usd, "cost"))
      .field("per_million_output_tokens_usd", json_number(tokens.output_usd, "cost"))
      .field("per_million_cached_input_tokens_usd", json_number(tokens.cached_input_usd, "cost"))
      .key("price")
      .begin_object()
      .field("pricing", p.pricing)
      .field("usd_per_device_hour", p.usd_per_device_hour)
      .field("usd_per_instance_hour", p.instance_hour_usd())
      .field("devices_per_instance",
             p.devices_per_instance > 0 ? std::optional<long>(p.devices_per_instance) : std::nullopt)
      .field("provider", p.provider)
      .field("instance_type", p.instance_type)
      .field("region", p.region)
      .field("date", p.date)
      .end_object()
      .end_object();
}

// The figures behind each line of the --explain derivation, as numbers (per device unless named
// otherwise), so that scripts need not parse the prose.
void derivation_json(JsonWriter& w, const Evaluation& e, const Query& q) {
  const MemoryPlan& m = e.memory;
  const LoadPoint& l = e.at_load;
  const auto ms = [](double seconds, const char* what) { return json_number(seconds * 1e3, what); };
  w.begin_object()
      .field("weights_gb", json_number(m.weights_gb, "weights"))
      .field("reserve_gb", json_number(m.reserve_gb, "reserve"))
      .field("capacity_gb", json_number(m.capacity_gb, "capacity"))
      .field("kv_gb_per_sequence", json_number(m.kv_gb_per_sequence, "kv"))
      .field("kv_gb_per_running_sequence", json_number(m.kv_gb_per_running_sequence, "kv"))
      .field("kv_gb", json_number(m.kv_gb_per_running_sequence * std::ceil(l.concurrency), "kv"))
      .field("max_sequences_per_replica", m.max_sequences)
      .field("concurrency_per_replica", json_number(l.concurrency, "concurrency"))
      .field("decode_step_ms", ms(l.step.total_s(), "step"))
      .field("decode_memory_ms", ms(l.step.memory_s, "step"))
      .field("decode_compute_ms", ms(l.step.compute_s, "step"))
      .field("decode_communication_ms", ms(l.step.communication_s, "step"))
      .field("decode_overhead_ms", ms(l.step.overhead_s, "step"))
      .field("decode_bottleneck", to_string(l.step.bottleneck()))
      .field("prefill_tokens", static_cast<long>(q.workload.input_tokens))
      .field("prefill_ms", ms(l.prefill_mean_s, "prefill"))
      .field("prefill_sd_ms", ms(l.prefill_sd_s, "prefill"))
      .field("prefill_bottleneck", to_string(l.prompt.bottleneck()))
      .field("queue_servers", e.deployment.dp)
      .field("requests_per_s_per_replica", json_number(l.requests_per_s, "rate"))
      .field("prefill_utilisation", json_number(l.prefill_utilisation, "utilisation"))
      .field("wait_probability", json_number(l.wait.probability, "probability"))
      .field("mean_wait_ms", ms(l.wait.mean_s(), "wait"))
      .field("replicas", e.replicas)
      .field("capacity_requests_per_s_per_replica", json_number(e.capacity.requests_per_s, "rate"))
      .field("utilisation", json_number(e.utilisation, "utilisation"))
      .field("rental_per_hour_usd", json_number(e.cost_per_hour, "cost"))
      .field("energy_kwh_per_hour", e.energy_known
                                        ? std::optional<double>(json_number(e.energy_kwh_per_hour, "energy"))
                                        : std::nullopt)
      .field("total_per_hour_usd", json_number(e.total_cost_per_hour, "cost"))
      .field("total_per_month_usd", json_number(cost_per_month(e), "cost"))
      .field("per_million_tokens_usd", json_number(e.cost_per_million_tokens, "cost"))
      .end_object();
}

// The target the rejection's rule compares against, when it is a latency.
std::optional<double> rule_target_ms(const std::string& rule, const Query& q) {
  if (rule == "meets-tpot") return q.tpot_ms;
  if (rule == "meets-ttft") return q.ttft_ms;
  if (rule == "meets-e2e") return q.e2e_ms;
  return std::nullopt;
}

// The closest try of a rejection as numbers, so that a gate can ask how far off it was:
// latencies at the targets' percentiles (null when the weights do not fit: nothing was served),
// the cost of the fleet it would need (null without replicas or a price), and the target.
void closest_json(JsonWriter& w, const Rejection& r, const Query& q) {
  if (!r.closest) {
    w.null();
    return;
  }
  const Evaluation& e = *r.closest;
  const bool served = e.memory.fits();
  const auto latency = [&](double (LoadPoint::*at)(double) const, double percentile, const char* what) {
    return served ? std::optional<double>(json_number((e.at_load.*at)(percentile)*1e3, what)) : std::nullopt;
  };
  const bool priced = e.price && e.replicas > 0;
  w.begin_object()
      .field("precision", to_string(e.deployment.weights))
      .field("tp", e.deployment.tp)
      .field("pp", e.deployment.pp)
      .field("ttft_ms", latency(&LoadPoint::ttft_at, q.ttft_percentile, "ttft"))
      .field("tpot_ms", latency(&LoadPoint::tpot_at, q.tpot_percentile, "tpot"))
      .field("cost_per_hour_usd",
             priced ? std::optional<double>(json_number(e.total_cost_per_hour, "cost")) : std::nullopt)
      .field("target_ms", optional_number(rule_target_ms(r.rule, q), "target"))
      .end_object();
}

// A disaggregated recommendation's two sides and its KV transfer (schema: prefill, decode, kv_transfer).
void disaggregated_json(JsonWriter& w, const DisaggregatedPlan& p) {
  const auto side = [&w](const char* name, const Deployment& d, int workers) {
    w.key(name)
        .begin_object()
        .field("workers", workers)
        .field("tp", d.tp)
        .field("dp", d.dp)
        .field("ep", d.moe_ep)
        .field("devices_per_worker", d.devices());
  };
  const DisaggregatedPoint& at = p.at_load;
  side("prefill", p.deployment.prefill, p.deployment.prefill_workers);
  w.field("prefill_ms", json_number(at.prefill_s * 1e3, "prefill"))
      .field("queue_ms", json_number(at.prefill_wait_s * 1e3, "wait"))
      .field("utilisation", json_number(at.prefill_utilisation, "utilisation"))
      .end_object();
  side("decode", p.deployment.decode, p.deployment.decode_workers);
  w.field("running_per_worker", json_number(at.decode_running, "concurrency"))
      .field("step_ms", json_number(at.decode_step.total_s() * 1e3, "step"))
      .end_object()
      .key("kv_transfer")
      .begin_object()
      .field("bytes_per_request", json_number(at.transfer.bytes, "kv"))
      .field("link", at.transfer.link)
      .field("scale_out", at.transfer.scale_out)
      .field("ms_per_request", json_number(at.transfer.seconds * 1e3, "transfer"))
      .end_object();
}

void recommendation_json(JsonWriter& w, size_t rank, const Recommendation& r, const RecommendContext& ctx) {
  const Evaluation& e = r.evaluation;
  const DayPlan* day = ctx.days ? &(*ctx.days)[rank - 1] : nullptr;
  w.begin_object().field("rank", rank).key("hardware");
  hardware_ref(w, *e.deployment.hardware);
  w.field("devices_per_replica", e.devices());
  // CPUs are rented by the vCPU: the instance size each replica takes (absent for other kinds).
  const Hardware& hw = *e.deployment.hardware;
  if (hw.kind == DeviceKind::cpu)
    w.field("vcpus_per_replica", (hw.vcpus > 0 ? hw.vcpus : hw.socket_vcpus()) * e.deployment.devices());
  w.field("replicas", e.replicas)
      .field("total_devices", e.total_devices())
      .field("precision", to_string(e.deployment.weights))
      .field("tp", e.deployment.tp)
      .field("pp", e.deployment.pp)
      .field("ep", e.deployment.moe_ep);
  if (e.disaggregated) disaggregated_json(w, *e.disaggregated);
  w.field("concurrency_per_replica", json_number(e.at_load.concurrency, "concurrency")).key("speculative");
  speculative_json(w, e.deployment.speculation);
  w.key("metrics");
  metrics_json(w, e);
  w.key("bounds");
  bounds_json(w, e, r.bounds);
  w.field("evidence", std::string(to_string(r.evidence)))
      .field("evidence_basis", r.evidence_basis)
      .key("queue")
      .begin_object()
      .field("model", fmt::format("M/G/{}", e.deployment.dp))
      .field("utilisation", json_number(e.utilisation, "utilisation"))
      .field("headroom", json_number(1.0 - e.utilisation, "utilisation"))
      .field("max_utilisation", ctx.query->max_utilisation)
      .field("spare_replicas", ctx.query->n_plus)
      .field("prefill_utilisation", json_number(e.at_load.prefill_utilisation, "utilisation"))
      .field("wait_probability", json_number(e.at_load.wait.probability, "probability"))
      .field("mean_wait_ms", json_number(e.at_load.wait.mean_s() * 1e3, "wait"))
      .end_object()
      .key("capacity")
      .begin_object()
      .field("requests_per_s_per_replica", json_number(e.capacity.requests_per_s, "rate"))
      .field("max_concurrency_per_replica", json_number(e.capacity.concurrency, "concurrency"))
      .field("limited_by", e.limited_by)
      .end_object()
      .key("memory")
      .begin_object()
      .field("weights_gb_per_device", json_number(e.memory.weights_gb, "weights"))
      .field("kv_cache_gb_per_sequence", json_number(e.memory.kv_gb_per_sequence, "kv"))
      .field("reserve_gb", json_number(e.memory.reserve_gb, "reserve"))
      .field("capacity_per_device_gb", json_number(e.memory.capacity_gb, "capacity"))
      .field("max_sequences_per_replica", e.memory.max_sequences)
      .end_object()
      .field("bottleneck", to_string(e.at_load.step.bottleneck()))
      .key("cost");
  cost_json(w, e, *ctx.query, day);
  if (day) {
    w.key("schedule");
    schedule_json(w, *day);
  }
  w.field("reasons", r.reasons);
  if (ctx.explain) {
    w.field("derivation", derivation(e, *ctx.query)).key("derivation_numbers");
    derivation_json(w, e, *ctx.query);
  }
  w.end_object();
}

}  // namespace

std::string recommend_json(const RecommendResult& result, const RecommendContext& ctx) {
  JsonWriter w(ctx.compact ? -1 : 2);
  w.begin_object().field("schema_version", kRecommendSchemaVersion).key("query");
  query_json(w, ctx);
  w.key("model");
  model_json(w, *ctx.model);
  w.field("feasible_count", result.recommendations.size()).key("recommendations").begin_array();
  const size_t shown = std::min(ctx.top, result.recommendations.size());
  for (size_t i = 0; i < shown; ++i) recommendation_json(w, i + 1, result.recommendations[i], ctx);
  w.end_array().key("rejected").begin_array();
  for (const Rejection& r : result.rejected) {
    w.begin_object().key("hardware");
    hardware_ref(w, *r.hardware);
    w.field("rule", r.rule).field("reasons", r.reasons).key("closest");
    closest_json(w, r, *ctx.query);
    w.end_object();
  }
  w.end_array().field("calibration", ctx.calibration_status).field("notes", ctx.notes);
  if (ctx.profile) {
    w.key("load_profile")
        .begin_object()
        .field("file", ctx.profile->source)
        .field("periods", ctx.profile->periods.size())
        .field("mean_qps", json_number(ctx.profile->mean_qps(), "qps"))
        .field("peak_qps", json_number(ctx.profile->peak_qps(), "qps"))
        .field("scale_up_minutes", json_number(ctx.day_options->scale_up_minutes, "minutes"))
        .field("baseline", ctx.day_options->baseline.empty()
                               ? std::optional<std::string>()
                               : std::optional<std::string>(ctx.day_options->baseline))
        .end_object();
  }
  if (ctx.mixed_fleet) {
    w.key("mixed_fleet");
    mixed_fleet_json(w, *ctx.mixed_fleet);
  }
  w.end_object();
  std::string out = w.take();
  out += '\n';
  return out;
}

}  // namespace llmhw::render
