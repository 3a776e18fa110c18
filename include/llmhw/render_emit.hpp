#pragma once
// `--emit`: the launch command of a serving engine, or a Kubernetes manifest, for one deployment,
// with the engine flags set to what the estimate assumed (docs/deploy.md). Pure: text in, text
// out; the CLI prints it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/estimate.hpp"

namespace llmhw::render {

enum class EmitTarget { vllm, sglang, trtllm, llama_cpp, k8s };
// "vllm", "sglang", "trtllm", "llama.cpp", "k8s"; nullopt otherwise.
std::optional<EmitTarget> parse_emit_target(std::string_view text);
const char* to_string(EmitTarget t);
inline constexpr const char* kEmitTargets = "vllm, sglang, trtllm, llama.cpp, k8s";

// k8s under a load profile (recommend --load-profile): a HorizontalPodAutoscaler whose bounds are
// the day plan's schedule, from its quietest period's replicas to its busiest's.
struct Autoscaling {
  long min_replicas = 1;  // the schedule's floor (the fewest replicas of any period)
  long max_replicas = 1;  // the schedule's peak (the most replicas of any period)
  std::string profile;    // the load profile's file, for the comment
  // Requests in flight per replica at the peak with the peak's replicas: the operating point the
  // sizing chose (its headroom included), which the HPA holds each replica at.
  double target_running = 1;
};

// Everything an emitter needs: the deployment as estimated, its memory plan and engine limits,
// and the predictions for the header comment.
struct EmitPlan {
  Deployment deployment;   // model, hardware, precisions and layout (model and hardware non-null)
  std::string model_ref;   // what the engine loads: the Hugging Face id, else the catalog id
  std::string model_note;  // a comment when model_ref is not loadable as is (a --model size)
  Workload workload;
  MemoryPlan memory;  // per device, as the estimate planned it
  // Running sequences per attention data-parallel group the estimate let each replica hold
  // (vLLM max_num_seqs, SGLang max_running_requests, TensorRT-LLM max_batch_size, llama.cpp -np).
  int max_num_seqs = 1;
  int max_num_tokens = 8192;  // tokens per engine step
  long replicas = 1;
  double ttft_s = 0, tpot_s = 0;
  double capacity_rps = 0;                 // requests/s one replica serves at capacity_concurrency
  double capacity_concurrency = 0;         // requests in flight per replica at that rate
  std::string origin;                      // "recommend rank 1", "estimate": for the header
  std::string engine_for_manifest;         // k8s: the engine the pods run ("" = the kind's usual one)
  std::string instance_type;               // k8s: the instance the fleet rents ("" = unknown)
  std::optional<Autoscaling> autoscaling;  // k8s: also a HorizontalPodAutoscaler
};

// An engine's share of device memory that yields the plan's KV budget: vLLM
// gpu_memory_utilization (weights, activations and KV of the whole device), SGLang
// mem_fraction_static (weights and KV pool; activations outside), TensorRT-LLM
// free_gpu_memory_fraction (KV share of what the weights and buffers leave).
double vllm_memory_utilization(const EmitPlan& p);
double sglang_mem_fraction_static(const EmitPlan& p);
double trtllm_free_gpu_memory_fraction(const EmitPlan& p);

// The launch command (or manifest) as text, with the comment header. Throws usage_error naming
// --emit when the engine does not run on the hardware or cannot run the plan's precisions.
std::string emit(EmitTarget target, const EmitPlan& p);

// One engine invocation, for the shell and for a container spec.
struct EngineCommand {
  std::string engine;              // "vllm", "sglang", "trtllm", "llama.cpp"
  std::vector<std::string> argv;   // program and arguments
  size_t head = 0;                 // words on the shell command's first line (0 = up to the first flag)
  std::vector<std::string> notes;  // comment lines (why a flag, what to provide)
  std::string config_name;         // TensorRT-LLM: a YAML file the command reads (--config)
  std::string config_text;
  int port = 8000;
  std::string health_path = "/health";
  std::string image;  // container image
};
EngineCommand engine_command(EmitTarget engine, const EmitPlan& p);
std::string emit_k8s(const EmitPlan& p);
// The comment header every output starts with (`prefix`: "# ").
std::string emit_header(const EmitPlan& p, std::string_view what);

}  // namespace llmhw::render
