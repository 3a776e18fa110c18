#pragma once
// The performance model of one deployment: memory, prefill, decode step and serving at a
// concurrency. Pure functions of plain structs; docs/estimation.md derives every formula.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/gguf_mix.hpp"
#include "llmhw/hardware.hpp"
#include "llmhw/model.hpp"
#include "llmhw/precision.hpp"
#include "llmhw/speculative.hpp"

namespace llmhw {

// How much of the datasheet peak real engines reach, and fixed costs. Values live in
// data/efficiency.json (per device kind), never in code; these defaults are only for tests.
struct Efficiency {
  double memory_bandwidth = 1.0;   // fraction of peak bandwidth when streaming weights and KV
  double decode_compute = 1.0;     // fraction of peak matrix FLOP/s in decode steps
  double prefill_compute = 1.0;    // fraction of peak matrix FLOP/s in prefill
  double step_overhead_ms = 0.0;   // scheduling and sampling per engine step
  double layer_overhead_us = 0.0;  // kernel launches and syncs per layer per engine step
  // Host work per running sequence per decode step (scheduling, sampling, detokenizing and
  // streaming its token); it does not shrink with tensor parallelism.
  double sequence_overhead_us = 0.0;
  // Share of the matrix work that runs at the peak of an 8-bit or narrower compute precision;
  // the rest (attention, activation quantization, norms, routing) runs at the 16-bit peak.
  double quantized_share = 1.0;
  // Closed-loop benchmarks only: time to a request's first token spent outside the engine's
  // steps (HTTP, tokenization, admission, streaming the token back). Fitted per group and engine.
  double request_latency_ms = 0.0;
  double usable_memory_fraction = 1;  // share of device memory the engine may allocate
  // The fraction applies to what the weights and the reserve leave, and all of it goes to the KV
  // cache (TensorRT-LLM's free_gpu_memory_fraction), instead of to the whole device memory.
  bool usable_fraction_of_free = false;
  double reserve_gb = 0.0;           // activations, graphs, communication buffers per device
  double collective_latency_us = 0;  // fixed cost of one all-reduce
  // Fraction of the datasheet link bandwidth (per direction) that collectives and pipeline hops
  // reach; fitted per hardware group (PCIe systems reach much less than NVLink ones).
  double interconnect_bandwidth = 1.0;
  // Closed-loop benchmarks only: how much of a wave of arrivals prefills ahead of a request
  // (1 = all requests arrive together and wait for the whole wave on average; 0 = arrivals are
  // staggered and each waits only for its own prefill). Fitted per hardware group and engine.
  double wave_synchronization = 1.0;
};

struct Workload {
  double input_tokens = 1024;
  double output_tokens = 256;
  // Prefix caching (prefix_cache.hpp): the share of prompt tokens served from the cache, and a
  // prefix (system prompt) every request shares, cached and held in the KV cache once.
  double prefix_cache_hit = 0;
  double shared_prefix_tokens = 0;
};

// One replica: a model on `devices()` devices of one hardware, at a precision and parallelism.
// Attention and dense layers are split over `tp` ranks and replicated over `dp` attention
// data-parallel groups (each serving its own share of the sequences); routed experts are split
// over moe_tp x moe_ep ranks (moe_tp x moe_ep = tp x dp); `pp` pipeline stages split the layers.
struct Deployment {
  const Model* model = nullptr;
  const Hardware* hardware = nullptr;
  Precision weights = Precision::bf16;
  Precision kv = Precision::bf16;
  int tp = 1;
  int pp = 1;
  int dp = 1;
  int moe_tp = 0;  // 0 = tp x dp (experts sharded like dense layers)
  int moe_ep = 1;
  // Running sequences the engine allows per attention data-parallel group (its slots: vLLM
  // max_num_seqs, llama.cpp --parallel); 0 = limited by memory only. Sizing caps concurrency there.
  int max_batch = 0;
  // Tokens the engine schedules in one step (vLLM max_num_batched_tokens, SGLang
  // chunked_prefill_size, TensorRT-LLM max_num_tokens); decode tokens take their share first and
  // prompts fill the rest, chunked. 0 = no budget: a step takes whole prompts. Open loop only.
  int max_num_tokens = 0;
  // Open loop: engine steps already scheduled when a request arrives, which its first token waits
  // out besides the running one (1 for engines that schedule step N+1 while step N runs: vLLM's
  // async scheduling, SGLang's and TensorRT-LLM's overlap schedulers; 0 = none, llama.cpp).
  int steps_scheduled_ahead = 0;
  // Open loop: the server's time per request outside the engine's steps (its API server parsing
  // and tokenizing the request, handing it to the engine loop, detokenizing and streaming the
  // first token), in every TTFT.
  double frontend_latency_ms = 0;
  // The model's derived facts, when the caller has them (a search derives them once per model);
  // null = derived on each call.
  const ModelFacts* facts = nullptr;
  // Speculative decoding, when active: each decode step verifies K + 1 tokens per sequence after
  // K drafter steps, and keeps `acceptance` of them (speculative.hpp).
  Speculation speculation = {};
  // CPUs: the GGUF file type the weights are stored in (llama.cpp), where the user names one
  // (--precision q4_k_m); none = the precision's own layout (gguf.hpp: int8 as Q8_0, int4 as Q4_0).
  std::optional<GgufFileType> gguf = std::nullopt;
  int devices() const { return tp * pp * dp; }
  int expert_tp() const { return moe_tp > 0 ? moe_tp : tp * dp / moe_ep; }
};

// The deployment's model facts: the caller's (Deployment::facts), or derived into `local`.
const ModelFacts& facts_of(const Deployment& d, ModelFacts& local);

// The precision the matrix units compute in for weights stored at `weights`: the same when the
// device supports it natively; a 16-bit (CPU: fp32) float when the engine dequantizes
// (weight-only quantization); nullopt when the precision is not offered on the device.
std::optional<Precision> compute_precision(const Hardware& hw, Precision weights);

struct MemoryPlan {
  double weights_gb = 0;                  // per device
  double kv_gb_per_sequence = 0;          // per device, one sequence at its full context
  double kv_gb_per_running_sequence = 0;  // per device, one sequence at the mean context isl + osl/2
  double reserve_gb = 0;                  // per device
  double capacity_gb = 0;                 // usable per device
  long max_sequences = 0;                 // running sequences whose KV fits next to the weights
  long max_full_length_sequences = 0;     // the same, each reserving its full context
  bool fits() const { return max_sequences >= 1; }
};

MemoryPlan plan_memory(const Deployment& d, const Workload& w, const Efficiency& eff);
// Weight bytes of the whole model at the deployment's precision (all devices together).
double model_weight_bytes(const Deployment& d);

enum class Bottleneck { memory_bandwidth, compute, communication, overhead };
const char* to_string(Bottleneck b);

// Time of one engine step, split into its parts (seconds). Memory and compute overlap, so the
// step takes the larger of the two plus the parts that do not overlap.
struct StepTime {
  double memory_s = 0;
  double compute_s = 0;
  double communication_s = 0;
  double overhead_s = 0;
  double total_s() const;
  Bottleneck bottleneck() const;
};

// One decode step for `batch` sequences whose KV holds `context` tokens on average.
StepTime decode_step(const Deployment& d, double batch, double context, const Efficiency& eff);
// Prefill of `prompts` requests of `tokens` prompt tokens each, batched in one engine step, on
// each of `groups` attention data-parallel groups at once (their tokens share the experts).
StepTime prefill(const Deployment& d, double tokens, const Efficiency& eff, double prompts = 1,
                 double groups = 1);
// A mixed step, as engines with chunked prefill run it (vLLM V1, SGLang, TensorRT-LLM): the
// decode step of `batch` sequences at `context`, plus `prefill_tokens` prompt tokens (of one dp
// group) that attend to `prefill_context` earlier tokens on average. The prompt tokens ride on
// the step's weight read: they add their KV writes to its memory time, their FLOPs (at the
// prefill efficiency) to its compute time and their activations to its collectives, but no
// second weight read and no second step overhead (docs/estimation.md "Mixed steps").
StepTime mixed_step(const Deployment& d, double batch, double context, double prefill_tokens,
                    double prefill_context, const Efficiency& eff);
// Prefill of `new_tokens` after `cached_tokens` found in the prefix cache (prefix_cache.hpp).
StepTime prefill_with_cache(const Deployment& d, double new_tokens, double cached_tokens,
                            const Efficiency& eff);
// The decode step serving runs per output token: decode_step(), or with the deployment's
// speculation one verification step plus the drafter's, divided by the tokens kept per step.
StepTime speculative_decode_step(const Deployment& d, double batch, double context, const Efficiency& eff);

// Steady state of continuous batching with `concurrency` requests in flight (closed loop).
struct ServingPoint {
  double concurrency = 0;
  double requests_per_s = 0;
  double output_tokens_per_s = 0;
  double ttft_s = 0;
  double tpot_s = 0;
  // The closed-loop benchmark clients' own time before the first token (HTTP, tokenization:
  // Efficiency::request_latency_ms, fitted on their rows). Not in ttft_s, which is the server's,
  // as in recommend and estimate --qps: vLLM's open-loop runs on H100 measured 25-30 ms TTFT all
  // in for 7B models, less than this term alone (docs/estimation.md). The fit and the accuracy
  // report add it back when they compare with those clients' rows.
  double client_latency_s = 0;
  double prefill_share = 0;  // fraction of time the replica spends in prefill
  StepTime step;             // the decode step at this concurrency
  StepTime prompt;           // the prefill of one request
};

// Open loop: requests arrive at random (Poisson) and are admitted as they come; used to size
// deployments for a request rate (recommend, estimate --qps).
ServingPoint serve(const Deployment& d, const Workload& w, double concurrency, const Efficiency& eff);

// serve() at many concurrencies of one deployment and workload, as the search asks: what does
// not depend on the concurrency (the model facts, the prefill) is computed once. With
// `input_sd` > 0 the prompt lengths spread (normal) and the prefill time is their mean.
class OpenLoop {
 public:
  OpenLoop(const Deployment& d, const Workload& w, const Efficiency& eff, double input_sd = 0);
  OpenLoop(const OpenLoop&) = delete;  // `deployment_.facts` may point into this object
  OpenLoop& operator=(const OpenLoop&) = delete;
  ServingPoint at(double concurrency) const;
  // The open-loop point at a concurrency with what the queueing model needs beyond the means.
  struct Detail {
    ServingPoint point;
    double step_second_moment = 0;  // E[T^2] over engine steps, s^2
    // What an arrival waits out before its step: the running step's residual E[T^2] / 2E[T], plus
    // the steps the engine has already scheduled (ahead_s = steps_scheduled_ahead x E[T], when
    // the engine is busy: x (1 - e^-C) at C requests in flight).
    double residual_s = 0;
    double ahead_s = 0;
    // The step(s) that carry a request's prompt until its first token, over the prompt lengths.
    double first_step_mean_s = 0;
    double first_step_second_moment = 0;
    // A prompt's share of one step's token budget, in time (0 without a budget): the service
    // time of the budget seen as a server of prompts.
    double budget_service_s = 0;
    double budget_scv = 0;  // its squared coefficient of variation (from the prompt lengths)
  };
  Detail detail(double concurrency) const;
  // One request's prefill over the prompt-length distribution: E[S] and E[S^2], seconds.
  double prefill_mean_s() const { return prefill_mean_s_; }
  double prefill_second_moment() const { return prefill_second_moment_; }

 private:
  ModelFacts local_facts_;
  Deployment deployment_;
  Workload workload_;
  Efficiency efficiency_;
  double peak_flops_ = 0;
  StepTime prompt_;  // at the mean prompt length
  double prefill_mean_s_ = 0;
  double prefill_second_moment_ = 0;
  double input_sd_ = 0;
};

// What an engine batches in one step, how much memory it gives the KV cache and how it admits
// requests: the engine's defaults (data/efficiency.json "engines", each citing the engine's
// source), or the user's --max-batch, --max-batched-tokens and --gpu-memory-utilization.
struct EngineLimits {
  int max_batch = 1024;       // running sequences (vLLM max_num_seqs, TensorRT-LLM max_batch_size)
  int max_num_tokens = 8192;  // tokens per step (prefill chunk / max_num_batched_tokens)
  // Engines that size their batch by device memory (SGLang: chunked_prefill_size 16384 from
  // 160 GiB per device; vLLM: max_num_seqs 1024 and max_num_batched_tokens 8192 from 70 GiB,
  // A100s excepted): on devices with at least `large_memory_gb` whose id does not start with one
  // of `large_memory_excludes`, these instead (0 = no such rule / unchanged).
  double large_memory_gb = 0;
  int large_memory_max_num_tokens = 0;
  int large_memory_max_batch = 0;
  std::vector<std::string> large_memory_excludes = {};
  // The engine admits a request only when the KV of its full length (isl + osl) is free
  // (TensorRT-LLM's default GUARANTEED_NO_EVICT scheduler), so its KV capacity counts sequences at
  // their full length; otherwise at their mean length (vLLM admits on the prompt's blocks and
  // preempts to the front of its queue, SGLang reserves a share of the outputs; either way the
  // requests beyond the capacity queue: serve_closed_loop).
  bool reserve_full_length = false;
  // Share of device memory the engine allocates (vLLM gpu_memory_utilization, SGLang
  // mem_fraction_static; 0 = the efficiency's usable_memory_fraction); with `of_free`, the share
  // of the memory left after the weights that goes to the KV cache (TensorRT-LLM
  // free_gpu_memory_fraction).
  double memory_fraction = 0;
  bool memory_fraction_of_free = false;
  // The KV precision the engine picks for fp8/fp4 weights when the checkpoint declares none
  // (TensorRT-LLM serves NVIDIA's ModelOpt fp8/fp4 checkpoints, which declare fp8 KV); nullopt =
  // the model's 16-bit dtype (vLLM and SGLang kv_cache_dtype "auto").
  std::optional<Precision> kv_with_quantized_weights = std::nullopt;
  // Open loop (Deployment::steps_scheduled_ahead, Deployment::frontend_latency_ms): steps the
  // engine schedules ahead of the running one, and its API server's time per request.
  int steps_scheduled_ahead = 0;
  double frontend_latency_ms = 0;
  // Sequences whose KV fits at once, per replica (set by the caller from plan_memory: at the mean
  // length, or the full length for reserve_full_length engines); 0 = not limited by memory.
  long kv_sequences = 0;
};

// --kv-precision auto: the checkpoint's KV quantization where its config declares one, else what
// the engine runs for these weights, else bf16; `why` says which, for the notes.
struct KvChoice {
  Precision kv = Precision::bf16;
  std::string why;
};
KvChoice auto_kv_precision(const Model& m, Precision weights, const EngineLimits& engine,
                           std::string_view engine_name);

// Applies the deployment's memory to the engine's limits: the usable memory fraction the engine
// allocates, into a copy of `eff` for plan_memory.
Efficiency with_engine_memory(const Efficiency& eff, const EngineLimits& engine);

// Closed loop, as benchmarks run it: `concurrency` requests always in flight, all of one shape,
// so they arrive in groups: the engine prefills up to max_num_tokens / isl prompts in one step,
// and a group's prefill pauses the other groups' decoding (docs/estimation.md "Serving").
ServingPoint serve_closed_loop(const Deployment& d, const Workload& w, double concurrency,
                               const Efficiency& eff, const EngineLimits& limits);

}  // namespace llmhw
