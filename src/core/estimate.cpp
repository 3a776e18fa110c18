#include "llmhw/estimate.hpp"

#include <algorithm>
#include <cmath>

#include "llmhw/prefix_cache.hpp"

namespace llmhw {
namespace {

constexpr double kGB = 1e9;
constexpr double kActivationBytes = 2.0;  // activations travel in 16-bit between ranks

bool weight_only_offered(const Hardware& hw, Precision p) {
  // Engines dequantize int8/int4 weights in their GEMM kernels on every kind of device
  // (AWQ/GPTQ/Marlin on GPUs, llama.cpp Q8_0/Q4 on CPUs, int8 weights on TPUs); fp8 weight-only
  // exists on GPUs only (vLLM's FP8 Marlin for Ampere). fp4 (MXFP4/NVFP4) weights run weight-only
  // on GPUs without fp4 matrix units (vLLM's MXFP4 and NVFP4 Marlin kernels and the Triton
  // matmul_ogs MoE kernel gpt-oss uses on Hopper and Ampere dequantize to bf16) and on CPUs
  // (llama.cpp's MXFP4 type): the weights move at 4 bits plus scales, the math runs at 16 bits.
  if (p == Precision::int8 || p == Precision::int4) return true;
  if (p == Precision::fp4) return hw.kind == DeviceKind::gpu || hw.kind == DeviceKind::cpu;
  return p == Precision::fp8 && hw.kind == DeviceKind::gpu;
}

std::optional<Precision> widest_native_float(const Hardware& hw) {
  for (Precision p : {Precision::bf16, Precision::fp16, Precision::fp32}) {
    if (hw.peak_tflops(p)) return p;
  }
  return std::nullopt;
}

// Share of the KV cache one TP rank holds: KV heads split across ranks, replicated when TP
// exceeds their count; MLA's latent is not split by head, so every rank holds all of it.
double kv_shard_fraction(const Model& m, int tp) {
  if (m.mla || m.kv_heads <= 0) return 1.0;
  const double heads_per_rank = std::ceil(static_cast<double>(m.kv_heads) / tp);
  return heads_per_rank / m.kv_heads;
}

// Embedding and LM head stay at 16 bits when the rest is quantized, and at fp32 in fp32 models.
double unquantized_bytes(Precision p) {
  return std::max(element_bytes(p), element_bytes(Precision::bf16));
}

// Parameters kept in 16-bit when the rest is quantized: embedding, LM head and a vision encoder
// (engines and quantized checkpoints such as NVIDIA's FP8 Llama 3.1 leave them unquantized).
double weight_bytes_for(const ParameterCount& c, double quantized_params, Precision p) {
  const double unquantized = c.embedding + c.lm_head + c.vision;
  return quantized_params * weight_bytes_per_param(p) + unquantized * unquantized_bytes(p);
}

// Expected number of distinct routed experts `tokens` tokens touch: each token picks k of E,
// so an expert is missed with probability (1 - k/E)^tokens (uniform routing).
double distinct_experts(const MoeShape& e, double tokens) {
  if (e.experts <= 0) return 0;
  const double miss = std::pow(1.0 - static_cast<double>(e.experts_per_token) / e.experts, tokens);
  return e.experts * (1.0 - miss);
}

// The deployment's model facts: the caller's, or derived into `local`.
const ModelFacts& facts_of(const Deployment& d, ModelFacts& local) {
  if (d.facts) return *d.facts;
  local = derive_facts(*d.model);
  return local;
}

// What one device of a replica holds and does, from the model's parameter split.
struct Split {
  ParameterCount c;
  double routed_total = 0;  // all routed experts
  double dense_ranks = 1;   // ranks sharing the dense weights: tp x pp
  double expert_ranks = 1;  // ranks sharing the routed experts: moe_tp x moe_ep x pp
};

Split split_of(const Deployment& d, const ModelFacts& f) {
  Split s;
  s.c = f.params;
  s.routed_total = s.c.total - s.c.embedding - s.c.lm_head - s.c.dense_body - s.c.vision;
  s.dense_ranks = static_cast<double>(d.tp) * d.pp;
  s.expert_ranks = static_cast<double>(d.expert_tp()) * d.moe_ep * d.pp;
  return s;
}

// Weight bytes one device reads for a step in which `tokens` tokens (over all dp groups) pass
// the MoE layers. The input embedding is a lookup of a few rows, not a read; the LM head (or
// the tied embedding acting as it) is read whole.
double streamed_weight_bytes(const Deployment& d, const ModelFacts& f, double tokens) {
  const Model& m = *d.model;
  const Split s = split_of(d, f);
  const double head = m.tied_embeddings ? s.c.embedding : s.c.lm_head;
  const double dense =
      s.c.dense_body * weight_bytes_per_param(d.weights) + head * unquantized_bytes(d.weights);
  double routed = 0;
  if (m.moe)
    routed = s.c.moe_layers * s.c.per_expert * distinct_experts(*m.moe, tokens) *
             weight_bytes_per_param(d.weights);
  return dense / s.dense_ranks + routed / s.expert_ranks;
}

// FLOPs one device computes for `tokens` tokens (over all dp groups) at `context` earlier
// tokens: attention and dense matmuls within its dp group and TP shard, routed experts spread
// over all expert ranks.
double device_flops(const Deployment& d, const ModelFacts& f, double tokens, double context) {
  const Model& m = *d.model;
  const Split s = split_of(d, f);
  const double routed_active = s.c.active - s.c.embedding - s.c.lm_head - s.c.dense_body;
  const double dense_per_token =
      2.0 * (s.c.dense_body + static_cast<double>(m.vocab) * m.hidden) + f.attention_flops_per_token(context);
  return tokens / d.dp * dense_per_token / s.dense_ranks + tokens * 2.0 * routed_active / s.expert_ranks;
}

// Fixed cost of one engine step: scheduling and sampling once, plus kernel launches and
// synchronisation in every layer the step's tokens pass (all layers, also across pp stages).
double overhead_seconds(const Model& m, const Efficiency& eff) {
  return eff.step_overhead_ms * 1e-3 + eff.layer_overhead_us * 1e-6 * m.layers;
}

double peak_flops(const Deployment& d) {
  auto p = compute_precision(*d.hardware, d.weights);
  auto tflops = p ? d.hardware->peak_tflops(*p) : std::nullopt;
  return tflops.value_or(0.0) * 1e12;
}

// The rate of matrix work when only `share` of it runs at `peak` (a narrow precision's) and the
// rest at the device's 16-bit peak: time per FLOP share / peak + (1 - share) / peak_16 (Amdahl).
// Never above `peak`; equal to it when the compute precision is 16-bit or wider.
double mixed_peak(const Hardware& hw, double peak, double share) {
  const auto wide = widest_native_float(hw);
  const double peak_16 = wide ? hw.peak_tflops(*wide).value_or(0.0) * 1e12 : 0.0;
  if (share >= 1.0 || peak_16 <= 0 || peak_16 >= peak) return peak;
  return 1.0 / (share / peak + (1.0 - share) / peak_16);
}

// Devices joined by the fast interconnect (NVLink domain, TPU slice, node).
int fast_domain(const Hardware& hw) {
  const int fast = hw.fast_group_sizes.empty()
                       ? 1
                       : *std::max_element(hw.fast_group_sizes.begin(), hw.fast_group_sizes.end());
  return std::max({1, fast, hw.devices_per_node});
}

// Time to move `bytes` over one direction of a link at the share of its datasheet bandwidth that
// collectives reach; 0 for a link without a bandwidth figure.
double transfer_seconds(double bytes, const Link& link, const Efficiency& eff) {
  const double bw = link.gbps_per_direction * kGB * eff.interconnect_bandwidth;
  return bw > 0 ? bytes / bw : 0.0;
}

// A ring collective moves share x (n-1)/n of the message over each link (all-reduce: share 2,
// all-to-all: 1). Beyond the fast domain it runs hierarchically, as NCCL does: within each
// domain on the fast links, then between domains on the scale-out network, each device
// carrying its 1/domain slice of the message.
double collective_seconds(double message_bytes, int ranks, double share, const Hardware& hw,
                          const Efficiency& eff) {
  if (ranks <= 1) return 0;
  auto ring = [&](double bytes, int n, const Link& link) {
    return transfer_seconds(share * (n - 1.0) / n * bytes, link, eff);
  };
  const int domain = fast_domain(hw);
  if (ranks <= domain || !hw.scale_out)
    return eff.collective_latency_us * 1e-6 + ring(message_bytes, ranks, hw.interconnect);
  const int domains = (ranks + domain - 1) / domain;
  return 2 * eff.collective_latency_us * 1e-6 + ring(message_bytes, domain, hw.interconnect) +
         ring(message_bytes / domain, domains, *hw.scale_out);
}

// A pipeline stage hands its activations to the next: over the fast links within a node, over
// the scale-out network when the replica spans more than one fast domain (multi-node).
double stage_hop_seconds(const Deployment& d, double bytes, const Efficiency& eff) {
  const Hardware& hw = *d.hardware;
  const bool across_nodes = d.tp * d.pp > fast_domain(hw) && hw.scale_out;
  const Link& link = across_nodes ? *hw.scale_out : hw.interconnect;
  return eff.collective_latency_us * 1e-6 + transfer_seconds(bytes, link, eff);
}

// Tensor parallelism all-reduces after every mixer and MLP (two per standard layer) over the
// tokens of one dp group; expert parallelism dispatches and combines each token's activations
// to its top-k experts in every MoE layer. With attention data parallelism the expert shards
// span more ranks than one group's tp: each MoE layer gathers the tokens of the groups that share
// an expert-tensor-parallel group to its ranks and reduce-scatters the outputs back, which moves
// what one all-reduce of those tokens over those ranks moves.
double communication_seconds(const Deployment& d, const ModelFacts& f, double tokens, const Efficiency& eff) {
  const Model& m = *d.model;
  const Hardware& hw = *d.hardware;
  const double group_tokens = tokens / d.dp;
  double t = f.tensor_parallel_syncs *
             collective_seconds(group_tokens * m.hidden * kActivationBytes, d.tp, 2.0, hw, eff);
  if (m.moe && d.moe_ep > 1) {
    const double routed = group_tokens * m.moe->experts_per_token * m.hidden * kActivationBytes;
    t += f.params.moe_layers * 2.0 * collective_seconds(routed, d.moe_ep, 1.0, hw, eff);
  }
  const int expert_tp = d.expert_tp();
  if (m.moe && expert_tp > d.tp) {
    const double shared_tokens = group_tokens * expert_tp / d.tp;
    t += f.params.moe_layers *
         collective_seconds(shared_tokens * m.hidden * kActivationBytes, expert_tp, 2.0, hw, eff);
  }
  return t;
}

}  // namespace

std::optional<Precision> compute_precision(const Hardware& hw, Precision weights) {
  if (hw.peak_tflops(weights)) return weights;
  if (is_wide_float(weights) || weight_only_offered(hw, weights)) return widest_native_float(hw);
  return std::nullopt;
}

double model_weight_bytes(const Deployment& d) {
  const ParameterCount c = d.facts ? d.facts->params : count_parameters(*d.model);
  return weight_bytes_for(c, c.total - c.embedding - c.lm_head - c.vision, d.weights);
}

MemoryPlan plan_memory(const Deployment& d, const Workload& w, const Efficiency& eff) {
  ModelFacts local;
  const ModelFacts& f = facts_of(d, local);
  const Split s = split_of(d, f);
  const double bpp = weight_bytes_per_param(d.weights);
  const double unquantized = (s.c.embedding + s.c.lm_head + s.c.vision) * unquantized_bytes(d.weights);
  MemoryPlan plan;
  plan.weights_gb =
      ((s.c.dense_body * bpp + unquantized) / s.dense_ranks + s.routed_total * bpp / s.expert_ranks) / kGB;
  // A drafter's weights sit next to the target's, split like its dense layers.
  plan.weights_gb += drafter_parameters(d.speculation) * bpp / s.dense_ranks / kGB;
  const double context = w.input_tokens + w.output_tokens;
  const double per_device = kv_shard_fraction(*d.model, d.tp) / d.pp / kGB;
  // A prefix every request shares is held once per attention data-parallel group, not per
  // sequence (prefix caching); the drafter keeps KV of its own layers for every sequence.
  const double eb = element_bytes(d.kv);
  const double shared = f.kv_bytes_per_sequence(shared_prefix_tokens(w), eb) - f.kv_bytes_per_sequence(0, eb);
  const auto sequence_kv = [&](double tokens) {
    double bytes = f.kv_bytes_per_sequence(tokens, eb) - shared;
    if (d.speculation.active()) bytes += d.speculation.drafter_facts->kv_bytes_per_sequence(tokens, eb);
    return bytes * per_device;
  };
  plan.kv_gb_per_sequence = sequence_kv(context);
  // Paged KV caches (vLLM, SGLang, TensorRT-LLM) hold each sequence at its current length; with
  // requests at every stage of generation that averages isl + osl / 2 tokens per sequence.
  plan.kv_gb_per_running_sequence = sequence_kv(w.input_tokens + w.output_tokens / 2.0);
  plan.reserve_gb = eff.reserve_gb;
  plan.capacity_gb = d.hardware->memory_gb * eff.usable_memory_fraction;
  if (eff.usable_fraction_of_free) {
    const double free_gb = d.hardware->memory_gb - plan.weights_gb - plan.reserve_gb;
    plan.capacity_gb = plan.weights_gb + plan.reserve_gb + eff.usable_memory_fraction * free_gb;
  }
  const double kv_budget = plan.capacity_gb - plan.weights_gb - plan.reserve_gb - shared * per_device;
  // At least one sequence must fit at its full length.
  if (kv_budget >= plan.kv_gb_per_sequence && plan.kv_gb_per_running_sequence > 0) {
    // Each attention data-parallel group holds its own sequences.
    plan.max_sequences =
        static_cast<long>(std::min(1e9, std::floor(kv_budget / plan.kv_gb_per_running_sequence) * d.dp));
    plan.max_full_length_sequences =
        static_cast<long>(std::min(1e9, std::floor(kv_budget / plan.kv_gb_per_sequence) * d.dp));
  }
  return plan;
}

const char* to_string(Bottleneck b) {
  switch (b) {
    case Bottleneck::memory_bandwidth:
      return "memory-bandwidth";
    case Bottleneck::compute:
      return "compute";
    case Bottleneck::communication:
      return "communication";
    case Bottleneck::overhead:
      return "overhead";
  }
  return "?";
}

double StepTime::total_s() const {
  return std::max(memory_s, compute_s) + communication_s + overhead_s;
}

Bottleneck StepTime::bottleneck() const {
  const double roofline = std::max(memory_s, compute_s);
  if (communication_s > roofline && communication_s > overhead_s) return Bottleneck::communication;
  if (overhead_s > roofline) return Bottleneck::overhead;
  return memory_s >= compute_s ? Bottleneck::memory_bandwidth : Bottleneck::compute;
}

namespace {

// `peak` is peak_flops(d), which the callers compute once.
// `tokens_per_sequence` > 1: a speculative verification step (K + 1 tokens of each sequence pass
// the model; the KV read is the same).
StepTime decode_step(const Deployment& d, const ModelFacts& f, double peak, double batch, double context,
                     const Efficiency& eff, double tokens_per_sequence = 1) {
  // With pipeline stages, the batch moves through the stages in pp micro-batches; a token of
  // one micro-batch crosses every stage, so per token the replica reads all its weights as a
  // pp = 1 replica would, for batch / pp sequences (docs/estimation.md "Parallelism").
  Deployment stage = d;
  stage.pp = 1;
  const double micro_batch = batch / d.pp;
  const Model& m = *d.model;
  const double kv_bytes =
      micro_batch / d.dp * f.kv_bytes_per_sequence(context, element_bytes(d.kv)) * kv_shard_fraction(m, d.tp);
  const double tokens = micro_batch * tokens_per_sequence;
  StepTime t;
  t.memory_s = (streamed_weight_bytes(stage, f, tokens) + kv_bytes) /
               (d.hardware->memory_bandwidth_gbps * kGB * eff.memory_bandwidth);
  t.compute_s = device_flops(stage, f, tokens, context) / (peak * eff.decode_compute);
  t.communication_s = communication_seconds(stage, f, tokens, eff) +
                      (d.pp - 1) * stage_hop_seconds(d, tokens * m.hidden * kActivationBytes, eff);
  // Each dp group's engine handles its own sequences on the host, one after another.
  t.overhead_s = overhead_seconds(m, eff) + eff.sequence_overhead_us * 1e-6 * micro_batch / d.dp;
  return t;
}

// `cached`: earlier prompt tokens of each prompt found in the prefix cache: not computed, but the
// new tokens attend to them.
StepTime prefill(const Deployment& d, const ModelFacts& f, double peak, double tokens, const Efficiency& eff,
                 double prompts, double groups = 1, double cached = 0) {
  // The prompts run on each of `groups` dp groups prefilling in the same step; their tokens all
  // reach the experts, which every rank shares, so the expert work adds up over the groups while
  // attention and dense layers see one group's prompts.
  Deployment group = d;
  group.moe_tp = d.expert_tp();  // the experts stay spread over all tp x dp ranks
  group.pp = 1;
  group.dp = static_cast<int>(std::max(1.0, groups));
  const double all_tokens = group.dp * prompts * tokens;
  const Model& m = *d.model;
  // Causal attention: token i attends to i earlier tokens of its own prompt, tokens/2 on average,
  // after the cached ones.
  const double flops = device_flops(group, f, all_tokens, cached + tokens / 2.0);
  const double kv_write =
      prompts * f.kv_bytes_per_sequence(tokens, element_bytes(d.kv)) * kv_shard_fraction(m, d.tp);
  StepTime t;
  t.memory_s = (streamed_weight_bytes(group, f, all_tokens) + kv_write) /
               (d.hardware->memory_bandwidth_gbps * kGB * eff.memory_bandwidth);
  t.compute_s = flops / (mixed_peak(*d.hardware, peak, eff.quantized_share) * eff.prefill_compute);
  t.communication_s = communication_seconds(group, f, all_tokens, eff);
  t.overhead_s = overhead_seconds(m, eff);
  return t;
}

// The decode step serving runs, per output token: plain, or with speculative decoding one
// verification of K + 1 tokens per sequence plus K drafter steps, which keep `acceptance` tokens
// per sequence. The drafter's steps run in the same engine step (no scheduling or per-sequence
// host work of their own). Memory-bound, verification costs what a plain step does and the
// tokens come `acceptance` times faster; compute-bound (large batches), verification costs K + 1
// times a plain step and speculation loses (docs/estimation.md "Speculative decoding").
StepTime serving_step(const Deployment& d, const ModelFacts& f, double peak, double batch, double context,
                      const Efficiency& eff) {
  const Speculation& spec = d.speculation;
  if (!spec.active()) return decode_step(d, f, peak, batch, context, eff);
  StepTime t = decode_step(d, f, peak, batch, context, eff, spec.draft_tokens + 1.0);
  Deployment drafter = d;
  drafter.model = spec.drafter.get();
  drafter.facts = spec.drafter_facts.get();
  drafter.speculation = {};
  drafter.pp = 1;
  if (!spec.drafter->moe) drafter.moe_ep = 1, drafter.moe_tp = 0;
  if (spec.drafter->heads % drafter.tp != 0) drafter.tp = 1;  // a draft model too small to split
  Efficiency in_step = eff;
  in_step.step_overhead_ms = 0;
  in_step.sequence_overhead_us = 0;
  const StepTime draft = decode_step(drafter, *drafter.facts, peak, batch, context, in_step);
  const double k = spec.draft_tokens, per_token = 1.0 / std::max(1.0, spec.acceptance);
  t.memory_s = (t.memory_s + k * draft.memory_s) * per_token;
  t.compute_s = (t.compute_s + k * draft.compute_s) * per_token;
  t.communication_s = (t.communication_s + k * draft.communication_s) * per_token;
  t.overhead_s = (t.overhead_s + k * draft.overhead_s) * per_token;
  return t;
}

}  // namespace

StepTime speculative_decode_step(const Deployment& d, double batch, double context, const Efficiency& eff) {
  ModelFacts local;
  return serving_step(d, facts_of(d, local), peak_flops(d), batch, context, eff);
}

StepTime prefill_with_cache(const Deployment& d, double new_tokens, double cached_tokens,
                            const Efficiency& eff) {
  ModelFacts local;
  return prefill(d, facts_of(d, local), peak_flops(d), new_tokens, eff, 1, 1, cached_tokens);
}

StepTime decode_step(const Deployment& d, double batch, double context, const Efficiency& eff) {
  ModelFacts local;
  return decode_step(d, facts_of(d, local), peak_flops(d), batch, context, eff);
}

StepTime prefill(const Deployment& d, double tokens, const Efficiency& eff, double prompts) {
  ModelFacts local;
  return prefill(d, facts_of(d, local), peak_flops(d), tokens, eff, prompts);
}

OpenLoop::OpenLoop(const Deployment& d, const Workload& w, const Efficiency& eff, double input_sd)
    : deployment_(d), workload_(w), efficiency_(eff) {
  if (!deployment_.facts) {
    local_facts_ = derive_facts(*d.model);
    deployment_.facts = &local_facts_;
  }
  peak_flops_ = peak_flops(d);
  const auto prefill_s = [&](double tokens) {
    return prefill(deployment_, *deployment_.facts, peak_flops_, new_prompt_tokens(w, tokens), eff, 1, 1,
                   cached_prompt_tokens(w, tokens));
  };
  prompt_ = prefill_s(w.input_tokens);
  // The prompt-length distribution by three-point Gauss-Hermite quadrature (exact for the
  // moments of a normal up to the fifth): mean and mean +- sqrt(3) sd, weights 2/3, 1/6, 1/6.
  const double at_mean = prompt_.total_s();
  prefill_mean_s_ = at_mean;
  prefill_second_moment_ = at_mean * at_mean;
  if (input_sd > 0) {
    const double spread = std::sqrt(3.0) * input_sd;
    const double low = prefill_s(std::max(1.0, w.input_tokens - spread)).total_s();
    const double high = prefill_s(w.input_tokens + spread).total_s();
    prefill_mean_s_ = (4.0 * at_mean + low + high) / 6.0;
    prefill_second_moment_ = (4.0 * at_mean * at_mean + low * low + high * high) / 6.0;
  }
}

ServingPoint OpenLoop::at(double concurrency) const {
  // Continuous batching, closed loop: over a request's life the replica runs `osl` decode
  // steps for the whole batch and one prefill per request, so per request it spends
  // osl x step / C on decoding and t_prefill / dp on prefill (dp groups prefill in parallel).
  // Prefills pause decoding, which stretches TPOT by 1 / (1 - prefill share); a new request
  // waits for the running step (half a step on average) and for queued prefills (M/D/1).
  const Deployment& d = deployment_;
  const Workload& w = workload_;
  ServingPoint s;
  s.concurrency = concurrency;
  s.step = serving_step(d, *d.facts, peak_flops_, concurrency, w.input_tokens + w.output_tokens / 2.0,
                        efficiency_);
  s.prompt = prompt_;
  const double step = s.step.total_s();
  const double t_prefill = prefill_mean_s_;
  s.requests_per_s = concurrency / (w.output_tokens * step + concurrency * t_prefill / d.dp);
  s.output_tokens_per_s = s.requests_per_s * w.output_tokens;
  s.prefill_share = s.requests_per_s * t_prefill / d.dp;
  s.tpot_s = step / (1.0 - s.prefill_share);
  const double queue_wait = s.prefill_share * t_prefill / (2.0 * (1.0 - s.prefill_share));
  s.ttft_s = t_prefill + step / 2.0 + queue_wait;
  return s;
}

ServingPoint serve(const Deployment& d, const Workload& w, double concurrency, const Efficiency& eff) {
  return OpenLoop(d, w, eff).at(concurrency);
}

ServingPoint serve_closed_loop(const Deployment& d, const Workload& w, double concurrency,
                               const Efficiency& eff, const EngineLimits& limits) {
  // Requests of one shape are replaced as they finish, so they arrive in waves: the engine runs
  // at most max_batch of them (the rest wait for a free slot), prefills k = max_num_tokens / isl
  // prompts per step (at least one; a longer prompt is chunked, costed as one), so a wave of R
  // resident requests takes n = R / k prefill steps (spread over the dp groups). As far as
  // arrivals are synchronised (s, fitted) a request prefills with the 1 + s(k - 1) prompts that
  // arrived with it and waits for half the wave's other prefills; as far as they are staggered
  // it waits for the running decode step instead. The requests prefilled first decode while the
  // rest of the wave prefills, stretching their TPOT. A round is the wave's prefill plus osl - 1
  // decode steps (docs/estimation.md "Serving").
  //
  // Admission (docs/estimation.md "Admission"): TensorRT-LLM's GUARANTEED_NO_EVICT admits a
  // request only when the blocks of its whole length are free, so requests beyond that capacity
  // wait in the queue until a running request finishes and frees its blocks. vLLM and SGLang
  // admit a request as soon as the blocks of its prompt are free and, when the running sequences
  // outgrow the cache, preempt the newest and recompute it later: beyond the KV capacity every
  // admitted request gets its first token at once, only `resident` of them decode at a time,
  // and the preempted ones pay a recompute of their context; that shows in TPOT, not TTFT.
  ServingPoint s;
  s.concurrency = concurrency;
  // The batch limit is per engine instance: each attention data-parallel group runs its own.
  const double slots = static_cast<double>(limits.max_batch) * d.dp;
  const double kv = limits.kv_sequences > 0 ? static_cast<double>(limits.kv_sequences) : slots;
  double running = std::max(1.0, std::min(concurrency, slots));
  if (limits.reserve_full_length) running = std::max(1.0, std::min(running, kv));
  const double resident = std::max(1.0, std::min(running, kv));
  // With prefix caching a step's token budget goes to the prompts' uncached tokens only.
  const double fresh = new_prompt_tokens(w, w.input_tokens), cached = cached_prompt_tokens(w, w.input_tokens);
  const double per_step = std::max(1.0, std::floor(limits.max_num_tokens / fresh));
  const double group = std::min(resident, per_step);
  const double prefill_steps = std::max(1.0, std::ceil(resident / group / d.dp - 1e-9));
  ModelFacts local;
  const ModelFacts& f = facts_of(d, local);
  const double peak = peak_flops(d);
  s.step = serving_step(d, f, peak, resident, w.input_tokens + w.output_tokens / 2.0, eff);
  // With attention data parallelism a wave reaches every dp group at once (as far as it has
  // requests for them), and the experts all groups share process all their prompts in one step.
  const double groups = std::min<double>(d.dp, std::ceil(resident / group - 1e-9));
  s.prompt = prefill(d, f, peak, fresh, eff, group, groups, cached);
  const double step = s.step.total_s();
  const double group_prefill = s.prompt.total_s();
  const double decode_steps = std::max(0.0, w.output_tokens - 1);
  double round = prefill_steps * group_prefill + decode_steps * step;
  s.prefill_share = prefill_steps * group_prefill / round;
  // Preemption by recompute: of the `running` requests a share (running - resident) / running
  // is preempted once in its life and prefills its context again (isl + osl / 2 on average);
  // over a round, `resident` requests complete.
  if (running > resident) {
    const double context = w.input_tokens + w.output_tokens / 2.0;
    const double recompute = prefill(d, f, peak, context, eff, 1).total_s() / d.dp;
    round += resident * (running - resident) / running * recompute;
  }
  s.requests_per_s = resident / round;
  s.output_tokens_per_s = s.requests_per_s * w.output_tokens;
  const double sync = eff.wave_synchronization;
  const double ahead = sync * (prefill_steps - 1.0) / 2.0;  // prefills before one's own
  // A request prefills with the prompts that arrived with it: the whole group when the wave is
  // synchronised, itself alone when arrivals are staggered (then it first waits for the running
  // decode step, half a step on average).
  const double together = 1.0 + sync * (group - 1.0);
  const double own_prefill =
      prefill(d, f, peak, fresh, eff, together, std::round(1.0 + sync * (groups - 1.0)), cached).total_s();
  const double first_token = own_prefill + group_prefill * ahead + (1.0 - sync) * step / 2.0;
  // Little's law: the `running` requests each live running / lambda in the engine; the
  // requests beyond it wait (concurrency - running) / lambda in the queue, for a free slot (or,
  // under GUARANTEED_NO_EVICT, for a finished request's blocks): a share of a round, not rounds.
  const double life = running / s.requests_per_s;
  const double queued = std::max(0.0, concurrency - running) / s.requests_per_s;
  // The request's latency outside the engine's steps adds to its first token only.
  s.ttft_s = first_token + queued + eff.request_latency_ms * 1e-3;
  // What of its life is not its first token is its decoding, stalled by every prefill that does
  // not already count in its TTFT, and by the turns preempted requests take.
  s.tpot_s = decode_steps > 0 ? (life - first_token) / decode_steps : step;
  return s;
}

}  // namespace llmhw
