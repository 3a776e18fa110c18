// `--emit vllm|sglang|trtllm|llama.cpp`: the engine's launch command with its flags set to what
// the estimate assumed. Every flag name was read in the engine's source (docs/deploy.md "Engine
// versions"):
//  - vLLM vllm/engine/arg_utils.py @99d7eb5 (EngineArgs.add_cli_args: --tensor-parallel-size,
//    --pipeline-parallel-size, --data-parallel-size, --enable-expert-parallel,
//    --distributed-executor-backend, --max-model-len, --quantization, --gpu-memory-utilization,
//    --kv-cache-dtype, --max-num-batched-tokens, --max-num-seqs), vllm/config/cache.py @c1d8642
//    (CacheDType: auto, bfloat16, fp8, ...), vllm/entrypoints/openai/cli_args.py @789340f
//    (positional model_tag, --host, --port default 8000);
//  - SGLang python/sglang/srt/server_args.py @001067f (ServerArgs fields: the flag is the field
//    name, tp_size -> --tp-size; --tp and --dp are not declared, only argparse prefixes);
//  - TensorRT-LLM tensorrt_llm/commands/serve.py @00209af;
//  - llama.cpp common/arg.cpp @c392e50 (ggerganov/llama.cpp, 2025-02-20).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "llmhw/error.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render_emit.hpp"

#ifndef LLMHW_VERSION
#define LLMHW_VERSION "0.0.0"
#endif

namespace llmhw::render {
namespace {

const char* engine_title(EmitTarget t) {
  switch (t) {
    case EmitTarget::vllm:
      return "vLLM";
    case EmitTarget::sglang:
      return "SGLang";
    case EmitTarget::trtllm:
      return "TensorRT-LLM";
    case EmitTarget::llama_cpp:
      return "llama.cpp";
    case EmitTarget::k8s:
      break;
  }
  return "Kubernetes";
}

bool listed(const Hardware& hw, std::string_view engine) {
  return std::find(hw.engines.begin(), hw.engines.end(), engine) != hw.engines.end();
}

// The engine must be one the hardware profile lists ("engines"): TensorRT-LLM only on NVIDIA,
// vLLM on TPUs only as its TPU build (vllm-tpu).
void check_runs(EmitTarget t, const Hardware& hw) {
  const std::string name = to_string(t);
  if (t == EmitTarget::trtllm && hw.vendor != "nvidia") {
    throw usage_error(fmt::format("--emit trtllm: TensorRT-LLM runs on NVIDIA GPUs only, not on {} ({} {})",
                                  hw.id, hw.vendor,
                                  hw.kind == DeviceKind::gpu ? "GPU" : std::string(to_string(hw.kind))));
  }
  if (listed(hw, name) || (t == EmitTarget::vllm && listed(hw, "vllm-tpu"))) return;
  throw usage_error(
      fmt::format("--emit {}: {} does not run on {} (its profile lists: {})", name, engine_title(t), hw.id,
                  hw.engines.empty() ? std::string("none") : fmt::format("{}", fmt::join(hw.engines, ", "))));
}

// Floor to 3 decimals: the engine never takes more memory than the estimate planned with.
double floor3(double x) {
  return std::floor(x * 1000 + 1e-9) / 1000;
}

std::string fraction(double x) {
  return fmt::format("{:g}", floor3(x));
}

int max_model_len(const EmitPlan& p) {
  return static_cast<int>(std::lround(p.workload.input_tokens + p.workload.output_tokens));
}

// A step must hold a whole prompt: the estimate prefills each prompt in one step.
int batched_tokens(const EmitPlan& p) {
  return std::max(p.max_num_tokens, static_cast<int>(std::ceil(p.workload.input_tokens)));
}

bool quantized_checkpoint_matches(const EmitPlan& p) {
  return p.deployment.model->checkpoint_precision == p.deployment.weights;
}

bool sixteen_bit(Precision p) {
  return p == Precision::bf16 || p == Precision::fp16 || p == Precision::fp32;
}

// Weights: the checkpoint's own quantization is read from its config; 16-bit checkpoints run as
// they are; fp8 from a 16-bit checkpoint is quantized when loading (vLLM and SGLang
// `--quantization fp8`); other formats need a checkpoint quantized to them.
void weights_flags(EmitTarget t, const EmitPlan& p, EngineCommand& c) {
  const Precision w = p.deployment.weights;
  if (quantized_checkpoint_matches(p)) {
    const Model& m = *p.deployment.model;
    const std::string& method = m.quantization_method.empty() ? m.checkpoint_dtype : m.quantization_method;
    if (!sixteen_bit(w))
      c.notes.push_back(fmt::format("weights {}: the checkpoint's own quantization{}, read from its config",
                                    to_string(w), method.empty() ? "" : " (" + method + ")"));
    return;
  }
  if (sixteen_bit(w)) return;
  if (w == Precision::fp8 && (t == EmitTarget::vllm || t == EmitTarget::sglang)) {
    c.argv.insert(c.argv.end(), {"--quantization", "fp8"});
    c.notes.push_back("weights fp8: quantized from the 16-bit checkpoint when loading (--quantization fp8)");
    return;
  }
  c.notes.push_back(fmt::format(
      "weights {}: point the model at a checkpoint quantized to {} ({}); the engine reads its quantization "
      "from the checkpoint's config",
      to_string(w), to_string(w),
      t == EmitTarget::trtllm ? "NVIDIA ModelOpt"
      : w == Precision::int4  ? "AWQ or GPTQ"
                              : "llm-compressor or ModelOpt"));
}

void kv_unsupported(EmitTarget t, Precision kv, const char* offered) {
  throw usage_error(
      fmt::format("--emit {}: the estimate assumed a {} KV cache, which {} does not offer ({}); "
                  "estimate again with --kv-precision bf16 or fp8",
                  to_string(t), to_string(kv), engine_title(t), offered));
}

void add(EngineCommand& c, std::string flag, const std::string& value) {
  c.argv.push_back(std::move(flag));
  c.argv.push_back(value);
}
void add(EngineCommand& c, std::string flag, long value) {
  add(c, std::move(flag), std::to_string(value));
}

EngineCommand command(std::string engine, std::vector<std::string> argv) {
  EngineCommand c;
  c.engine = std::move(engine);
  c.argv = std::move(argv);
  return c;
}

bool multi_node(const EmitPlan& p) {
  return p.deployment.devices() > p.deployment.hardware->devices_per_node;
}

EngineCommand vllm_command(const EmitPlan& p) {
  const Deployment& d = p.deployment;
  EngineCommand c = command("vllm", {"vllm", "serve", p.model_ref});
  add(c, "--tensor-parallel-size", d.tp);
  add(c, "--pipeline-parallel-size", d.pp);
  if (d.dp > 1) add(c, "--data-parallel-size", d.dp);
  if (d.moe_ep > 1) {
    c.argv.push_back("--enable-expert-parallel");
    if (d.moe_ep != d.tp * d.dp)
      c.notes.push_back(
          fmt::format("vLLM spreads the experts over all tp x dp = {} ranks; the estimate assumed EP={}",
                      d.tp * d.dp, d.moe_ep));
  }
  add(c, "--max-model-len", max_model_len(p));
  add(c, "--max-num-seqs", p.max_num_seqs);
  add(c, "--max-num-batched-tokens", batched_tokens(p));
  add(c, "--gpu-memory-utilization", fraction(vllm_memory_utilization(p)));
  if (d.kv == Precision::int8) kv_unsupported(EmitTarget::vllm, d.kv, "auto, bfloat16, fp8");
  add(c, "--kv-cache-dtype", d.kv == Precision::fp8 ? "fp8" : "auto");
  weights_flags(EmitTarget::vllm, p, c);
  if (multi_node(p)) {
    add(c, "--distributed-executor-backend", "ray");
    c.notes.push_back(fmt::format(
        "{} devices per replica span {} nodes: start a Ray cluster over them first (ray start)", d.devices(),
        (d.devices() + d.hardware->devices_per_node - 1) / d.hardware->devices_per_node));
  }
  if (d.hardware->kind == DeviceKind::tpu) c.notes.push_back("runs on vLLM's TPU build (vllm-tpu)");
  if (d.hardware->kind == DeviceKind::accelerator)
    c.notes.push_back(
        fmt::format("runs on {}'s build of vLLM for {} (its plugin and image), not the CUDA one",
                    d.hardware->vendor, d.hardware->id));
  add(c, "--host", "0.0.0.0");
  add(c, "--port", 8000);
  c.port = 8000;
  c.image = d.hardware->kind == DeviceKind::tpu ? "vllm/vllm-tpu:latest"
            : d.hardware->vendor == "amd"       ? "rocm/vllm:latest"
                                                : "vllm/vllm-openai:latest";
  return c;
}

EngineCommand sglang_command(const EmitPlan& p) {
  const Deployment& d = p.deployment;
  EngineCommand c = command("sglang", {"python3", "-m", "sglang.launch_server", "--model-path", p.model_ref});
  c.head = 3;
  // With attention data parallelism SGLang's --tp-size counts every rank of the replica and
  // --dp-size the attention groups among them (--enable-dp-attention). The declared names, not
  // the --tp/--dp of SGLang's docs: those parse only as argparse prefixes (server_args.py @001067f).
  add(c, "--tp-size", d.tp * d.dp);
  if (d.pp > 1) add(c, "--pp-size", d.pp);
  if (d.dp > 1) {
    add(c, "--dp-size", d.dp);
    c.argv.push_back("--enable-dp-attention");
  }
  if (d.moe_ep > 1) add(c, "--ep-size", d.moe_ep);
  add(c, "--context-length", max_model_len(p));
  add(c, "--max-running-requests", static_cast<long>(p.max_num_seqs) * d.dp);
  add(c, "--chunked-prefill-size", batched_tokens(p));
  add(c, "--mem-fraction-static", fraction(sglang_mem_fraction_static(p)));
  if (d.kv == Precision::int8) kv_unsupported(EmitTarget::sglang, d.kv, "auto, bf16, fp8_e4m3, fp8_e5m2");
  add(c, "--kv-cache-dtype", d.kv == Precision::fp8 ? "fp8_e4m3" : "auto");
  weights_flags(EmitTarget::sglang, p, c);
  if (multi_node(p)) {
    const int nodes = (d.devices() + d.hardware->devices_per_node - 1) / d.hardware->devices_per_node;
    add(c, "--nnodes", nodes);
    add(c, "--node-rank", "${NODE_RANK}");
    add(c, "--dist-init-addr", "${LEADER_ADDRESS}:5000");
    c.notes.push_back(
        fmt::format("spans {} nodes: run this on each with NODE_RANK 0..{} and LEADER_ADDRESS "
                    "the first node's address",
                    nodes, nodes - 1));
  }
  add(c, "--host", "0.0.0.0");
  add(c, "--port", 30000);
  c.port = 30000;
  c.image = d.hardware->vendor == "amd" ? "lmsysorg/sglang:latest-rocm" : "lmsysorg/sglang:latest";
  return c;
}

EngineCommand trtllm_command(const EmitPlan& p) {
  const Deployment& d = p.deployment;
  EngineCommand c = command("trtllm", {"trtllm-serve", "serve", p.model_ref});
  add(c, "--backend", "pytorch");
  add(c, "--tp_size", d.tp * d.dp);
  add(c, "--pp_size", d.pp);
  if (d.moe_ep > 1) add(c, "--ep_size", d.moe_ep);
  add(c, "--max_batch_size", p.max_num_seqs);
  add(c, "--max_num_tokens", batched_tokens(p));
  add(c, "--max_seq_len", max_model_len(p));
  add(c, "--kv_cache_free_gpu_memory_fraction", fraction(trtllm_free_gpu_memory_fraction(p)));
  if (d.kv == Precision::int8) kv_unsupported(EmitTarget::trtllm, d.kv, "auto, fp8, nvfp4");
  // trtllm-serve has no flag for the KV dtype or attention data parallelism: they go in the YAML
  // its --config reads (LLM API options kv_cache_config.dtype and enable_attention_dp).
  std::string config;
  if (d.kv == Precision::fp8) config += "kv_cache_config:\n  dtype: fp8\n";
  if (d.dp > 1) config += "enable_attention_dp: true\n";
  if (!config.empty()) {
    c.config_name = "llmhw-trtllm.yaml";
    c.config_text = config;
    add(c, "--config", c.config_name);
  }
  if (d.kv != Precision::fp8)
    c.notes.push_back(
        "KV cache: the model's dtype (kv_cache_config.dtype auto; a checkpoint declaring fp8 KV "
        "would use fp8)");
  weights_flags(EmitTarget::trtllm, p, c);
  if (multi_node(p))
    c.notes.push_back("spans several nodes: launch with mpirun or srun over them (trtllm-llmapi-launch)");
  add(c, "--host", "0.0.0.0");
  add(c, "--port", 8000);
  c.port = 8000;
  c.image = "nvcr.io/nvidia/tensorrt-llm/release:latest";
  return c;
}

// GGUF types for llmhw's precisions: Q8_0 and Q4_0 store 8 and 4 bits per weight plus one fp16
// scale per 32 (the "plus scales" of the estimate's weight-only formats).
const char* gguf_type(Precision w) {
  switch (w) {
    case Precision::bf16:
      return "BF16";
    case Precision::fp16:
      return "F16";
    case Precision::int8:
      return "Q8_0";
    case Precision::int4:
      return "Q4_0";
    default:
      return nullptr;
  }
}

EngineCommand llama_cpp_command(const EmitPlan& p) {
  const Deployment& d = p.deployment;
  const Hardware& hw = *d.hardware;
  // A GGUF file type the user named (--precision q4_k_m) is the one llama-quantize writes.
  const char* type = d.gguf ? to_string(*d.gguf).data() : gguf_type(d.weights);
  if (!type) {
    throw usage_error(
        fmt::format("--emit llama.cpp: llama.cpp has no {} weights (GGUF offers bf16, f16, q8_0, "
                    "q4_0, ...); estimate again with --precision int8 or int4",
                    to_string(d.weights)));
  }
  if (d.kv == Precision::fp8) kv_unsupported(EmitTarget::llama_cpp, d.kv, "f16, bf16, q8_0, q4_0");
  const std::string file = fmt::format("/models/{}-{}.gguf", d.model->id, type);
  EngineCommand c = command("llama.cpp", {"llama-server", "-m", file});
  c.notes.push_back(fmt::format("{}: convert {} with convert_hf_to_gguf.py, then llama-quantize to {}", file,
                                p.model_ref, type));
  const bool cpu = hw.kind == DeviceKind::cpu;
  add(c, "-ngl", cpu ? 0 : 999);  // all layers on the device, as the estimate places them
  // One unified KV cache shared by the slots: room for each slot's whole sequence.
  add(c, "-c", static_cast<long>(max_model_len(p)) * p.max_num_seqs);
  add(c, "-np", p.max_num_seqs);
  add(c, "-b", batched_tokens(p));
  if (cpu) {
    const int cores = hw.cpu.cores > 0 ? hw.cpu.cores : std::max(1, hw.vcpus);
    add(c, "-t", static_cast<long>(cores) * d.devices());  // llama.cpp runs best on physical cores
    if (d.devices() > 1) add(c, "--numa", "distribute");
  } else if (d.devices() > 1) {
    add(c, "--split-mode", "row");
    c.notes.push_back(
        fmt::format("llama.cpp splits rows over the {} devices; it has no tensor parallelism like "
                    "the estimate's TP={}, so expect it slower than predicted",
                    d.devices(), d.tp));
  }
  if (d.kv == Precision::int8) {
    add(c, "-ctk", "q8_0");
    add(c, "-ctv", "q8_0");
  }
  add(c, "--host", "0.0.0.0");
  add(c, "--port", 8080);
  c.port = 8080;
  c.image = cpu                     ? "ghcr.io/ggml-org/llama.cpp:server"
            : hw.vendor == "nvidia" ? "ghcr.io/ggml-org/llama.cpp:server-cuda"
            : hw.vendor == "amd"    ? "ghcr.io/ggml-org/llama.cpp:server-rocm"
                                    : "ghcr.io/ggml-org/llama.cpp:server-vulkan";
  return c;
}

// A shell word: bare when safe, else single-quoted ($ kept for the variables the notes name).
std::string shell_word(const std::string& w) {
  const bool safe = std::all_of(w.begin(), w.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) ||
           std::string_view("-_./:=,@+${}").find(ch) != std::string_view::npos;
  });
  return safe ? w : "'" + w + "'";
}

std::string shell_command(const EngineCommand& c) {
  std::string out;
  size_t i = 0;
  // The program and its positional words on the first line, then one flag (and value) a line.
  while (i < c.argv.size() && (i == 0 || i < c.head || (c.head == 0 && c.argv[i].rfind('-', 0) != 0))) {
    if (i) out += ' ';
    out += shell_word(c.argv[i]);
    ++i;
  }
  // Appended piecewise: GCC 12's -Wrestrict misfires on `literal + std::string` here.
  while (i < c.argv.size()) {
    out += " \\\n  ";
    out += shell_word(c.argv[i++]);
    while (i < c.argv.size() && c.argv[i].rfind('-', 0) != 0) {
      out += ' ';
      out += shell_word(c.argv[i++]);
    }
  }
  return out + "\n";
}

}  // namespace

std::optional<EmitTarget> parse_emit_target(std::string_view text) {
  for (EmitTarget t :
       {EmitTarget::vllm, EmitTarget::sglang, EmitTarget::trtllm, EmitTarget::llama_cpp, EmitTarget::k8s}) {
    if (text == to_string(t)) return t;
  }
  return std::nullopt;
}

const char* to_string(EmitTarget t) {
  switch (t) {
    case EmitTarget::vllm:
      return "vllm";
    case EmitTarget::sglang:
      return "sglang";
    case EmitTarget::trtllm:
      return "trtllm";
    case EmitTarget::llama_cpp:
      return "llama.cpp";
    case EmitTarget::k8s:
      break;
  }
  return "k8s";
}

double vllm_memory_utilization(const EmitPlan& p) {
  return p.memory.capacity_gb / p.deployment.hardware->memory_gb;
}

double sglang_mem_fraction_static(const EmitPlan& p) {
  return (p.memory.capacity_gb - p.memory.reserve_gb) / p.deployment.hardware->memory_gb;
}

double trtllm_free_gpu_memory_fraction(const EmitPlan& p) {
  const double free_gb = p.deployment.hardware->memory_gb - p.memory.weights_gb - p.memory.reserve_gb;
  return (p.memory.capacity_gb - p.memory.weights_gb - p.memory.reserve_gb) / free_gb;
}

EngineCommand engine_command(EmitTarget engine, const EmitPlan& p) {
  check_runs(engine, *p.deployment.hardware);
  switch (engine) {
    case EmitTarget::vllm:
      return vllm_command(p);
    case EmitTarget::sglang:
      return sglang_command(p);
    case EmitTarget::trtllm:
      return trtllm_command(p);
    case EmitTarget::llama_cpp:
      return llama_cpp_command(p);
    case EmitTarget::k8s:
      break;
  }
  throw usage_error("--emit: k8s is a manifest, not an engine");
}

std::string emit_header(const EmitPlan& p, std::string_view what) {
  const Deployment& d = p.deployment;
  const Model& m = *d.model;
  const Hardware& hw = *d.hardware;
  std::string out = fmt::format("# {}: generated by llmhw {} ({})\n", what, LLMHW_VERSION, p.origin);
  out += fmt::format("# model: {}{}\n", m.id, p.model_ref != m.id ? fmt::format(" ({})", p.model_ref) : "");
  if (!p.model_note.empty()) out += "# " + p.model_note + "\n";
  out +=
      fmt::format("# hardware: {} x {} per replica ({}), {} replica{}{}; weights {}, KV cache {}\n",
                  d.devices(), hw.id, layout(d), p.replicas, p.replicas == 1 ? "" : "s",
                  p.autoscaling ? " at the load profile's peak" : "", to_string(d.weights), to_string(d.kv));
  out += fmt::format("# workload: {:g} prompt + {:g} output tokens per request\n", p.workload.input_tokens,
                     p.workload.output_tokens);
  out += fmt::format(
      "# predicted: TTFT {:.0f} ms, TPOT {:.1f} ms; capacity {:.3g} req/s per replica ({:.3g} req/s in all) "
      "with "
      "{} requests in flight each\n",
      p.ttft_s * 1e3, p.tpot_s * 1e3, p.capacity_rps, p.capacity_rps * static_cast<double>(p.replicas),
      p.capacity_concurrency >= 100 ? fmt::format("{:.0f}", p.capacity_concurrency)
                                    : fmt::format("{:.3g}", p.capacity_concurrency));
  return out;
}

std::string emit(EmitTarget target, const EmitPlan& p) {
  if (target == EmitTarget::k8s) return emit_k8s(p);
  const EngineCommand c = engine_command(target, p);
  std::string out = emit_header(p, fmt::format("{} launch command", engine_title(target)));
  for (const auto& note : c.notes) out += "# " + note + "\n";
  if (p.replicas > 1)
    out += fmt::format("# run {} replicas of this command behind a load balancer\n", p.replicas);
  if (!c.config_name.empty()) out += fmt::format("cat > {} <<'EOF'\n{}EOF\n", c.config_name, c.config_text);
  return out + shell_command(c);
}

}  // namespace llmhw::render
