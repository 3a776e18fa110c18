// llmhw estimate --prefill SPEC --decode SPEC (src/core/disaggregated.cpp does the physics).
#include "cli/estimate_disaggregated.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>

#include "llmhw/error.hpp"
#include "llmhw/render_formats.hpp"
#include "llmhw/text.hpp"

namespace llmhw::cli {
namespace {

using nlohmann::ordered_json;

// 4 significant digits, as the other JSON numbers.
double num(double v) {
  if (v == 0 || !std::isfinite(v)) return 0;
  return std::stod(fmt::format("{:.4g}", v));
}

ordered_json side_json(const Deployment& d, int workers, const MemoryPlan& m) {
  return {{"workers", workers},
          {"tp", d.tp},
          {"dp", d.dp},
          {"ep", d.moe_ep},
          {"pp", d.pp},
          {"devices_per_worker", d.devices()},
          {"weights_gb_per_device", num(m.weights_gb)},
          {"max_concurrency_per_worker", m.max_sequences}};
}

ordered_json disaggregated_json(const DisaggregatedDeployment& d, const DisaggregatedPoint& p,
                                const MemoryPlan& prefill_memory, const MemoryPlan& decode_memory) {
  ordered_json prefill = side_json(d.prefill, d.prefill_workers, prefill_memory);
  prefill["prompts_per_step"] = num(p.prompts_per_step);
  prefill["prefill_ms"] = num(p.prefill_s * 1e3);
  prefill["queue_ms"] = num(p.prefill_wait_s * 1e3);
  prefill["utilisation"] = num(p.prefill_utilisation);
  ordered_json decode = side_json(d.decode, d.decode_workers, decode_memory);
  decode["running_per_worker"] = num(p.decode_running);
  decode["capacity_per_worker"] = num(p.decode_capacity);
  decode["step_ms"] = num(p.decode_step.total_s() * 1e3);
  decode["slot_wait_ms"] = num(p.decode_queue_s > 1e-9 ? p.decode_queue_s * 1e3 : 0.0);
  const KvTransfer& t = p.transfer;
  ordered_json transfer = {{"bytes_per_request", num(t.bytes)}, {"link", t.link},
                           {"scale_out", t.scale_out},          {"lanes", t.lanes},
                           {"gb_per_s", num(t.gbps)},           {"ms_per_request", num(t.seconds * 1e3)},
                           {"utilisation", num(t.utilisation)}};
  return {{"devices", d.devices()},
          {"prefill", prefill},
          {"decode", decode},
          {"kv_transfer", transfer},
          {"limited_by", p.limited_by}};
}

std::vector<std::string> disaggregated_lines(const DisaggregatedDeployment& d, const DisaggregatedPoint& p,
                                             const Workload& w) {
  const KvTransfer& t = p.transfer;
  return {
      fmt::format("layout       {} ({} devices)", describe(d), d.devices()),
      fmt::format("prefill      {} tokens: {} per prompt, {} queueing; {:g} prompts per step per dp group; "
                  "{:.0f}% busy",
                  text::grouped(w.input_tokens), text::ms(p.prefill_s * 1e3),
                  text::ms(p.prefill_wait_s * 1e3), p.prompts_per_step, p.prefill_utilisation * 100),
      fmt::format(
          "KV transfer  {} per prompt over {} ({}, {} lanes, {:.0f} GB/s): {} each, {:.1f}% of the link "
          "time",
          text::gb(t.bytes / 1e9), t.link, t.scale_out ? "scale-out, between nodes" : "inside the node",
          t.lanes, t.gbps, text::ms(t.seconds * 1e3), t.utilisation * 100),
      fmt::format("decode       {:.1f} running per worker of {} it holds; step {} ({}-bound){}",
                  p.decode_running, text::grouped(p.decode_capacity), text::ms(p.decode_step.total_s() * 1e3),
                  to_string(p.decode_step.bottleneck()),
                  p.decode_queue_s > 1e-6
                      ? fmt::format("; {} waiting for a slot", text::ms(p.decode_queue_s * 1e3))
                      : std::string()),
      fmt::format("limited by   {}", p.limited_by)};
}

std::vector<std::string> layout_line(const DisaggregatedDeployment& d) {
  return {fmt::format("layout       {} ({} devices)", describe(d), d.devices())};
}

std::string indent_lines(const std::vector<std::string>& lines, std::string_view prefix) {
  std::string out;
  for (const auto& l : lines) out += fmt::format("{}{}\n", prefix, l);
  return out;
}

}  // namespace

int run_disaggregated(DisaggregatedRequest r, Streams& s) {
  if (r.prefill_spec.empty() || r.decode_spec.empty()) {
    throw usage_error(fmt::format("{}: give both --prefill SPEC and --decode SPEC",
                                  r.prefill_spec.empty() ? "--prefill" : "--decode"));
  }
  if (!r.qps && !r.concurrency) {
    throw usage_error(
        "--concurrency: give a number of requests with --prefill/--decode (max is not offered)");
  }
  const Model& model = *r.base.model;
  const WorkerSpec ps = parse_worker_spec(r.prefill_spec, "--prefill");
  const WorkerSpec ds = parse_worker_spec(r.decode_spec, "--decode");
  check_worker_spec(ps, model, "--prefill");
  check_worker_spec(ds, model, "--decode");
  DisaggregatedDeployment d{worker_deployment(r.base, ps), ps.workers, worker_deployment(r.base, ds),
                            ds.workers};
  const Efficiency& eff = *r.efficiency;
  const MemoryPlan decode_memory = plan_memory(d.decode, r.workload, eff);
  // The prefill side holds a prompt's KV only until it is sent.
  const MemoryPlan prefill_memory = plan_memory(d.prefill, Workload{r.workload.input_tokens, 1}, eff);
  render::EstimateView& v = r.view;
  v.deployment = d.decode;
  v.workload = r.workload;
  v.concurrency = r.concurrency;
  v.qps = r.qps;
  v.memory = decode_memory;
  v.slots = static_cast<double>(r.limits.max_batch) * d.decode.dp * d.decode_workers;
  const bool fits = prefill_memory.fits() && decode_memory.fits();
  DisaggregatedPoint p;
  if (fits) {
    DisaggregatedLimits limits{r.limits, r.limits};
    limits.decode.kv_sequences =
        r.limits.reserve_full_length ? decode_memory.max_full_length_sequences : decode_memory.max_sequences;
    v.admitted = limits.decode.kv_sequences * d.decode_workers;
    p = r.qps ? serve_disaggregated_at_rate(d, r.workload, *r.qps, eff, limits)
              : serve_disaggregated(d, r.workload, *r.concurrency, eff, limits);
    if (r.qps && !p.sustainable) {
      throw Error(ExitCode::no_solution,
                  fmt::format("--qps: {} req/s is beyond this disaggregated deployment ({} is saturated)",
                              text::rate(*r.qps), p.limited_by));
    }
    v.point = serving_point(p);
    v.qps = r.qps;
    v.effective_concurrency = p.concurrency;
    v.fits = true;
    // The decode step's bound (the schema's names); what limits the replica is in "disaggregated".
    v.bottleneck = p.limited_by == "kv-capacity" ? "kv-capacity" : to_string(p.decode_step.bottleneck());
    v.notes.push_back(
        "disaggregated: TTFT = prefill queueing + prefill + KV transfer + request overhead; TPOT is the "
        "decode "
        "workers' step, which no prefill interrupts (docs/estimation.md \"Disaggregated serving\")");
  } else {
    v.bottleneck = "memory";
    v.notes.push_back(fmt::format("the {} side's weights leave no room for one sequence's KV cache",
                                  prefill_memory.fits() ? "decode" : "prefill"));
  }
  switch (r.format) {
    case render::Format::json: {
      ordered_json out = ordered_json::parse(render::estimate_json(v));
      out["query"]["devices"] = d.devices();
      out["disaggregated"] = disaggregated_json(d, p, prefill_memory, decode_memory);
      s.out << out.dump(2) << "\n";
      break;
    }
    case render::Format::csv:
      s.out << render::estimate_csv(v);
      break;
    case render::Format::markdown:
      s.out << render::estimate_markdown(v, r.style) << "\n"
            << indent_lines(fits ? disaggregated_lines(d, p, r.workload) : layout_line(d), "    ");
      break;
    case render::Format::table:
      s.out << render::estimate_table(v, r.style)
            << indent_lines(fits ? disaggregated_lines(d, p, r.workload) : layout_line(d), "");
      break;
  }
  return fits ? 0 : static_cast<int>(ExitCode::no_solution);
}

}  // namespace llmhw::cli
