#pragma once
// Hand-built models and devices shared by the unit tests. Model shapes are typed from the
// models' Hugging Face config.json files (copies in /work/shared/model-configs); devices are
// made-up round numbers so that expected values can be computed by hand.
#include <string>

#include "llmhw/estimate.hpp"
#include "llmhw/hardware.hpp"
#include "llmhw/model.hpp"

namespace llmhw_test {

// Llama 3.1 8B (llama_8b()) worked out once, for hand calculations (see test_model.cpp for the
// per-layer sum). One decoder layer: attention 2*4096*4096 + 2*4096*1024, MLP 3*4096*14336, two
// norms of 4096.
inline constexpr double kLayer8b = 2.0 * 4096 * 4096 + 2.0 * 4096 * 1024 + 3.0 * 4096 * 14336 + 2.0 * 4096;
// All layers plus the final norm: 32 x kLayer8b + 4096 = 6,979,588,096.
inline constexpr double kBody8b = 32 * kLayer8b + 4096;
inline constexpr double kTable8b = 128256.0 * 4096;  // 525,336,576 (embedding = LM head size)
// 32 layers x (K + V) x 8 KV heads x 128 x 2 bytes = 131,072 bytes per token at bf16.
inline constexpr double kKvPerToken8b = 32.0 * 2 * 8 * 128 * 2;
inline constexpr double kAttnFlops8b = 4.0 * 32 * 128 * 32;  // per token per context token: 524,288
// Bytes a decode step reads for weights at bf16: all of the body and the LM head (the input
// embedding is a lookup): (6,979,588,096 + 525,336,576) x 2 = 15,009,849,344.
inline constexpr double kWeightRead8b = (kBody8b + kTable8b) * 2;
// Matmul FLOPs per token, 2 per weight of body and LM head: 15,009,849,344.
inline constexpr double kMatmulFlops8b = 2 * (kBody8b + kTable8b);

// meta-llama/Meta-Llama-3.1-8B config.json: 32 layers, hidden 4096, 32 heads, 8 KV heads,
// head_dim 128, intermediate 14336, vocab 128256, untied embeddings.
inline llmhw::Model llama_8b() {
  llmhw::Model m;
  m.id = "llama-8b-shape";
  m.layers = 32;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.intermediate = 14336;
  m.vocab = 128256;
  m.tied_embeddings = false;
  return m;
}

// meta-llama/Meta-Llama-3.1-70B config.json: 80 layers, hidden 8192, 64 heads, 8 KV heads,
// head_dim 128, intermediate 28672, vocab 128256, untied embeddings.
inline llmhw::Model llama_70b() {
  llmhw::Model m = llama_8b();
  m.id = "llama-70b-shape";
  m.layers = 80;
  m.hidden = 8192;
  m.heads = 64;
  m.intermediate = 28672;
  return m;
}

// mistralai/Mixtral-8x7B-v0.1 config.json: 32 layers, hidden 4096, 32 heads, 8 KV heads,
// head_dim 128, 8 local experts, 2 per token, intermediate 14336 per expert, vocab 32000, untied.
inline llmhw::Model mixtral_8x7b() {
  llmhw::Model m;
  m.id = "mixtral-shape";
  m.layers = 32;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.intermediate = 14336;
  m.vocab = 32000;
  m.tied_embeddings = false;
  llmhw::MoeShape e;
  e.experts = 8;
  e.experts_per_token = 2;
  e.expert_intermediate = 14336;
  m.moe = e;
  return m;
}

// deepseek-ai/DeepSeek-V3 config.json: 61 layers, hidden 7168, 128 heads, intermediate 18432
// (dense layers), first_k_dense_replace 3, 256 routed experts (top 8) of moe_intermediate 2048,
// 1 shared expert, q_lora_rank 1536, kv_lora_rank 512, qk_rope 64, qk_nope 128, v_head 128,
// vocab 129280, untied.
inline llmhw::Model deepseek_v3() {
  llmhw::Model m;
  m.id = "deepseek-v3-shape";
  m.layers = 61;
  m.hidden = 7168;
  m.heads = 128;
  m.kv_heads = 128;
  m.head_dim = 128;
  m.intermediate = 18432;
  m.vocab = 129280;
  m.tied_embeddings = false;
  llmhw::MoeShape e;
  e.experts = 256;
  e.experts_per_token = 8;
  e.shared_experts = 1;
  e.expert_intermediate = 2048;
  e.dense_layers = 3;
  m.moe = e;
  llmhw::MlaShape a;
  a.kv_lora_rank = 512;
  a.q_lora_rank = 1536;
  a.qk_rope_head_dim = 64;
  a.qk_nope_head_dim = 128;
  a.v_head_dim = 128;
  m.mla = a;
  return m;
}

// A made-up GPU with round numbers: 80 GB, 1000 GB/s (1e12 B/s), 100 TFLOP/s bf16
// (1e14 FLOP/s), 100 GB/s NVLink-like link, TP groups of 1, 2, 4, 8.
inline llmhw::Hardware round_gpu(const std::string& id = "round-gpu", double usd_per_hour = 2.0) {
  llmhw::Hardware hw;
  hw.id = id;
  hw.name = "Round GPU " + id;
  hw.vendor = "test";
  hw.kind = llmhw::DeviceKind::gpu;
  hw.memory_gb = 80;
  hw.memory_bandwidth_gbps = 1000;
  hw.tflops = {{llmhw::Precision::bf16, 100.0}, {llmhw::Precision::fp16, 100.0}};
  hw.interconnect = {"nvlink-test", 100};
  hw.devices_per_node = 8;
  hw.fast_group_sizes = {1, 2, 4, 8};
  if (usd_per_hour > 0) {
    llmhw::Price p;
    p.pricing = "on-demand";
    p.usd_per_device_hour = usd_per_hour;
    p.provider = "aws";
    p.instance_type = "test.8x";
    p.region = "us-east-1";
    p.date = "2025-06";
    hw.prices.push_back(p);
  }
  hw.origin = "tests/unit (hand-built)";
  return hw;
}

// Efficiency with nothing lost: the step is exactly the roofline.
inline llmhw::Efficiency ideal() {
  return llmhw::Efficiency{};
}

// Efficiencies of the kind data/efficiency.json holds for GPUs (all below 1, with overheads).
inline llmhw::Efficiency realistic() {
  llmhw::Efficiency e;
  e.memory_bandwidth = 0.8;
  e.decode_compute = 0.5;
  e.prefill_compute = 0.6;
  e.step_overhead_ms = 1.0;
  e.usable_memory_fraction = 0.9;
  e.reserve_gb = 2.0;
  e.collective_latency_us = 10;
  return e;
}

}  // namespace llmhw_test
