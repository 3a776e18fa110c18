// llmhw estimate: one deployment predicted (memory, TTFT, TPOT, throughput) with error bands.
#include <fmt/format.h>

#include <optional>
#include <ostream>

#include "cli/app.hpp"
#include "cli/catalog.hpp"
#include "cli/emit.hpp"
#include "cli/estimate_disaggregated.hpp"
#include "cli/model_lookup.hpp"
#include "cli/overlays.hpp"
#include "cli/speculation_flags.hpp"
#include "cli/sweep.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render_estimate.hpp"
#include "llmhw/render_formats.hpp"
#include "llmhw/text.hpp"
#include "llmhw/units.hpp"

namespace llmhw::cli {
namespace {

const std::vector<std::string> kEngines = {"vllm", "sglang", "trtllm", "llama.cpp", "jetstream", "other"};

struct EstimateOptions {
  std::string model, model_config, hardware, precision, kv_precision = "auto";
  std::string tp, pp = "1", ep = "1", dp = "1", engine, vcpus;
  std::string input_tokens, output_tokens, concurrency, qps, format = "table";
  std::string max_batch, max_batched_tokens, gpu_memory_utilization;  // "" = the engine's default
  std::string emit;             // --emit: the launch command or manifest instead of the estimate
  std::string plot, sweep;      // --plot FILE.svg --sweep concurrency
  std::string prefill, decode;  // disaggregated SPECs (estimate_disaggregated.cpp)
  std::string speculative, acceptance, prefix_cache_hit, shared_prefix_tokens;  // "" = off
};

// Defaults for the flags left out (recommend's lengths; as many requests as fit), each noted in
// the output. "" = none was needed.
std::string apply_defaults(EstimateOptions& o) {
  std::vector<std::string> used;
  if (o.input_tokens.empty()) o.input_tokens = "1024", used.push_back("--input-tokens 1024");
  if (o.output_tokens.empty()) o.output_tokens = "256", used.push_back("--output-tokens 256");
  if (o.concurrency.empty() && o.qps.empty()) o.concurrency = "max", used.push_back("--concurrency max");
  std::string out;
  for (const auto& u : used) out += (out.empty() ? "" : ", ") + u;
  return out.empty() ? "" : "defaults: " + out + " (flags not given; the lengths are recommend's)";
}

// --emit names the engine the estimate assumes: --engine, if given, must agree.
void engine_for_emit(EstimateOptions& o, const Hardware& hw) {
  const auto target = emit_target(o.emit);
  if (!target) return;
  const std::string engine = emit_engine(*target, o.engine, hw);
  if (!o.engine.empty() && o.engine != engine) {
    throw usage_error(
        fmt::format("--emit {} and --engine {} disagree: the flags emitted are the estimated engine's",
                    o.emit, o.engine));
  }
  o.engine = engine;
}

Precision precision_flag(const std::string& text, const char* flag,
                         std::initializer_list<Precision> allowed) {
  auto p = parse_precision(text);
  if (!p || std::find(allowed.begin(), allowed.end(), *p) == allowed.end()) {
    std::string names;
    for (Precision a : allowed) names += (names.empty() ? "" : ", ") + std::string(to_string(a));
    throw usage_error(fmt::format("{}: '{}' is not one of {}", flag, text, names));
  }
  return *p;
}

// --precision as a GGUF file type (q4_k_m, q3_k_m, q4_0, q8_0): CPUs only, and only for the
// architectures whose llama-quantize tensor mix gguf_mix.cpp models.
std::optional<GgufFileType> gguf_flag(const EstimateOptions& o, const Model& m, const Hardware& hw) {
  const auto t = parse_gguf_file_type(o.precision);
  if (!t) return std::nullopt;
  if (hw.kind != DeviceKind::cpu) {
    throw usage_error(fmt::format("--precision: {} is a llama.cpp GGUF type, for CPUs; '{}' is a {}",
                                  to_string(*t), hw.id, to_string(hw.kind)));
  }
  if (!gguf_layout(m, *t)) {
    throw usage_error(
        fmt::format("--precision: the {} tensor mix is modelled for dense attention models only; "
                    "use int4 or int8 for '{}'",
                    to_string(*t), m.id));
  }
  return t;
}

// --precision, or the checkpoint's own precision where the device offers it, else bf16.
Precision weights_precision(const EstimateOptions& o, const Model& m, const Hardware& hw) {
  if (const auto t = gguf_flag(o, m, hw)) return gguf_precision(*t);
  if (!o.precision.empty()) {
    const Precision p = precision_flag(
        o.precision, "--precision",
        {Precision::bf16, Precision::fp16, Precision::fp8, Precision::int8, Precision::int4, Precision::fp4});
    if (!compute_precision(hw, p)) {
      throw usage_error(fmt::format("--precision: {} is not offered on {} (see `llmhw hardware show {}`)",
                                    to_string(p), hw.id, hw.id));
    }
    return p;
  }
  if (m.checkpoint_precision && compute_precision(hw, *m.checkpoint_precision))
    return *m.checkpoint_precision;
  return Precision::bf16;
}

// The smallest tensor-parallel size the device's fast group allows that holds the weights and
// one full sequence.
int default_tp(const Deployment& base, const Workload& w, const Efficiency& eff) {
  for (int tp : candidate_tp_sizes(*base.hardware, *base.model)) {
    Deployment d = base;
    d.tp = tp;
    if (plan_memory(d, w, eff).fits()) return tp;
  }
  const auto sizes = candidate_tp_sizes(*base.hardware, *base.model);
  return sizes.empty() ? 1 : sizes.back();
}

// --kv-precision: the value given, or (auto) the checkpoint's, the engine's or bf16, with why.
KvChoice kv_precision(const EstimateOptions& o, const Model& m, Precision weights,
                      const EngineLimits& limits) {
  if (o.kv_precision == "auto") return auto_kv_precision(m, weights, limits, o.engine);
  const Precision p =
      precision_flag(o.kv_precision, "--kv-precision", {Precision::bf16, Precision::fp8, Precision::int8});
  return {p, fmt::format("{} KV cache (--kv-precision)", to_string(p))};
}

Deployment build_deployment(const EstimateOptions& o, const Model& m, const Hardware& hw, const Workload& w,
                            const Efficiency& eff, const KvChoice& kv) {
  Deployment d;
  d.model = &m;
  d.hardware = &hw;
  d.weights = weights_precision(o, m, hw);
  d.gguf = gguf_flag(o, m, hw);
  d.kv = kv.kv;
  d.pp = static_cast<int>(parse_count(o.pp, "--pp", 1024));
  d.dp = static_cast<int>(parse_count(o.dp, "--dp", 4096));
  d.moe_ep = static_cast<int>(parse_count(o.ep, "--ep", 4096));
  d.tp = o.tp.empty() ? default_tp(d, w, eff) : static_cast<int>(parse_count(o.tp, "--tp", 4096));
  if (m.heads % d.tp != 0) {
    throw usage_error(fmt::format("--tp: {} does not divide the model's {} attention heads", d.tp, m.heads));
  }
  if (d.moe_ep > 1 && !m.moe) throw usage_error("--ep: the model has no experts");
  if ((d.tp * d.dp) % d.moe_ep != 0) {
    throw usage_error(fmt::format("--ep: {} must divide tp x dp = {} (experts are spread over those ranks)",
                                  d.moe_ep, d.tp * d.dp));
  }
  return d;
}

std::string render_estimate(render::Format format, const render::EstimateView& v,
                            const render::Style& style) {
  switch (format) {
    case render::Format::json:
      return render::estimate_json(v);
    case render::Format::csv:
      return render::estimate_csv(v);
    case render::Format::markdown:
      return render::estimate_markdown(v, style);
    case render::Format::table:
      break;
  }
  return render::estimate_table(v, style);
}

// The engine's limits on this device (data/efficiency.json "engines"), with the user's flags.
EngineLimits engine_limits(const EstimateOptions& o, const Calibration& calibration, const Hardware& hw) {
  EngineLimits l = calibration.limits(o.engine, hw);
  if (!o.max_batch.empty()) l.max_batch = static_cast<int>(parse_count(o.max_batch, "--max-batch", 1 << 20));
  if (!o.max_batched_tokens.empty())
    l.max_num_tokens = static_cast<int>(parse_count(o.max_batched_tokens, "--max-batched-tokens", 1 << 24));
  if (!o.gpu_memory_utilization.empty())
    l.memory_fraction = parse_positive(o.gpu_memory_utilization, "--gpu-memory-utilization", 1.0);
  return l;
}

std::string engine_note(const EstimateOptions& o, const EngineLimits& l, const Efficiency& eff) {
  return fmt::format(
      "engine limits ({}): max batch {} per engine instance, {} tokens per step, {:g} of {} for {}{}",
      o.engine.empty() ? "any engine" : o.engine, l.max_batch, l.max_num_tokens, eff.usable_memory_fraction,
      eff.usable_fraction_of_free ? "the memory the weights leave" : "device memory",
      eff.usable_fraction_of_free ? "the KV cache" : "weights and KV cache",
      l.reserve_full_length ? "; a request is admitted when the KV of its whole length is free" : "");
}

// Closed loop: `concurrency` requests always in flight (or as many as fit).
void closed_loop(render::EstimateView& v, std::optional<double> concurrency, const Efficiency& eff,
                 const EngineLimits& limits, long admitted) {
  const Deployment& d = v.deployment;
  const double slots = static_cast<double>(limits.max_batch) * d.dp;
  v.effective_concurrency =
      concurrency.value_or(static_cast<double>(std::min<long>(admitted / d.dp, limits.max_batch)) * d.dp);
  v.effective_concurrency = std::max(1.0, v.effective_concurrency);
  v.point = serve_closed_loop(d, v.workload, v.effective_concurrency, eff, limits);
  v.fits = v.effective_concurrency <= static_cast<double>(admitted);
  v.bottleneck = to_string(v.point->step.bottleneck());
  const double running = std::min(v.effective_concurrency, slots);
  if (v.effective_concurrency > slots) {
    v.notes.push_back(
        fmt::format("the engine runs at most {} requests at once (--max-batch); the other {} wait "
                    "for a free slot (in TTFT)",
                    text::grouped(slots), text::grouped(v.effective_concurrency - slots)));
  }
  if (running > static_cast<double>(admitted)) {
    v.bottleneck = "kv-capacity";
    v.notes.push_back(
        limits.reserve_full_length
            ? fmt::format(
                  "only {} sequences fit in the KV cache at their full length; the other {} wait until a "
                  "running request finishes and frees its blocks (in TTFT)",
                  admitted, text::grouped(running - static_cast<double>(admitted)))
            : fmt::format(
                  "only {} sequences fit in the KV cache at their mean length; the other {} wait in the "
                  "engine's queue until running requests finish and free their blocks (in TTFT)",
                  admitted, text::grouped(running - static_cast<double>(admitted))));
  }
}

// Open loop: Poisson arrivals at `qps`, with recommend's replica model (src/core/sizing.cpp).
void open_loop(render::EstimateView& v, double qps, const Efficiency& eff, const EngineLimits& limits,
               long admitted) {
  // Prompts share each step's token budget with the decode tokens (chunked prefill).
  v.deployment.max_num_tokens = limits.max_num_tokens;
  v.deployment.steps_scheduled_ahead = limits.steps_scheduled_ahead;
  v.deployment.frontend_latency_ms = limits.frontend_latency_ms;
  const Deployment& d = v.deployment;
  Query q;
  q.qps = qps;
  q.workload = v.workload;
  const long limit = std::max(1L, std::min(admitted, static_cast<long>(limits.max_batch) * d.dp));
  const RateLoad r = load_at_rate(d, q, eff, limit);
  const bool memory_bound = admitted <= static_cast<long>(limits.max_batch) * d.dp;
  if (!r.sustainable) {
    // The token budget binds when the prompts fill it before the requests reach the limit.
    const bool budget_bound =
        r.at_limit.requests_per_s <
        r.at_limit.concurrency / (v.workload.output_tokens * r.at_limit.tpot_s) * (1 - 1e-9);
    const std::string cap =
        budget_bound
            ? fmt::format("{} requests in flight, capped by {} tokens per step (--max-batched-tokens)", limit,
                          limits.max_num_tokens)
            : fmt::format("{} requests in flight, capped by {}", limit,
                          memory_bound ? "KV cache memory" : "the engine's max batch");
    throw Error(ExitCode::no_solution,
                fmt::format("--qps: {} req/s is beyond this deployment: it sustains at most {} req/s ({})",
                            text::rate(qps), text::rate(r.at_limit.requests_per_s), cap));
  }
  v.qps = qps;
  v.open_loop = r.at_rate;
  v.max_requests_per_s = r.at_limit.requests_per_s;
  v.effective_concurrency = r.at_rate.concurrency;
  v.point = r.at_rate;
  v.fits = true;
  v.bottleneck = to_string(r.at_rate.step.bottleneck());
}

int run_estimate(EstimateOptions o, const GlobalOptions& global, Streams& s) {
  emit_target(o.emit);  // a bad --emit is a usage error before any work
  if (!o.sweep.empty() && o.sweep != "concurrency")
    throw usage_error(fmt::format("--sweep: '{}' is not one of concurrency", o.sweep));
  if (o.plot.empty() != o.sweep.empty())
    throw usage_error("--plot FILE.svg and --sweep concurrency go together");
  const std::string defaults = apply_defaults(o);
  const render::Format format = output_format(o.format, global, s, kAllFormats, "estimate");
  if (!o.engine.empty() && std::find(kEngines.begin(), kEngines.end(), o.engine) == kEngines.end()) {
    throw usage_error(fmt::format(
        "--engine: '{}' is not one of vllm, sglang, trtllm, llama.cpp, jetstream, other", o.engine));
  }
  if (o.concurrency.empty() == o.qps.empty()) {
    throw usage_error(
        "give at most one of --concurrency N (closed loop: requests in flight) and --qps R (open loop: "
        "Poisson arrivals at R requests/s)");
  }
  Workload w{static_cast<double>(parse_count(o.input_tokens, "--input-tokens", kMaxTokens)),
             static_cast<double>(parse_count(o.output_tokens, "--output-tokens", kMaxTokens))};
  apply_prefix_cache(w, o.prefix_cache_hit, o.shared_prefix_tokens);
  std::optional<double> concurrency, qps;
  if (!o.qps.empty()) qps = parse_positive(o.qps, "--qps", kMaxQps);
  if (!o.concurrency.empty() && o.concurrency != "max")
    concurrency = static_cast<double>(parse_count(o.concurrency, "--concurrency", 10'000'000));
  const auto data = resolve_data_dir(global);
  const ResolvedModel model = resolve_model(o.model, o.model_config, data / "models");
  const Catalog catalog = load_catalog(global);
  const Hardware& socket = find_hardware(catalog, o.hardware, "--hardware");
  // --vcpus: an instance of N vCPUs on the socket; calibration stays the socket's.
  std::optional<Hardware> sliced;
  if (!o.vcpus.empty()) sliced = slice(socket, static_cast<int>(parse_count(o.vcpus, "--vcpus", 100000)));
  const Hardware& hw = sliced ? *sliced : socket;
  engine_for_emit(o, hw);
  const Calibration calibration = io::load_calibration(data / "efficiency.json");
  Calibration calibrated = calibration;  // with the user's overlays (cli/overlays.hpp)
  apply_overlays(calibrated, global, catalog);
  const Resolution resolved = calibrated.resolve(socket, o.engine, catalog.hardware);
  EngineLimits limits = engine_limits(o, calibration, hw);
  const Efficiency eff = with_engine_memory(*resolved.efficiency, limits);

  const KvChoice kv = kv_precision(o, model.model, weights_precision(o, model.model, hw), limits);
  if (!o.prefill.empty() || !o.decode.empty()) {
    if (!o.tp.empty() || o.pp != "1" || o.dp != "1" || o.ep != "1") {
      throw usage_error(
          "--tp/--pp/--dp/--ep: with --prefill and --decode, give each side's layout in its SPEC");
    }
    DisaggregatedRequest r;
    r.prefill_spec = o.prefill;
    r.decode_spec = o.decode;
    r.base = Deployment{&model.model, &hw, weights_precision(o, model.model, hw), kv.kv};
    r.workload = w;
    r.concurrency = concurrency;
    r.qps = qps;
    r.efficiency = &eff;
    r.limits = limits;
    r.view.engine = o.engine;
    r.view.bounds = resolved.bounds;
    r.view.evidence = resolved.evidence;
    r.view.evidence_basis = resolved.basis;
    r.view.notes = catalog.notes;
    for (const auto& warning : model.model.warnings) r.view.notes.push_back("model: " + warning);
    r.view.notes.push_back("kv precision: " + kv.why);
    r.view.notes.push_back(engine_note(o, limits, eff));
    r.format = format;
    r.style = output_style(global, s);
    return run_disaggregated(std::move(r), s);
  }
  render::EstimateView v;
  v.deployment = build_deployment(o, model.model, hw, w, eff, kv);
  if (auto spec = parse_speculation(o.speculative, o.acceptance, model.model, data / "models")) {
    v.deployment.speculation = *spec;
  }
  v.workload = w;
  v.engine = o.engine;
  v.concurrency = concurrency;
  v.memory = plan_memory(v.deployment, w, eff);
  v.bounds = resolved.bounds;
  v.evidence = resolved.evidence;
  v.evidence_basis = resolved.basis;
  v.notes = catalog.notes;
  if (!defaults.empty()) v.notes.push_back(defaults);
  for (const auto& warning : model.model.warnings) v.notes.push_back("model: " + warning);
  v.notes.push_back("kv precision: " + kv.why);
  if (const auto g = v.deployment.gguf ? gguf_layout(model.model, *v.deployment.gguf) : std::nullopt) {
    v.notes.push_back(
        fmt::format("weights: llama.cpp GGUF {}, {:.3f} bits per layer weight, LM head {:.4g} "
                    "(llama-quantize's tensor mix, src/core/gguf_mix.cpp)",
                    g->format, g->body * 8, g->head * 8));
  }
  if (resolved.evidence == Evidence::calibrated) v.notes.push_back(resolved.basis);
  v.notes.push_back(engine_note(o, limits, eff));
  if (v.deployment.speculation.active()) v.notes.push_back(speculation_note(v.deployment.speculation));
  if (w.prefix_cache_hit > 0 || w.shared_prefix_tokens > 0) v.notes.push_back(prefix_cache_note(w));
  if (compute_precision(hw, v.deployment.weights) != v.deployment.weights) {
    v.notes.push_back(fmt::format(
        "{} is not native on {}: weight-only, as the engines' kernels run it: weights move at {} bits{} and "
        "are dequantized and multiplied at {}",
        to_string(v.deployment.weights), hw.id, element_bytes(v.deployment.weights) * 8,
        is_wide_float(v.deployment.weights) ? "" : " plus scales",
        to_string(*compute_precision(hw, v.deployment.weights))));
  }
  if (!v.memory.fits()) {
    v.bottleneck = "memory";
    v.notes.push_back(fmt::format(
        "{} of weights per device + {} reserve leave no room for one {}-token sequence in "
        "{} usable",
        fmt::format("{:.1f} GB", v.memory.weights_gb), fmt::format("{:.1f} GB", v.memory.reserve_gb),
        static_cast<long>(w.input_tokens + w.output_tokens), fmt::format("{:.1f} GB", v.memory.capacity_gb)));
    s.out << render_estimate(format, v, output_style(global, s));
    return static_cast<int>(ExitCode::no_solution);
  }
  // An engine that reserves each request's full length admits fewer at once.
  const long admitted =
      limits.reserve_full_length ? v.memory.max_full_length_sequences : v.memory.max_sequences;
  limits.kv_sequences = admitted;
  v.admitted = admitted;
  v.slots = static_cast<double>(limits.max_batch) * v.deployment.dp;
  if (qps) {
    open_loop(v, *qps, eff, limits, admitted);
  } else {
    closed_loop(v, concurrency, eff, limits, admitted);
    if (v.point->client_latency_s > 0)
      v.notes.push_back(fmt::format(
          "TTFT is the server's, as recommend and --qps give it: the closed-loop benchmark clients "
          "behind the calibration measured a further {:.0f} ms before the first token (HTTP, "
          "tokenization; JSON metrics.client_latency_ms)",
          v.point->client_latency_s * 1e3));
  }
  if (!o.plot.empty())
    io::write_text_file(o.plot, render::estimate_sweep_svg(concurrency_sweep(v, eff, limits)), "--plot");
  if (const auto target = emit_target(o.emit)) {
    s.out << render::emit(*target, plan_from_estimate(v, limits, model_ref(model), o.engine));
    return 0;
  }
  s.out << render_estimate(format, v, output_style(global, s));
  return 0;
}

}  // namespace

void setup_estimate(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* cmd =
      app.add_subcommand("estimate", "Predict one deployment: memory, TTFT, TPOT, throughput, error bands");
  auto o = std::make_shared<EstimateOptions>();
  cmd->add_option("-m,--model", o->model, "Catalog id, alias, Hugging Face id or size (or --model-config)");
  cmd->add_option("--model-config", o->model_config, "A Hugging Face config.json");
  cmd->add_option("--hardware", o->hardware, "Hardware id, e.g. h100-sxm")->required();
  cmd->add_option("--precision", o->precision,
                  "Weights: bf16, fp16, fp8, int8, int4, fp4, or on a CPU a GGUF type: q8_0, q4_0, q4_k_m, "
                  "q3_k_m (default: the checkpoint's, else bf16)");
  cmd->add_option(
         "--kv-precision", o->kv_precision,
         "KV cache: auto (the checkpoint's, else the engine's for these weights, else bf16), bf16, fp8, "
         "int8")
      ->capture_default_str();
  cmd->add_option("--vcpus", o->vcpus,
                  "CPUs only: a slice (instance) of this many vCPUs (default: the whole socket)");
  cmd->add_option("--tp", o->tp, "Tensor parallel size (default: the smallest that fits)");
  cmd->add_option("--pp", o->pp, "Pipeline stages")->capture_default_str();
  cmd->add_option("--ep", o->ep, "Expert parallel size (MoE)")->capture_default_str();
  cmd->add_option("--dp", o->dp, "Attention data-parallel groups")->capture_default_str();
  cmd->add_option("--engine", o->engine, "vllm, sglang, trtllm, llama.cpp, jetstream, other (default: any)");
  cmd->add_option("--input-tokens", o->input_tokens,
                  "Prompt tokens per request (default 1024, as recommend)");
  cmd->add_option("--output-tokens", o->output_tokens,
                  "Generated tokens per request (default 256, as recommend)");
  cmd->add_option("--concurrency", o->concurrency,
                  "Requests in flight (closed loop), or max (as many as fit; the default without --qps)");
  cmd->add_option("--qps", o->qps,
                  "Requests per second arriving at random (open loop, Poisson); instead of --concurrency");
  cmd->add_option(
      "--max-batch", o->max_batch,
      "Running requests per engine instance (vLLM max_num_seqs, TensorRT-LLM max_batch_size, llama.cpp "
      "--parallel; default: the engine's)");
  cmd->add_option("--max-batched-tokens", o->max_batched_tokens,
                  "Tokens per engine step (vLLM max_num_batched_tokens, TensorRT-LLM max_num_tokens, SGLang "
                  "chunked_prefill_size; default: the engine's)");
  cmd->add_option(
      "--gpu-memory-utilization", o->gpu_memory_utilization,
      "Share of device memory the engine takes (vLLM gpu_memory_utilization, SGLang mem_fraction_static; "
      "TensorRT-LLM: free_gpu_memory_fraction, of what the weights leave; default: the engine's)");
  cmd->add_option("--prefill", o->prefill,
                  "Disaggregated: the prefill workers, SPEC workers=N,tp=T,dp=D,ep=E,pp=P (omitted keys 1); "
                  "with --decode");
  cmd->add_option("--decode", o->decode,
                  "Disaggregated: the decode workers, SPEC as --prefill; TTFT adds the KV transfer");
  add_speculation_flags(
      *cmd, *o,
      "Speculative decoding: mtp, eagle or draft:MODEL, each with an optional :K draft tokens "
      "(default K: mtp 1, eagle 3, draft 4)");
  cmd->add_option("--format", o->format, "table, json, csv or markdown")->capture_default_str();
  cmd->add_option(
      "--plot", o->plot,
      "With --sweep concurrency: write an SVG of TTFT, TPOT and throughput against requests in flight");
  cmd->add_option("--sweep", o->sweep, "What --plot sweeps: concurrency (1, 2, 4, ... up to what fits)");
  cmd->add_option(
      "--emit", o->emit,
      "Print the launch command or manifest instead: vllm, sglang, trtllm, llama.cpp or k8s, with the "
      "flags the estimate assumed (docs/deploy.md)");
  cmd->footer(
      "Exit 0 with a prediction, 3 when the weights do not fit or --qps exceeds what the deployment "
      "sustains.\n"
      "Examples:\n"
      "  llmhw estimate --model llama-3.1-70b --hardware h100-sxm --tp 4 --precision fp8 \\\n"
      "      --input-tokens 1024 --output-tokens 256 --concurrency 64 --engine trtllm\n"
      "  llmhw estimate --model deepseek-v3 --hardware b200 --tp 8 --input-tokens 1024 --output-tokens 1024 "
      "\\\n"
      "      --concurrency max --format json\n"
      "  llmhw estimate --model deepseek-r1 --hardware gb200 --engine trtllm --input-tokens 1024 \\\n"
      "      --output-tokens 1024 --concurrency 256 --prefill workers=2,tp=4,ep=4 --decode tp=8,dp=4,ep=32\n"
      "  llmhw estimate --model gpt-oss-120b --hardware h100-sxm --engine vllm --input-tokens 1024 \\\n"
      "      --output-tokens 256 --qps 8\n"
      "  llmhw estimate --model 8b --hardware l4 --input-tokens 512 --output-tokens 128 --concurrency 8 \\\n"
      "      --format csv\n"
      "  llmhw estimate --model llama-3.1-8b --hardware graviton3 --vcpus 8 --precision int4 --engine "
      "llama.cpp \\\n"
      "      --input-tokens 16 --output-tokens 128 --concurrency 1\n"
      "  llmhw estimate --model 70b --hardware h100-sxm --tp 4 --precision fp8 --emit vllm");
  cmd->callback(
      [&action, o, &global] { action = [o, &global](Streams& s) { return run_estimate(*o, global, s); }; });
}

}  // namespace llmhw::cli
