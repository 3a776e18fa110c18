#include "llmhw/estimate.hpp"
#include "llmhw/gguf.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "llmhw/expert_exchange.hpp"
#include "llmhw/mixing.hpp"
#include "llmhw/queueing.hpp"

#include "llmhw/prefix_cache.hpp"

namespace llmhw {

const ModelFacts& facts_of(const Deployment& d, ModelFacts& local) {
  if (d.facts) return *d.facts;
  local = derive_facts(*d.model);
  return local;
}
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

// Bytes per weight as stored: the layers, the LM head (or the tied embedding acting as it), an
// untied embedding and a vision encoder. GPUs keep the last three at 16 bits; a CPU runs
// llama.cpp's GGUF layout, which quantizes the head and the embedding too (gguf.hpp).
struct StoredBytes {
  double body, head, embedding, vision;
};

StoredBytes stored_bytes(const Deployment& d) {
  const double wide = unquantized_bytes(d.weights);
  // llama.cpp loads a vision encoder from its own 16-bit mmproj file.
  // (`models list` sizes a model without hardware: the checkpoint's bytes.)
  if (d.gguf && d.hardware && d.hardware->kind == DeviceKind::cpu) {
    if (const auto g = gguf_layout(*d.model, *d.gguf)) return {g->body, g->head, g->embedding, wide};
  }
  if (const auto g = d.hardware ? gguf_bytes(*d.hardware, d.weights) : std::nullopt)
    return {g->body, g->head, g->embedding, wide};
  return {weight_bytes_per_param(d.weights), wide, wide, wide};
}

// The embedding, LM head and vision encoder: a tied embedding is stored once, as the head.
double stored_unquantized_bytes(const Model& m, const ParameterCount& c, const StoredBytes& b) {
  const double embedding = m.tied_embeddings ? b.head : b.embedding;
  return c.embedding * embedding + c.lm_head * b.head + c.vision * b.vision;
}

// Expected number of distinct routed experts `tokens` tokens touch: each token picks k of E,
// so an expert is missed with probability (1 - k/E)^tokens (uniform routing).
double distinct_experts(const MoeShape& e, double tokens) {
  if (e.experts <= 0) return 0;
  const double miss = std::pow(1.0 - static_cast<double>(e.experts_per_token) / e.experts, tokens);
  return e.experts * (1.0 - miss);
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
  const StoredBytes b = stored_bytes(d);
  const double dense = s.c.dense_body * b.body + head * b.head;
  double routed = 0;
  if (m.moe) routed = s.c.moe_layers * s.c.per_expert * distinct_experts(*m.moe, tokens) * b.body;
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

// The experts' token exchange (expert-parallel dispatch and combine, the attention-DP gather to the
// expert ranks) among `ranks` ranks: each rank exchanges with every other, so the fixed latency grows
// with the peers beyond those of one 8-GPU node, for which the fitted collective latency stands.
double exchange_seconds(double message_bytes, int ranks, double share, const Hardware& hw,
                        const Efficiency& eff) {
  const double extra_peers = std::max(0, ranks - 8) / 7.0;
  return collective_seconds(message_bytes, ranks, share, hw, eff) +
         extra_peers * eff.collective_latency_us * 1e-6;
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
    t += f.params.moe_layers * 2.0 * exchange_seconds(routed, d.moe_ep, 1.0, hw, eff);
  }
  const int expert_tp = d.expert_tp();
  if (m.moe && expert_tp > d.tp) {
    const double shared_tokens = group_tokens * expert_tp / d.tp;
    t += f.params.moe_layers *
         exchange_seconds(shared_tokens * m.hidden * kActivationBytes, expert_tp, 2.0, hw, eff);
  }
  // Attention data parallelism over more devices than one fast domain: the experts of a layer
  // sit on every node, so each MoE layer's dispatch and combine cross the scale-out network
  // (DeepEP's low-latency kernels, TensorRT-LLM's wide EP: llmhw/expert_exchange.hpp). Each rank
  // sends its own tokens' top-k copies, the share on other nodes over its NIC: dispatched in FP8
  // (1 byte per element) and combined in BF16 (2), as in DeepEP's published runs. With the attention
  // tensor-parallel over all those ranks instead (no attention DP) every rank already holds every token and
  // the all-reduce above combines the experts' outputs.
  const int span = expert_tp * d.moe_ep;
  const int domain = fast_domain(hw);
  if (m.moe && span > d.tp && span > domain && hw.scale_out) {
    const double remote_copies =
        group_tokens / d.tp * m.moe->experts_per_token * (span - domain) / static_cast<double>(span);
    const double nic = hw.scale_out->gbps_per_direction * kGB * eff.interconnect_bandwidth;
    t += f.params.moe_layers * (internode_exchange_seconds(remote_copies * m.hidden * 1.0, nic) +
                                internode_exchange_seconds(remote_copies * m.hidden * 2.0, nic));
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
  const StoredBytes b = stored_bytes(d);
  return (c.total - c.embedding - c.lm_head - c.vision) * b.body + stored_unquantized_bytes(*d.model, c, b);
}

MemoryPlan plan_memory(const Deployment& d, const Workload& w, const Efficiency& eff) {
  ModelFacts local;
  const ModelFacts& f = facts_of(d, local);
  const Split s = split_of(d, f);
  const StoredBytes b = stored_bytes(d);
  const double bpp = b.body;
  const double unquantized = stored_unquantized_bytes(*d.model, s.c, b);
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
// the model; the KV read is the same, and each of the K + 1 positions gets its logits and is
// sampled and checked, so the per-sequence cost counts K + 1 times: see serving_step).
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
  t.overhead_s =
      overhead_seconds(m, eff) + eff.sequence_overhead_us * 1e-6 * micro_batch / d.dp * tokens_per_sequence;
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
// verification of K + 1 tokens per sequence plus K drafter forwards, which keep `acceptance`
// tokens per sequence. Memory-bound, verification costs what a plain step does and the tokens
// come `acceptance` times faster; compute-bound (large batches), verification costs K + 1 times a
// plain step and speculation loses (docs/estimation.md "Speculative decoding").
// The drafter's forwards, as the engines run them (SGLang eagle_worker_v2.py, vLLM's
// EagleProposer, TensorRT-LLM's MTP worker): the first runs the drafter over the K + 1 positions
// the verification just scored (the "draft extend", which fills the drafter's KV and yields the
// first draft token), each of the other K - 1 over one new token per sequence. They run inside
// the engine step (no scheduling of their own), but each samples one draft token per sequence
// from the full vocabulary, which costs what the fitted per-sequence work of a plain step does
// (sequence_overhead_us: the logits, sampling and token handling of one sampled position, which
// the plain rows fit; they cannot tell it from work per sequence, so it is charged per sampled
// position: K + 1 in the verification, one in each draft forward).
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
  const double k = spec.draft_tokens, per_token = 1.0 / std::max(1.0, spec.acceptance);
  const StepTime extend = decode_step(drafter, *drafter.facts, peak, batch, context, in_step, k + 1);
  const StepTime draft = decode_step(drafter, *drafter.facts, peak, batch, context, in_step);
  const double sampled = k * eff.sequence_overhead_us * 1e-6 * (batch / d.pp) / d.dp;
  t.memory_s = (t.memory_s + extend.memory_s + (k - 1) * draft.memory_s) * per_token;
  t.compute_s = (t.compute_s + extend.compute_s + (k - 1) * draft.compute_s) * per_token;
  t.communication_s =
      (t.communication_s + extend.communication_s + (k - 1) * draft.communication_s) * per_token;
  t.overhead_s = (t.overhead_s + extend.overhead_s + (k - 1) * draft.overhead_s + sampled) * per_token;
  return t;
}

// `decode` (the decode step of `batch` sequences) with `tokens` prompt tokens of one dp group
// added: they attend to `context` earlier tokens on average. What they add to each part of the
// step, as prefill() costs it, except the weights (already read for the decode tokens; only the
// routed experts they reach beyond the decode tokens' add) and the step's fixed overhead.
StepTime with_prefill(const Deployment& d, const ModelFacts& f, double peak, const StepTime& decode,
                      double batch, double tokens, double context, const Efficiency& eff) {
  if (tokens <= 0) return decode;
  Deployment stage = d;
  stage.pp = 1;
  Deployment group = d;
  group.moe_tp = d.expert_tp();
  group.pp = 1;
  group.dp = 1;
  const double micro_batch = batch / d.pp;
  const double kv_write =
      f.kv_bytes_per_sequence(tokens, element_bytes(d.kv)) * kv_shard_fraction(*d.model, d.tp);
  const double experts =
      streamed_weight_bytes(stage, f, micro_batch + tokens) - streamed_weight_bytes(stage, f, micro_batch);
  StepTime t = decode;
  t.memory_s += (experts + kv_write) / (d.hardware->memory_bandwidth_gbps * kGB * eff.memory_bandwidth);
  t.compute_s += device_flops(group, f, tokens, context) /
                 (mixed_peak(*d.hardware, peak, eff.quantized_share) * eff.prefill_compute);
  t.communication_s += communication_seconds(group, f, tokens, eff) - communication_seconds(group, f, 0, eff);
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

StepTime mixed_step(const Deployment& d, double batch, double context, double prefill_tokens,
                    double prefill_context, const Efficiency& eff) {
  ModelFacts local;
  const ModelFacts& f = facts_of(d, local);
  const double peak = peak_flops(d);
  return with_prefill(d, f, peak, decode_step(d, f, peak, batch, context, eff), batch, prefill_tokens,
                      prefill_context, eff);
}

StepTime decode_step(const Deployment& d, double batch, double context, const Efficiency& eff) {
  ModelFacts local;
  return decode_step(d, facts_of(d, local), peak_flops(d), batch, context, eff);
}

StepTime prefill(const Deployment& d, double tokens, const Efficiency& eff, double prompts, double groups) {
  ModelFacts local;
  return prefill(d, facts_of(d, local), peak_flops(d), tokens, eff, prompts, groups);
}

OpenLoop::OpenLoop(const Deployment& d, const Workload& w, const Efficiency& eff, double input_sd)
    : deployment_(d), workload_(w), efficiency_(eff), input_sd_(input_sd) {
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

OpenLoop::Detail OpenLoop::detail(double concurrency) const {
  // Continuous batching with chunked prefill, as vLLM V1 runs it (docs/estimation.md "Mixed
  // steps"): every step decodes one token of each running request and carries, within the
  // token budget the decode tokens leave, the prompts that arrived meanwhile. Per dp group a
  // step carries m = C / (dp x osl) prompts on average (Little's law: each running request
  // finishes once in osl steps and is replaced), so the mean step is the mix over k ~ Poisson(m)
  // prompts per step; TPOT is that mean step (a request decodes one token per step), and the
  // replica completes lambda = C / (osl x mean step) requests/s. A prompt's first token comes
  // out of the step(s) that carry it, after the running step ends and, when the budget is the
  // bottleneck, after the prompts queued ahead of it (M/G/dp, the budget as a server of prompts).
  const Deployment& d = deployment_;
  const ModelFacts& f = *d.facts;
  const Workload& w = workload_;
  const double isl = w.input_tokens, osl = std::max(1.0, w.output_tokens);
  const double c = std::max(concurrency, 1e-9);
  const double per_group = c / d.dp;
  Detail out;
  ServingPoint& s = out.point;
  s.concurrency = concurrency;
  // Speculative decoding (serving_step): the step per output token; prefix caching: a prompt
  // computes only its uncached tokens, which attend to the cached ones and half their own.
  s.step = serving_step(d, f, peak_flops_, c, isl + w.output_tokens / 2.0, efficiency_);
  const double fresh = new_prompt_tokens(w, isl), cached = cached_prompt_tokens(w, isl);
  // Causal attention within the prompt: fresh / 2 earlier tokens on average, chunked or not.
  const auto step_with = [&](double tokens) {
    return with_prefill(d, f, peak_flops_, s.step, c, tokens, cached + fresh / 2.0, efficiency_);
  };
  const auto step_s = [&](double tokens) { return step_with(tokens).total_s(); };
  // The running requests' decode tokens take the budget first (vLLM schedules RUNNING before
  // WAITING); prompts get the rest, at least one token.
  // With speculation each running request takes K + 1 tokens of the budget, and in steps per
  // output token a step's budget is spread over the `kept` tokens it yields.
  const Speculation& spec = d.speculation;
  const double kept = spec.active() ? std::max(1.0, spec.acceptance) : 1.0;
  const double decode_tokens = per_group * (spec.active() ? spec.draft_tokens + 1.0 : 1.0);
  const double chunk = d.max_num_tokens > 0 ? std::max(1.0, d.max_num_tokens - decode_tokens) / kept : 0.0;
  const double m = per_group / osl;
  const mixing::StepMix mix = mixing::mix_steps(m, fresh, chunk, step_s);
  const double step = mix.mean_s;
  out.step_second_moment = mix.second_moment;
  // An arrival waits out the running step (its residual) and, where the engine schedules ahead,
  // the steps already scheduled without it: vLLM's async scheduling (vllm/v1/engine/core.py,
  // EngineCore.step_with_batch_queue: step N+1 is scheduled and queued before step N's output is
  // processed) puts a new request in the step after next. Only when the engine is stepping at
  // all: an idle engine schedules an arrival at once. The requests in flight under Poisson
  // arrivals are Poisson with mean C (M/G/infinity, continuous batching below its limits), so
  // an arrival finds the engine busy with probability 1 - e^-C.
  out.ahead_s = d.steps_scheduled_ahead * step * -std::expm1(-c);
  out.residual_s = mix.second_moment / (2.0 * step) + out.ahead_s;
  s.tpot_s = step;
  s.requests_per_s = c / (osl * step);
  // Prompts beyond one budget per step cannot be served, however many requests run.
  if (chunk > 0) s.requests_per_s = std::min(s.requests_per_s, d.dp * chunk / (fresh * step));
  s.prefill_share = std::max(0.0, 1.0 - s.step.total_s() / step);
  // The first token, over the prompt lengths (the same quadrature as the prefill's).
  const auto first = [&](double own) {
    const mixing::FirstToken ft = mixing::first_token_steps(new_prompt_tokens(w, own), m, fresh, chunk);
    return ft.steps * step_s(ft.tokens_per_step);
  };
  const mixing::FirstToken at_mean = mixing::first_token_steps(fresh, m, fresh, chunk);
  s.prompt = step_with(at_mean.tokens_per_step);
  const double f0 = first(isl);
  out.first_step_mean_s = f0;
  out.first_step_second_moment = f0 * f0;
  if (input_sd_ > 0) {
    const double spread = std::sqrt(3.0) * input_sd_;
    const double low = first(std::max(1.0, isl - spread)), high = first(isl + spread);
    out.first_step_mean_s = (4.0 * f0 + low + high) / 6.0;
    out.first_step_second_moment = (4.0 * f0 * f0 + low * low + high * high) / 6.0;
  }
  double wait = 0;
  if (chunk > 0) {
    // The budget serves a prompt in isl / chunk of a step; beyond one budget per step prompts
    // queue without bound.
    out.budget_service_s = fresh / chunk * step;
    out.budget_scv = std::pow(input_sd_ / isl, 2);
    const queueing::Wait queue =
        queueing::mgc_wait(s.requests_per_s, out.budget_service_s, out.budget_scv, d.dp);
    wait = queue.mean_s();
  }
  s.ttft_s = out.residual_s + wait + out.first_step_mean_s + d.frontend_latency_ms * 1e-3;
  s.output_tokens_per_s = s.requests_per_s * w.output_tokens;
  return out;
}

ServingPoint OpenLoop::at(double concurrency) const {
  return detail(concurrency).point;
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
  // Admission (docs/estimation.md "Admission"): no engine runs more requests than its KV cache
  // holds; the client's requests beyond that wait in the engine's queue, without a first token,
  // until running requests finish. What differs is the capacity (`kv_sequences`, the caller's):
  // - TensorRT-LLM's GUARANTEED_NO_EVICT admits a request only when the blocks of its whole
  //   length (isl + osl) are free.
  // - vLLM V1 (vllm/v1/core/sched/scheduler.py, Scheduler.schedule) admits a WAITING request when
  //   the blocks of its prompt are free; when a running request cannot get a block it preempts
  //   the newest (running.pop(), its KV freed) and puts it back at the *front* of the waiting
  //   queue (waiting.prepend_request), and no WAITING request is scheduled in a step that
  //   preempted. So beyond the cache at the requests' mean length a new request waits behind the
  //   preempted ones: the running set stays at that capacity and the rest queue.
  // - SGLang (python/sglang/srt/managers/schedule_policy.py, PrefillAdder) admits a request only
  //   when its prompt plus min(max_new_tokens, CLIP_MAX_NEW_TOKENS = 4096) fit in the tokens left
  //   after reserving new_token_ratio of every running request's remaining output (0.7 decaying
  //   to 0.098 over 600 steps, SGLANG_INIT_NEW_TOKEN_RATIO etc. in environ.py); it retracts a
  //   decode request only when that estimate was short. Its capacity is between the mean- and
  //   the full-length one; llmhw takes the mean length, as for vLLM.
  // Measured: Qwen3-32B on 2x H100 with vLLM at 128 requests of 4096 tokens (osl 128, 512,
  // 1024; data/calibration/serving_ttft_tpot.csv) waited 0.94-1.04 rounds for their first token,
  // which a running set of 63-66 requests gives by Little's law; llmhw's mean-length capacity is
  // 61-68. Before, vLLM and SGLang admitted every request and preempted, so TTFT beyond the
  // cache stayed at one prefill (2.5 s predicted against 19-59 s measured).
  ServingPoint s;
  s.concurrency = concurrency;
  // The batch limit is per engine instance: each attention data-parallel group runs its own.
  const double slots = static_cast<double>(limits.max_batch) * d.dp;
  const double kv = limits.kv_sequences > 0 ? static_cast<double>(limits.kv_sequences) : slots;
  const double running = std::max(1.0, std::min({concurrency, slots, kv}));
  const double resident = running;
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
  // requests beyond it wait (concurrency - running) / lambda in the queue, for a free slot or a
  // finished request's blocks: a share of a round, not rounds.
  const double life = running / s.requests_per_s;
  const double queued = std::max(0.0, concurrency - running) / s.requests_per_s;
  s.ttft_s = first_token + queued;
  s.client_latency_s = eff.request_latency_ms * 1e-3;  // the benchmark client's, reported apart
  // What of its life is not its first token is its decoding, stalled by every prefill that does
  // not already count in its TTFT.
  s.tpot_s = decode_steps > 0 ? (life - first_token) / decode_steps : step;
  return s;
}

}  // namespace llmhw
