#include "llmhw/estimate.hpp"

#include <algorithm>
#include <cmath>

namespace llmhw {
namespace {

constexpr double kGB = 1e9;
constexpr double kActivationBytes = 2.0;  // activations travel in 16-bit between TP ranks

bool weight_only_offered(const Hardware& hw, Precision p) {
  // Engines dequantize int8/int4 weights in their GEMM kernels on every kind of device
  // (AWQ/GPTQ/Marlin on GPUs, llama.cpp Q8_0/Q4 on CPUs, int8 weights on TPUs); fp8 weight-only
  // exists on GPUs only (vLLM's FP8 Marlin for Ampere). fp4 is offered only natively.
  if (p == Precision::int8 || p == Precision::int4) return true;
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

// Weight bytes read from memory by one device for a step over `tokens` tokens.
double streamed_weight_bytes(const Deployment& d, double tokens) {
  const Model& m = *d.model;
  const ParameterCount c = count_parameters(m);
  double routed = 0;
  if (m.moe) routed = c.moe_layers * c.per_expert * distinct_experts(*m.moe, tokens);
  const double quantized = c.dense_body + routed;
  // The input embedding is a lookup of `tokens` rows, not a full read; the LM head (or the tied
  // embedding acting as it) is read whole.
  const double head = m.tied_embeddings ? c.embedding : c.lm_head;
  const double bytes = quantized * weight_bytes_per_param(d.weights) + head * unquantized_bytes(d.weights);
  return bytes / d.tp;
}

// FLOPs of the matrix multiplications for one token (2 per multiply-add), LM head included.
double matmul_flops_per_token(const Model& m) {
  const ParameterCount c = count_parameters(m);
  const double routed_active = c.active - c.embedding - c.lm_head - c.dense_body;
  return 2.0 * (c.dense_body + routed_active + static_cast<double>(m.vocab) * m.hidden);
}

double peak_flops(const Deployment& d) {
  auto p = compute_precision(*d.hardware, d.weights);
  auto tflops = p ? d.hardware->peak_tflops(*p) : std::nullopt;
  return tflops.value_or(0.0) * 1e12;
}

// An all-reduce after every mixer and every MLP (two per standard layer) of `tokens` x hidden
// activations; ring all-reduce moves 2(n-1)/n of the message over each link.
double tensor_parallel_seconds(const Deployment& d, double tokens, const Efficiency& eff) {
  if (d.tp <= 1) return 0;
  const double message = tokens * d.model->hidden * kActivationBytes;
  const double link = d.hardware->interconnect.gbps_per_direction * kGB;
  const double transfer = link > 0 ? 2.0 * (d.tp - 1) / d.tp * message / link : 0;
  return tensor_parallel_syncs(*d.model) * (eff.collective_latency_us * 1e-6 + transfer);
}

}  // namespace

std::optional<Precision> compute_precision(const Hardware& hw, Precision weights) {
  if (hw.peak_tflops(weights)) return weights;
  if (is_wide_float(weights) || weight_only_offered(hw, weights)) return widest_native_float(hw);
  return std::nullopt;
}

double model_weight_bytes(const Deployment& d) {
  const ParameterCount c = count_parameters(*d.model);
  return weight_bytes_for(c, c.total - c.embedding - c.lm_head - c.vision, d.weights);
}

MemoryPlan plan_memory(const Deployment& d, const Workload& w, const Efficiency& eff) {
  MemoryPlan plan;
  plan.weights_gb = model_weight_bytes(d) / d.tp / kGB;
  const double context = w.input_tokens + w.output_tokens;
  plan.kv_gb_per_sequence =
      kv_bytes_per_sequence(*d.model, context, element_bytes(d.kv)) * kv_shard_fraction(*d.model, d.tp) / kGB;
  plan.reserve_gb = eff.reserve_gb;
  plan.capacity_gb = d.hardware->memory_gb * eff.usable_memory_fraction;
  const double kv_budget = plan.capacity_gb - plan.weights_gb - plan.reserve_gb;
  if (kv_budget > 0 && plan.kv_gb_per_sequence > 0) {
    plan.max_sequences = static_cast<long>(std::min(1e9, std::floor(kv_budget / plan.kv_gb_per_sequence)));
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

StepTime decode_step(const Deployment& d, double batch, double context, const Efficiency& eff) {
  const Model& m = *d.model;
  const double kv_bytes =
      batch * kv_bytes_per_sequence(m, context, element_bytes(d.kv)) * kv_shard_fraction(m, d.tp);
  const double bytes = streamed_weight_bytes(d, batch) + kv_bytes;
  const double flops = batch * (matmul_flops_per_token(m) + attention_flops_per_token(m, context)) / d.tp;
  StepTime t;
  t.memory_s = bytes / (d.hardware->memory_bandwidth_gbps * kGB * eff.memory_bandwidth);
  t.compute_s = flops / (peak_flops(d) * eff.decode_compute);
  t.communication_s = tensor_parallel_seconds(d, batch, eff);
  t.overhead_s = eff.step_overhead_ms * 1e-3;
  return t;
}

StepTime prefill(const Deployment& d, double tokens, const Efficiency& eff) {
  const Model& m = *d.model;
  // Causal attention: token i attends to i earlier tokens, tokens/2 on average.
  const double flops =
      tokens * (matmul_flops_per_token(m) + attention_flops_per_token(m, tokens / 2.0)) / d.tp;
  const double kv_write = kv_bytes_per_sequence(m, tokens, element_bytes(d.kv)) * kv_shard_fraction(m, d.tp);
  StepTime t;
  t.memory_s = (streamed_weight_bytes(d, tokens) + kv_write) /
               (d.hardware->memory_bandwidth_gbps * kGB * eff.memory_bandwidth);
  t.compute_s = flops / (peak_flops(d) * eff.prefill_compute);
  t.communication_s = tensor_parallel_seconds(d, tokens, eff);
  t.overhead_s = eff.step_overhead_ms * 1e-3;
  return t;
}

ServingPoint serve(const Deployment& d, const Workload& w, double concurrency, const Efficiency& eff) {
  // Continuous batching, closed loop: over a request's life the replica runs `osl` decode
  // steps for the whole batch and one prefill per request, so per request it spends
  // osl x step / C on decoding and t_prefill on prefill. Prefills pause decoding, which
  // stretches TPOT by 1 / (1 - prefill share); a new request waits for the running step
  // (half a step on average) and for queued prefills (M/D/1 waiting time).
  ServingPoint s;
  s.concurrency = concurrency;
  s.step = decode_step(d, concurrency, w.input_tokens + w.output_tokens / 2.0, eff);
  s.prompt = prefill(d, w.input_tokens, eff);
  const double step = s.step.total_s();
  const double t_prefill = s.prompt.total_s();
  s.requests_per_s = concurrency / (w.output_tokens * step + concurrency * t_prefill);
  s.output_tokens_per_s = s.requests_per_s * w.output_tokens;
  s.prefill_share = s.requests_per_s * t_prefill;
  s.tpot_s = step / (1.0 - s.prefill_share);
  const double queue_wait = s.prefill_share * t_prefill / (2.0 * (1.0 - s.prefill_share));
  s.ttft_s = t_prefill + step / 2.0 + queue_wait;
  return s;
}

}  // namespace llmhw
