// Memory plan, decode step, prefill, serving point and compute precision (src/core/estimate.cpp).
// The device is llmhw_test::round_gpu(): 80 GB, 1e12 B/s, 1e14 FLOP/s bf16, 100 GB/s link.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "llmhw/estimate.hpp"
#include "test_shapes.hpp"

using llmhw::Precision;

namespace {

// Llama 3.1 8B worked out once (test_shapes.hpp).
using llmhw_test::kAttnFlops8b;
using llmhw_test::kBody8b;
using llmhw_test::kKvPerToken8b;
using llmhw_test::kMatmulFlops8b;
using llmhw_test::kTable8b;
using llmhw_test::kWeightRead8b;
constexpr double kBandwidth = 1000e9;  // round_gpu
constexpr double kPeak = 100e12;       // round_gpu bf16

llmhw::Deployment deployment_of(const llmhw::Model& m, const llmhw::Hardware& hw,
                                Precision w = Precision::bf16, int tp = 1) {
  return llmhw::Deployment{&m, &hw, w, Precision::bf16, tp};
}

}  // namespace

TEST_CASE("compute_precision: native, weight-only and unsupported formats", "[estimate][precision]") {
  llmhw::Hardware bf16_gpu = llmhw_test::round_gpu();
  bf16_gpu.tflops = {{Precision::bf16, 100.0}};
  // Native formats compute as themselves.
  CHECK(llmhw::compute_precision(bf16_gpu, Precision::bf16) == Precision::bf16);
  // Other wide floats run on the widest native 16-bit float.
  CHECK(llmhw::compute_precision(bf16_gpu, Precision::fp16) == Precision::bf16);
  CHECK(llmhw::compute_precision(bf16_gpu, Precision::fp32) == Precision::bf16);
  // Weight-only int8 / int4: dequantized to bf16 in the GEMM.
  CHECK(llmhw::compute_precision(bf16_gpu, Precision::int8) == Precision::bf16);
  CHECK(llmhw::compute_precision(bf16_gpu, Precision::int4) == Precision::bf16);
  // fp8 weight-only exists on GPUs (FP8 Marlin) ...
  CHECK(llmhw::compute_precision(bf16_gpu, Precision::fp8) == Precision::bf16);
  // ... and so does fp4 (MXFP4/NVFP4 Marlin, Triton matmul_ogs on Hopper): weights at 4 bits,
  // math at bf16 (issue 18: gpt-oss on H100/H200 at its own precision).
  CHECK(llmhw::compute_precision(bf16_gpu, Precision::fp4) == Precision::bf16);

  // The same bf16-only chip as a TPU or accelerator: no fp8 or fp4 weight-only path; a CPU has
  // llama.cpp's MXFP4 but no fp8.
  for (llmhw::DeviceKind kind :
       {llmhw::DeviceKind::tpu, llmhw::DeviceKind::accelerator, llmhw::DeviceKind::cpu}) {
    llmhw::Hardware other = bf16_gpu;
    other.kind = kind;
    INFO("kind " << llmhw::to_string(kind));
    CHECK_FALSE(llmhw::compute_precision(other, Precision::fp8).has_value());
    CHECK(llmhw::compute_precision(other, Precision::int8) == Precision::bf16);
    CHECK(llmhw::compute_precision(other, Precision::int4) == Precision::bf16);
    CHECK(llmhw::compute_precision(other, Precision::fp4).has_value() == (kind == llmhw::DeviceKind::cpu));
  }

  // A device with native fp8 and fp4 uses them.
  llmhw::Hardware blackwell = bf16_gpu;
  blackwell.tflops = {{Precision::bf16, 100.0}, {Precision::fp8, 200.0}, {Precision::fp4, 400.0}};
  CHECK(llmhw::compute_precision(blackwell, Precision::fp8) == Precision::fp8);
  CHECK(llmhw::compute_precision(blackwell, Precision::fp4) == Precision::fp4);

  // A CPU with only fp32 matrix units dequantizes int8 weights to fp32.
  llmhw::Hardware cpu = bf16_gpu;
  cpu.kind = llmhw::DeviceKind::cpu;
  cpu.tflops = {{Precision::fp32, 5.0}};
  CHECK(llmhw::compute_precision(cpu, Precision::int8) == Precision::fp32);
  CHECK(llmhw::compute_precision(cpu, Precision::bf16) == Precision::fp32);
}

TEST_CASE("model_weight_bytes: quantized body, 16-bit embedding and LM head", "[estimate][memory]") {
  const llmhw::Model m = llmhw_test::llama_70b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  // Llama 3.1 70B: 80 x 855,654,400 + 2 x 1,050,673,152 + 8192 = 70,553,706,496 parameters, of
  // which 2 x 128256 x 8192 = 2,101,346,304 are embedding + LM head (kept at 2 bytes).
  const double per_layer = 2.0 * 8192 * 8192 + 2.0 * 8192 * 1024 + 3.0 * 8192 * 28672 + 2.0 * 8192;
  const double tables = 2.0 * 128256 * 8192;
  const double total = 80 * per_layer + tables + 8192;
  CHECK(total == Approx(70'553'706'496.0).epsilon(1e-12));
  const double body = total - tables;  // 68,452,360,192
  CHECK(llmhw::model_weight_bytes(deployment_of(m, hw, Precision::bf16)) == Approx(total * 2).epsilon(1e-12));
  CHECK(llmhw::model_weight_bytes(deployment_of(m, hw, Precision::int8)) ==
        Approx(body * 1 + tables * 2).epsilon(1e-12));
  // int4 with an fp16 scale per 128 weights: 0.5 + 2/128 = 0.515625 bytes per weight
  // -> 68,452,360,192 x 0.515625 + 4,202,692,608 = 39,498,440,832 bytes.
  CHECK(llmhw::model_weight_bytes(deployment_of(m, hw, Precision::int4)) ==
        Approx(39'498'440'832.0).epsilon(1e-12));
  // fp4 with an fp8 scale per 16 weights: 0.5 + 1/16 = 0.5625 bytes per weight.
  CHECK(llmhw::model_weight_bytes(deployment_of(m, hw, Precision::fp4)) ==
        Approx(body * 0.5625 + tables * 2).epsilon(1e-12));
}

TEST_CASE("plan_memory: weights, KV per sequence and how many sequences fit", "[estimate][memory]") {
  const llmhw::Model m = llmhw_test::llama_70b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Efficiency eff;
  eff.usable_memory_fraction = 0.9;
  const llmhw::Workload w{1024, 256};
  const double weights_gb = 70'553'706'496.0 * 2 / 1e9;  // 141.107 GB at bf16

  SECTION("TP=1: 141 GB of weights do not fit in 72 usable GB") {
    const llmhw::MemoryPlan p = llmhw::plan_memory(deployment_of(m, hw), w, eff);
    CHECK(p.weights_gb == Approx(weights_gb));
    CHECK(p.capacity_gb == Approx(80 * 0.9));
    CHECK(p.max_sequences == 0);
    CHECK_FALSE(p.fits());
  }
  SECTION("TP=2: half the weights and half the KV heads per device") {
    const llmhw::MemoryPlan p = llmhw::plan_memory(deployment_of(m, hw, Precision::bf16, 2), w, eff);
    CHECK(p.weights_gb == Approx(weights_gb / 2));  // 70.5537 GB
    // KV: 327,680 bytes/token x 1280 tokens x 4 of 8 KV heads = 209,715,200 bytes = 0.2097 GB.
    CHECK(p.kv_gb_per_sequence == Approx(327'680.0 * 1280 * 0.5 / 1e9));
    // Running sequences are held at their mean length 1024 + 256/2 = 1152 tokens:
    // 327,680 x 1152 x 0.5 = 188,743,680 bytes; (72 - 70.553706496) / 0.18874368 = 7.66 -> 7.
    CHECK(p.kv_gb_per_running_sequence == Approx(327'680.0 * 1152 * 0.5 / 1e9));
    CHECK(p.max_sequences == 7);
    // Reserving each sequence's full 1280 tokens (TensorRT-LLM): 1.446293504 / 0.2097152 = 6.9 -> 6.
    CHECK(p.max_full_length_sequences == 6);
    CHECK(p.fits());
  }
  SECTION("a reserve takes memory from the KV cache") {
    llmhw::Efficiency with_reserve = eff;
    with_reserve.reserve_gb = 1.0;
    const llmhw::MemoryPlan p = llmhw::plan_memory(deployment_of(m, hw, Precision::bf16, 2), w, with_reserve);
    CHECK(p.reserve_gb == Approx(1.0));
    // (72 - 70.553706496 - 1) / 0.18874368 = 2.36 -> 2 sequences.
    CHECK(p.max_sequences == 2);
  }
  SECTION("a budget below one full-length sequence fits none, whatever the mean length") {
    llmhw::Efficiency tight = eff;
    // Budget 72 - 70.5537 - 1.3 = 0.1463 GB: less than the 0.2097 GB a full sequence needs,
    // though it is 0.78 of a mean-length one.
    tight.reserve_gb = 1.3;
    const llmhw::MemoryPlan p = llmhw::plan_memory(deployment_of(m, hw, Precision::bf16, 2), w, tight);
    CHECK(p.max_sequences == 0);
    CHECK_FALSE(p.fits());
  }
  SECTION("fp8 KV halves the KV per sequence") {
    llmhw::Deployment d = deployment_of(m, hw, Precision::bf16, 2);
    d.kv = Precision::fp8;
    CHECK(llmhw::plan_memory(d, w, eff).kv_gb_per_sequence == Approx(327'680.0 / 2 * 1280 * 0.5 / 1e9));
  }
}

TEST_CASE("plan_memory: KV heads are replicated when TP exceeds them", "[estimate][memory][tp]") {
  llmhw::Model m = llmhw_test::llama_8b();
  m.kv_heads = 2;  // 32 query heads, 2 KV heads
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{1000, 0};
  // Full KV per sequence: 32 layers x 2 x 2 heads x 128 x 2 bytes x 1000 tokens = 32,768,000 bytes.
  const double full_gb = 32.0 * 2 * 2 * 128 * 2 * 1000 / 1e9;
  const auto kv_at = [&](int tp) {
    return llmhw::plan_memory(deployment_of(m, hw, Precision::bf16, tp), w, {}).kv_gb_per_sequence;
  };
  CHECK(kv_at(1) == Approx(full_gb));
  CHECK(kv_at(2) == Approx(full_gb / 2));  // one KV head per device
  CHECK(kv_at(4) == Approx(full_gb / 2));  // ceil(2/4) = 1 head per device: replicated, not 1/4
  CHECK(kv_at(8) == Approx(full_gb / 2));
  // Weights keep splitting: per device 1/tp of the total.
  const double w1 = llmhw::plan_memory(deployment_of(m, hw, Precision::bf16, 1), w, {}).weights_gb;
  CHECK(llmhw::plan_memory(deployment_of(m, hw, Precision::bf16, 8), w, {}).weights_gb == Approx(w1 / 8));

  // MLA's latent is not split by head: every rank holds all of it.
  const llmhw::Model ds = llmhw_test::deepseek_v3();
  const double mla_gb = (512.0 + 64) * 61 * 2 * 1000 / 1e9;
  CHECK(llmhw::plan_memory(deployment_of(ds, hw, Precision::bf16, 8), w, {}).kv_gb_per_sequence ==
        Approx(mla_gb));
}

TEST_CASE("decode_step with ideal efficiency is exactly the roofline", "[estimate][decode]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Deployment d = deployment_of(m, hw);

  SECTION("batch 1 is memory-bound") {
    // Bytes: 15,009,849,344 of weights + 131,072 x 1000 of KV = 15,140,921,344 -> 15.14 ms.
    // FLOPs: 15,009,849,344 + 524,288 x 1000 = 15,534,137,344 -> 0.155 ms.
    const double bytes = kWeightRead8b + kKvPerToken8b * 1000;
    const double flops = kMatmulFlops8b + kAttnFlops8b * 1000;
    const llmhw::StepTime t = llmhw::decode_step(d, 1, 1000, llmhw_test::ideal());
    CHECK(t.memory_s == Approx(bytes / kBandwidth).epsilon(1e-12));
    CHECK(t.compute_s == Approx(flops / kPeak).epsilon(1e-12));
    CHECK(t.communication_s == 0.0);
    CHECK(t.overhead_s == 0.0);
    CHECK(t.total_s() == Approx(std::max(bytes / kBandwidth, flops / kPeak)).epsilon(1e-12));
    CHECK(t.total_s() == Approx(0.015140921344).epsilon(1e-12));
    CHECK(t.bottleneck() == llmhw::Bottleneck::memory_bandwidth);
  }
  SECTION("batch 4096 is compute-bound") {
    // Bytes: 15,009,849,344 + 4096 x 131,072,000 = 551,880,720,384 -> 0.552 s.
    // FLOPs: 4096 x 15,534,137,344 = 63,627,826,561,024 -> 0.636 s.
    const double bytes = kWeightRead8b + 4096 * kKvPerToken8b * 1000;
    const double flops = 4096 * (kMatmulFlops8b + kAttnFlops8b * 1000);
    const llmhw::StepTime t = llmhw::decode_step(d, 4096, 1000, llmhw_test::ideal());
    CHECK(t.memory_s == Approx(bytes / kBandwidth).epsilon(1e-12));
    CHECK(t.compute_s == Approx(flops / kPeak).epsilon(1e-12));
    CHECK(t.total_s() == Approx(flops / kPeak).epsilon(1e-12));
    CHECK(t.bottleneck() == llmhw::Bottleneck::compute);
  }
}

TEST_CASE("decode_step: quantized weights read fewer bytes", "[estimate][decode]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  // int8 body (1 byte) + bf16 LM head (2 bytes); context 0 so there is no KV to read.
  const llmhw::StepTime t =
      llmhw::decode_step(deployment_of(m, hw, Precision::int8), 1, 0, llmhw_test::ideal());
  CHECK(t.memory_s == Approx((kBody8b * 1 + kTable8b * 2) / kBandwidth).epsilon(1e-12));
  // Weight-only int8 computes in bf16: same FLOPs at the bf16 peak.
  CHECK(t.compute_s == Approx(kMatmulFlops8b / kPeak).epsilon(1e-12));
}

TEST_CASE("decode_step with realistic efficiency is never faster than the roofline", "[estimate][decode]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  for (int tp : {1, 2, 4}) {
    for (double batch : {1.0, 8.0, 64.0, 512.0, 4096.0}) {
      for (double context : {0.0, 512.0, 8192.0}) {
        INFO("tp " << tp << " batch " << batch << " context " << context);
        const llmhw::Deployment d = deployment_of(m, hw, Precision::bf16, tp);
        const double ideal = llmhw::decode_step(d, batch, context, llmhw_test::ideal()).total_s();
        const llmhw::StepTime real = llmhw::decode_step(d, batch, context, llmhw_test::realistic());
        CHECK(real.total_s() >= ideal);
        CHECK(real.overhead_s == Approx(1e-3));  // step_overhead_ms 1.0
        // Bandwidth at 80%: memory time is 1/0.8 of the ideal one; compute at 50%: twice.
        const llmhw::StepTime ideal_parts = llmhw::decode_step(d, batch, context, llmhw_test::ideal());
        CHECK(real.memory_s == Approx(ideal_parts.memory_s / 0.8).epsilon(1e-12));
        CHECK(real.compute_s == Approx(ideal_parts.compute_s / 0.5).epsilon(1e-12));
      }
    }
  }
}

TEST_CASE("decode_step and prefill: overhead per step plus per layer", "[estimate][decode][prefill]") {
  const llmhw::Model m = llmhw_test::llama_8b();  // 32 layers
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Efficiency e = llmhw_test::ideal();
  e.step_overhead_ms = 0.5;
  e.layer_overhead_us = 50;
  // 0.5 ms + 32 x 50 us = 2.1 ms, whatever the batch, context or parallelism.
  for (int pp : {1, 4}) {
    llmhw::Deployment d = deployment_of(m, hw, Precision::bf16, 2);
    d.pp = pp;  // a token crosses all 32 layers, on whichever stages they sit
    CHECK(llmhw::decode_step(d, 1, 0, e).overhead_s == Approx(2.1e-3));
    CHECK(llmhw::decode_step(d, 256, 4096, e).overhead_s == Approx(2.1e-3));
    CHECK(llmhw::prefill(d, 2048, e, 4).overhead_s == Approx(2.1e-3));
    // The overhead adds to the roofline: the step with it is exactly 2.1 ms longer.
    const double roofline = llmhw::decode_step(d, 8, 1024, llmhw_test::ideal()).total_s();
    CHECK(llmhw::decode_step(d, 8, 1024, e).total_s() == Approx(roofline + 2.1e-3).epsilon(1e-12));
  }
  // The per-sequence host cost: 20 us for each of the batch's sequences in one dp group,
  // 256 / 2 groups x 20 us = 2.56 ms on top of 32 x 50 us, whatever the tensor parallelism.
  llmhw::Efficiency per_seq = llmhw_test::ideal();
  per_seq.layer_overhead_us = 50;
  per_seq.sequence_overhead_us = 20;
  for (int tp : {1, 4}) {
    llmhw::Deployment d = deployment_of(m, hw, Precision::bf16, tp);
    d.dp = 2;
    CHECK(llmhw::decode_step(d, 256, 1024, per_seq).overhead_s == Approx(32 * 50e-6 + 128 * 20e-6));
    CHECK(llmhw::prefill(d, 2048, per_seq, 4).overhead_s == Approx(32 * 50e-6));  // decode only
  }
  // Twice the layers, twice the per-layer part.
  llmhw::Model deeper = m;
  deeper.layers = 64;
  e.step_overhead_ms = 0;
  CHECK(llmhw::decode_step(deployment_of(deeper, hw, Precision::bf16), 1, 0, e).overhead_s ==
        Approx(64 * 50e-6));
}

TEST_CASE("decode_step grows with batch, context and model size", "[estimate][decode]") {
  const llmhw::Model m8 = llmhw_test::llama_8b();
  const llmhw::Model m70 = llmhw_test::llama_70b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Efficiency eff = llmhw_test::realistic();
  double previous = 0;
  for (double batch : {1.0, 2.0, 4.0, 16.0, 64.0, 256.0, 1024.0}) {
    const double t = llmhw::decode_step(deployment_of(m8, hw), batch, 2048, eff).total_s();
    CHECK(t > previous);
    previous = t;
  }
  previous = 0;
  for (double context : {0.0, 128.0, 1024.0, 8192.0, 65536.0}) {
    const double t = llmhw::decode_step(deployment_of(m8, hw), 32, context, eff).total_s();
    CHECK(t > previous);
    previous = t;
  }
  for (double batch : {1.0, 32.0, 512.0}) {
    CHECK(llmhw::decode_step(deployment_of(m70, hw), batch, 2048, eff).total_s() >
          llmhw::decode_step(deployment_of(m8, hw), batch, 2048, eff).total_s());
  }
}

TEST_CASE("decode_step with tensor parallelism", "[estimate][decode][tp]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Efficiency eff = llmhw_test::ideal();
  const llmhw::StepTime t1 = llmhw::decode_step(deployment_of(m, hw, Precision::bf16, 1), 1, 1000, eff);
  const llmhw::StepTime t2 = llmhw::decode_step(deployment_of(m, hw, Precision::bf16, 2), 1, 1000, eff);
  // Weights and KV (8 KV heads over 2 ranks) split in half, FLOPs too.
  CHECK(t2.memory_s == Approx(t1.memory_s / 2).epsilon(1e-12));
  CHECK(t2.compute_s == Approx(t1.compute_s / 2).epsilon(1e-12));
  // Two ring all-reduces per layer of 1 token x 4096 x 2 bytes = 8192 bytes; ring moves
  // 2(n-1)/n = 1 x the message at n = 2 over a 100 GB/s link: 8.192e-8 s; x 2 x 32 layers.
  CHECK(t2.communication_s == Approx(2 * 32 * (8192.0 / 100e9)).epsilon(1e-12));
  CHECK(t1.communication_s == 0.0);

  // TP=4 with a 10 us collective latency: 2 x 32 x (10e-6 + 2*3/4 * 8192 / 1e11).
  llmhw::Efficiency with_latency = eff;
  with_latency.collective_latency_us = 10;
  const llmhw::StepTime t4 =
      llmhw::decode_step(deployment_of(m, hw, Precision::bf16, 4), 1, 1000, with_latency);
  CHECK(t4.communication_s == Approx(2 * 32 * (10e-6 + 1.5 * 8192.0 / 100e9)).epsilon(1e-12));
  // Communication does not overlap: it adds to the roofline.
  CHECK(t4.total_s() == Approx(std::max(t4.memory_s, t4.compute_s) + t4.communication_s).epsilon(1e-12));

  // Collectives reaching half the link bandwidth: the transfer term doubles, the latency does not:
  // 2 x 32 x (10e-6 + 1.5 x 8192 / (0.5 x 1e11)).
  llmhw::Efficiency half_link = with_latency;
  half_link.interconnect_bandwidth = 0.5;
  const llmhw::StepTime t4_half =
      llmhw::decode_step(deployment_of(m, hw, Precision::bf16, 4), 1, 1000, half_link);
  CHECK(t4_half.communication_s == Approx(2 * 32 * (10e-6 + 1.5 * 8192.0 / 50e9)).epsilon(1e-12));
  CHECK(t4_half.memory_s == t4.memory_s);
}

TEST_CASE("decode_step: MoE reads only the experts the batch touches", "[estimate][decode][moe]") {
  // Mixtral shape on the round GPU at bf16, context 0 (no KV): memory time x bandwidth / 2 bytes
  // gives the parameters read.
  const llmhw::Model m = llmhw_test::mixtral_8x7b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const double expert = 3.0 * 4096 * 14336;  // 176,160,768
  const double body =
      32 * (2.0 * 4096 * 4096 + 2.0 * 4096 * 1024 + 2 * 4096 + 4096.0 * 8) + 4096;  // no experts
  const double head = 32000.0 * 4096;
  const auto params_read = [&](double batch) {
    return llmhw::decode_step(deployment_of(m, hw), batch, 0, llmhw_test::ideal()).memory_s * kBandwidth / 2;
  };
  // Distinct experts of B tokens picking k=2 of E=8: E x (1 - (1 - k/E)^B).
  // B = 1: 8 x (1 - 0.75) = 2 = k experts per layer.
  CHECK(params_read(1) == Approx(body + head + 32 * 2 * expert).epsilon(1e-12));
  // B = 2: 8 x (1 - 0.75^2) = 8 x 0.4375 = 3.5 experts per layer.
  CHECK(params_read(2) == Approx(body + head + 32 * 3.5 * expert).epsilon(1e-12));
  // B = 1000: 0.75^1000 ~ 1e-125, so all 8 experts are read.
  CHECK(params_read(1000) == Approx(body + head + 32 * 8 * expert).epsilon(1e-12));
  // FLOPs follow the active parameters (2 experts per token), whatever the batch.
  const double active_flops = 2 * (body + 32 * 2 * expert + head);
  CHECK(llmhw::decode_step(deployment_of(m, hw), 1, 0, llmhw_test::ideal()).compute_s ==
        Approx(active_flops / kPeak).epsilon(1e-12));
}

TEST_CASE("serve_closed_loop: with attention DP the experts process every group's prompts",
          "[estimate][serve][moe]") {
  // Mixtral on the round GPU, tp 1 x dp 2 (experts split over both ranks), 2 prompts of 1000
  // tokens per step. At concurrency 2 one group prefills; at 4 both do in the same step, and the
  // experts the ranks share process all 4 prompts: the routed FLOPs per device double, from
  // 2000 x 2 x routed / 2 to 4000 x 2 x routed / 2, with routed = 32 layers x 2 experts x
  // 176,160,768 active parameters per token. Attention and dense layers see one group's prompts.
  const llmhw::Model m = llmhw_test::mixtral_8x7b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Deployment d = deployment_of(m, hw);
  d.dp = 2;
  const llmhw::Workload w{1000, 200};
  const llmhw::EngineLimits limits{1024, 2000};
  const double routed = 32 * 2 * 3.0 * 4096 * 14336;
  const llmhw::ServingPoint one = llmhw::serve_closed_loop(d, w, 2, llmhw_test::ideal(), limits);
  const llmhw::ServingPoint both = llmhw::serve_closed_loop(d, w, 4, llmhw_test::ideal(), limits);
  CHECK(one.prompt.bottleneck() == llmhw::Bottleneck::compute);
  CHECK(both.prompt.compute_s - one.prompt.compute_s == Approx(2000 * routed / kPeak).epsilon(1e-9));
}

TEST_CASE("decode_step: attention DP gathers the tokens to the shared experts", "[estimate][decode][moe]") {
  // Mixtral on the round GPU (100 GB/s links, no collective latency), tp 1 x dp 2: the experts are
  // split over both ranks, so each of the 32 MoE layers gathers both groups' tokens to both ranks
  // and reduce-scatters the outputs, one all-reduce's worth over 2 ranks: batch 4 is 2 tokens per
  // group, 4 tokens shared, 4 x 4096 x 2 bytes = 32,768 bytes x 2 x (2-1)/2 / 1e11 per layer.
  // No TP all-reduce (tp 1) and no all-to-all (no expert parallelism).
  const llmhw::Model m = llmhw_test::mixtral_8x7b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Deployment d = deployment_of(m, hw);
  CHECK(llmhw::decode_step(d, 4, 1000, llmhw_test::ideal()).communication_s == 0.0);
  d.dp = 2;
  CHECK(llmhw::decode_step(d, 4, 1000, llmhw_test::ideal()).communication_s ==
        Approx(32 * 32768.0 / 1e11).epsilon(1e-12));
  // Experts split like the attention (expert parallelism over the dp ranks): no gather.
  d.moe_tp = 1, d.moe_ep = 2;
  const llmhw::StepTime ep = llmhw::decode_step(d, 4, 1000, llmhw_test::ideal());
  // The all-to-all instead: dispatch and combine of 2 tokens x 2 experts x 4096 x 2 bytes over
  // 2 ranks, (2-1)/2 of it each way: 2 x 32 x 0.5 x 32,768 / 1e11.
  CHECK(ep.communication_s == Approx(2 * 32 * 0.5 * 32768.0 / 1e11).epsilon(1e-12));
}

TEST_CASE("decode_step: the experts' token exchange pays the latency of each peer beyond a node",
          "[estimate][decode][moe]") {
  // Mixtral on the round GPU (100 GB/s links, one ring: no scale-out network), tp 1, experts
  // tensor-parallel over every dp rank, a 10 us collective latency. Batch = 2 tokens per dp group.
  // Each of the 32 MoE layers gathers all groups' tokens (2 x dp x 4096 x 2 bytes) to the dp
  // expert ranks: an all-reduce's worth, 2 x (dp-1)/dp of the bytes per link, plus the latency:
  // 10 us up to 8 ranks (one node's peers, what the fitted latency is), and 10 us x (dp-8)/7 more
  // beyond, one more node's worth of latency per 7 more peers each rank exchanges with.
  const llmhw::Model m = llmhw_test::mixtral_8x7b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Efficiency eff = llmhw_test::ideal();
  eff.collective_latency_us = 10;
  const auto gather = [&](int dp) {
    llmhw::Deployment d = deployment_of(m, hw);
    d.dp = dp;
    return llmhw::decode_step(d, 2.0 * dp, 1000, eff).communication_s;
  };
  const auto bytes = [](int dp) { return 2.0 * dp * 4096 * 2; };
  CHECK(gather(8) == Approx(32 * (10e-6 + 2 * 7.0 / 8 * bytes(8) / 1e11)).epsilon(1e-12));
  // 22 ranks: 10 us + 10 us x 14/7 = 30 us per layer.
  CHECK(gather(22) == Approx(32 * (30e-6 + 2 * 21.0 / 22 * bytes(22) / 1e11)).epsilon(1e-12));
}

TEST_CASE("prefill of one prompt", "[estimate][prefill]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  // 1000 tokens, causal attention over 500 earlier tokens on average:
  // FLOPs = 1000 x (15,009,849,344 + 524,288 x 500) = 15,271,993,344,000 -> 0.15272 s at 1e14.
  // Bytes = 15,009,849,344 of weights + 131,072,000 of KV written -> 0.01514 s at 1e12.
  const llmhw::StepTime t = llmhw::prefill(deployment_of(m, hw), 1000, llmhw_test::ideal());
  CHECK(t.compute_s == Approx(1000 * (kMatmulFlops8b + kAttnFlops8b * 500) / kPeak).epsilon(1e-12));
  CHECK(t.compute_s == Approx(0.15271993344).epsilon(1e-12));
  CHECK(t.memory_s == Approx((kWeightRead8b + kKvPerToken8b * 1000) / kBandwidth).epsilon(1e-12));
  CHECK(t.total_s() == Approx(0.15271993344).epsilon(1e-12));
  CHECK(t.bottleneck() == llmhw::Bottleneck::compute);
  // At 60% of peak and 1 ms overhead: 0.15272 / 0.6 + 0.001.
  const llmhw::StepTime r = llmhw::prefill(deployment_of(m, hw), 1000, llmhw_test::realistic());
  CHECK(r.total_s() == Approx(0.15271993344 / 0.6 + 0.001).epsilon(1e-12));
  // Longer prompts take longer.
  CHECK(llmhw::prefill(deployment_of(m, hw), 2000, llmhw_test::ideal()).total_s() > t.total_s());
}

TEST_CASE("prefill: only the quantized share of the work runs at the narrow peak", "[estimate][prefill]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  llmhw::Hardware hw = llmhw_test::round_gpu();
  hw.tflops[Precision::fp8] = 200.0;  // twice the 16-bit peak
  hw.tflops[Precision::fp4] = 400.0;
  const double flops = 1000 * (kMatmulFlops8b + kAttnFlops8b * 500);  // as in "prefill of one prompt"
  llmhw::Efficiency e = llmhw_test::ideal();
  // Share 1 (the default): all at the fp8 peak, the datasheet roofline.
  CHECK(llmhw::prefill(deployment_of(m, hw, Precision::fp8), 1000, e).compute_s == Approx(flops / 200e12));
  // Share 0.5 at fp8: half the FLOPs at 200 TFLOP/s, half at 100: flops x (0.5/200 + 0.5/100) / 1e12.
  e.quantized_share = 0.5;
  CHECK(llmhw::prefill(deployment_of(m, hw, Precision::fp8), 1000, e).compute_s ==
        Approx(flops * (0.5 / 200e12 + 0.5 / 100e12)).epsilon(1e-12));
  // fp4: flops x (0.5/400 + 0.5/100); share 0 runs everything at the 16-bit peak.
  CHECK(llmhw::prefill(deployment_of(m, hw, Precision::fp4), 1000, e).compute_s ==
        Approx(flops * (0.5 / 400e12 + 0.5 / 100e12)).epsilon(1e-12));
  e.quantized_share = 0;
  CHECK(llmhw::prefill(deployment_of(m, hw, Precision::fp4), 1000, e).compute_s == Approx(flops / 100e12));
  // 16-bit weights are unaffected, and so are weight-only int8 weights (computed in bf16).
  CHECK(llmhw::prefill(deployment_of(m, hw, Precision::bf16), 1000, e).compute_s == Approx(flops / 100e12));
  CHECK(llmhw::prefill(deployment_of(m, hw, Precision::int8), 1000, e).compute_s == Approx(flops / 100e12));
  // Invariant: never faster than the datasheet roofline at the narrow peak, slower as the share falls.
  double previous = 0;
  for (double share : {1.0, 0.75, 0.5, 0.25, 0.0}) {
    e.quantized_share = share;
    const double t = llmhw::prefill(deployment_of(m, hw, Precision::fp4), 1000, e).compute_s;
    CHECK(t >= flops / 400e12 * (1 - 1e-12));
    CHECK(t > previous);
    previous = t;
  }
}

// serve() (the open loop) by hand: tests/unit/test_mixing.cpp, "serve (open loop): steps carry
// the prompts that arrive, by hand".

TEST_CASE("serve: latency and throughput grow with concurrency", "[estimate][serve]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{1024, 256};
  for (int tp : {1, 2}) {
    const llmhw::Deployment d = deployment_of(m, hw, Precision::bf16, tp);
    llmhw::ServingPoint previous = llmhw::serve(d, w, 1, llmhw_test::realistic());
    for (double c : {2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 1024.0}) {
      INFO("tp " << tp << " concurrency " << c);
      const llmhw::ServingPoint s = llmhw::serve(d, w, c, llmhw_test::realistic());
      CHECK(s.tpot_s > previous.tpot_s);
      CHECK(s.ttft_s > previous.ttft_s);
      CHECK(s.requests_per_s > previous.requests_per_s);
      CHECK(s.prefill_share < 1.0);
      previous = s;
    }
  }
  // A bigger model serves fewer requests per second at the same concurrency.
  const llmhw::Model big = llmhw_test::llama_70b();
  CHECK(
      llmhw::serve(deployment_of(big, hw, Precision::bf16, 2), w, 4, llmhw_test::realistic()).requests_per_s <
      llmhw::serve(deployment_of(m, hw, Precision::bf16, 2), w, 4, llmhw_test::realistic()).requests_per_s);
}

TEST_CASE("serve_closed_loop: waves, Little's law and wave synchronisation by hand", "[estimate][serve]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{1000, 200};
  // 2000 tokens per engine step: prompts prefill two at a time, so 8 requests take n = 4 steps.
  const llmhw::EngineLimits limits{1024, 2000};
  // Two prompts of 1000 tokens: 2 x 1000 x (15,009,849,344 + 524,288 x 500) FLOPs at 1e14 =
  // 0.30543986688 s (compute-bound; the weights and KV read take 0.0153 s); one prompt half that.
  const double p1 = 0.15271993344;
  const double p2 = 2 * p1;
  const double step = (kWeightRead8b + 8 * kKvPerToken8b * 1100) / kBandwidth;  // as in serve above
  const double round = 4 * p2 + 199 * step;
  for (double s : {0.0, 0.5, 1.0}) {
    INFO("wave synchronisation " << s);
    llmhw::Efficiency eff = llmhw_test::ideal();
    eff.wave_synchronization = s;
    const llmhw::ServingPoint p = llmhw::serve_closed_loop(deployment_of(m, hw), w, 8, eff, limits);
    CHECK(p.prompt.total_s() == Approx(p2).epsilon(1e-12));
    CHECK(p.step.total_s() == Approx(step).epsilon(1e-12));
    CHECK(p.requests_per_s == Approx(8 / round).epsilon(1e-12));
    // A request prefills with the 1 + s prompts that arrived with it (compute-bound: linear in
    // prompts), waits for s x half of the 3 other group prefills and, as far as arrivals are
    // staggered, for half the running decode step.
    const double ttft = (1 + s) * p1 + s * 1.5 * p2 + (1 - s) * step / 2;
    CHECK(p.ttft_s == Approx(ttft).epsilon(1e-12));
    // What of the round is not its TTFT interrupts its 199 decode steps.
    CHECK(p.tpot_s == Approx((round - ttft) / 199).epsilon(1e-12));
    // Little's law: 8 requests in flight, each living TTFT + 199 x TPOT.
    CHECK(p.requests_per_s == Approx(8 / (p.ttft_s + 199 * p.tpot_s)).epsilon(1e-12));
  }
  // s = 0 and 1 by number: staggered, TTFT = 152.72 + 16.163 / 2 = 160.80 ms and TPOT = 16.163 ms
  // + (3 x 305.44 + 152.72 - 8.08) ms / 199 = 21.495 ms; synchronised, TTFT = 2.5 x 305.44 =
  // 763.60 ms and TPOT 18.466 ms.
  llmhw::Efficiency eff = llmhw_test::ideal();
  eff.wave_synchronization = 0;
  CHECK(llmhw::serve_closed_loop(deployment_of(m, hw), w, 8, eff, limits).ttft_s ==
        Approx(0.15271993344 + 0.016163282944 / 2).epsilon(1e-12));
  CHECK(
      llmhw::serve_closed_loop(deployment_of(m, hw), w, 8, eff, limits).tpot_s ==
      Approx(0.016163282944 + (3 * 0.30543986688 + 0.15271993344 - 0.016163282944 / 2) / 199).epsilon(1e-12));
  eff.wave_synchronization = 1;
  CHECK(llmhw::serve_closed_loop(deployment_of(m, hw), w, 8, eff, limits).ttft_s ==
        Approx(2.5 * 0.30543986688).epsilon(1e-12));
}

TEST_CASE("serve_closed_loop: the request latency is the client's, reported apart from TTFT",
          "[estimate][serve]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{1000, 200};
  const llmhw::EngineLimits limits{1024, 2000};
  for (double c : {1.0, 8.0, 64.0}) {
    INFO("concurrency " << c);
    llmhw::Efficiency eff = llmhw_test::realistic();
    const llmhw::ServingPoint base = llmhw::serve_closed_loop(deployment_of(m, hw), w, c, eff, limits);
    eff.request_latency_ms = 150;
    const llmhw::ServingPoint late = llmhw::serve_closed_loop(deployment_of(m, hw), w, c, eff, limits);
    // 150 ms of the client's, apart; the server's TTFT, its steps, TPOT and throughput unchanged.
    CHECK(late.client_latency_s == Approx(0.150).epsilon(1e-12));
    CHECK(late.ttft_s == Approx(base.ttft_s).epsilon(1e-12));
    CHECK(late.tpot_s == Approx(base.tpot_s).epsilon(1e-12));
    CHECK(late.output_tokens_per_s == Approx(base.output_tokens_per_s).epsilon(1e-12));
  }
}

TEST_CASE("serve_closed_loop: TTFT, TPOT and throughput grow with concurrency", "[estimate][serve]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::EngineLimits limits{256, 8192};
  for (double s : {0.0, 0.5, 1.0}) {
    llmhw::Efficiency eff = llmhw_test::realistic();
    eff.wave_synchronization = s;
    for (const llmhw::Workload w : {llmhw::Workload{1024, 128}, llmhw::Workload{4096, 1024}}) {
      llmhw::ServingPoint previous = llmhw::serve_closed_loop(deployment_of(m, hw), w, 1, eff, limits);
      for (double c : {2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0}) {
        INFO("s " << s << " isl " << w.input_tokens << " concurrency " << c);
        const llmhw::ServingPoint p = llmhw::serve_closed_loop(deployment_of(m, hw), w, c, eff, limits);
        CHECK(p.tpot_s >= previous.tpot_s);
        CHECK(p.ttft_s >= previous.ttft_s);
        CHECK(p.requests_per_s > previous.requests_per_s);
        CHECK(p.tpot_s >= p.step.total_s());
        previous = p;
      }
    }
  }
}

TEST_CASE("serve_closed_loop: a request beyond the KV capacity waits for blocks, not rounds",
          "[estimate][serve][admission]") {
  // The serve_closed_loop hand calculation above, with the KV cache holding 4 of the 8 requests
  // (issue 18). Staggered arrivals (s = 0): a request prefills alone after half a decode step.
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{1000, 200};
  llmhw::Efficiency eff = llmhw_test::ideal();
  eff.wave_synchronization = 0;
  llmhw::EngineLimits limits{1024, 2000};
  limits.kv_sequences = 4;
  const auto prefill_of = [](double tokens) {  // one prompt, compute-bound
    return tokens * (kMatmulFlops8b + kAttnFlops8b * tokens / 2) / kPeak;
  };
  const double p1 = prefill_of(1000);  // 0.15271993344 s, as above
  const double p2 = 2 * p1;
  // 4 sequences decode at a time: the weights plus 4 x 1,100 tokens of KV per step.
  const double step4 = (kWeightRead8b + 4 * kKvPerToken8b * 1100) / kBandwidth;  // 15.586 ms
  const double wave = 2 * p2 + 199 * step4;  // 4 prompts, two per 2,000-token step, then 199 steps
  SECTION("vLLM and SGLang: beyond the mean-length capacity the rest queue, not rounds") {
    // vLLM puts a preempted request back at the front of its queue and admits none while it
    // preempts; SGLang reserves its outputs: 4 run, the other 4 wait in the queue. Little's law:
    // (8 - 4) / lambda with lambda = 4 / wave, one wave, not the 3.7 s of whole rounds the
    // estimate gave before issue 18.
    const llmhw::ServingPoint p = llmhw::serve_closed_loop(deployment_of(m, hw), w, 8, eff, limits);
    CHECK(p.step.total_s() == Approx(step4).epsilon(1e-12));
    CHECK(p.requests_per_s == Approx(4 / wave).epsilon(1e-12));
    const double first = p1 + step4 / 2;  // 160.51 ms: its own prefill after half a step
    CHECK(p.ttft_s == Approx(first + wave).epsilon(1e-12));
    // The 4 running live one wave each, all but their first token in TPOT.
    CHECK(p.tpot_s == Approx((wave - first) / 199).epsilon(1e-12));
    CHECK(p.requests_per_s == Approx(8 / (p.ttft_s + 199 * p.tpot_s)).epsilon(1e-12));
  }
  SECTION("TensorRT-LLM GUARANTEED_NO_EVICT: beyond the full-length capacity, wait for a finished request") {
    limits.reserve_full_length = true;
    // 5 requests, 4 fit: the fifth waits for one of the 4 to finish and free its blocks, a
    // quarter of a wave on average (Little: (5 - 4) / lambda with lambda = 4 / wave), not a wave.
    const llmhw::ServingPoint p = llmhw::serve_closed_loop(deployment_of(m, hw), w, 5, eff, limits);
    CHECK(p.requests_per_s == Approx(4 / wave).epsilon(1e-12));
    CHECK(p.ttft_s == Approx(p1 + step4 / 2 + wave / 4).epsilon(1e-12));
    CHECK(p.tpot_s == Approx((wave - p1 - step4 / 2) / 199).epsilon(1e-12));
  }
  SECTION("within the capacity nothing changes") {
    limits.kv_sequences = 8;
    const llmhw::ServingPoint with = llmhw::serve_closed_loop(deployment_of(m, hw), w, 8, eff, limits);
    limits.kv_sequences = 0;
    const llmhw::ServingPoint without = llmhw::serve_closed_loop(deployment_of(m, hw), w, 8, eff, limits);
    CHECK(with.ttft_s == without.ttft_s);
    CHECK(with.tpot_s == without.tpot_s);
  }
}

TEST_CASE("auto KV precision: the checkpoint's, else the engine's for the weights, else bf16",
          "[estimate][kv]") {
  llmhw::Model m = llmhw_test::llama_8b();
  llmhw::EngineLimits vllm, trtllm;
  trtllm.kv_with_quantized_weights = Precision::fp8;
  CHECK(llmhw::auto_kv_precision(m, Precision::fp8, vllm, "vllm").kv == Precision::bf16);
  CHECK(llmhw::auto_kv_precision(m, Precision::fp8, trtllm, "trtllm").kv == Precision::fp8);
  CHECK(llmhw::auto_kv_precision(m, Precision::fp4, trtllm, "trtllm").kv == Precision::fp8);
  // bf16 and int4 weights: TensorRT-LLM keeps the model's dtype.
  CHECK(llmhw::auto_kv_precision(m, Precision::bf16, trtllm, "trtllm").kv == Precision::bf16);
  CHECK(llmhw::auto_kv_precision(m, Precision::int4, trtllm, "trtllm").kv == Precision::bf16);
  m.checkpoint_kv_precision = Precision::fp8;
  const llmhw::KvChoice c = llmhw::auto_kv_precision(m, Precision::fp8, vllm, "vllm");
  CHECK(c.kv == Precision::fp8);
  CHECK(c.why.find("checkpoint") != std::string::npos);
}

TEST_CASE("plan_memory: TensorRT-LLM's fraction is of the memory the weights leave", "[estimate][memory]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();  // 80 GB
  llmhw::Efficiency eff = llmhw_test::realistic();     // 0.9, 2 GB reserve
  const llmhw::Deployment d = deployment_of(m, hw);
  const llmhw::MemoryPlan of_device = llmhw::plan_memory(d, {1000, 200}, eff);
  eff.usable_fraction_of_free = true;
  const llmhw::MemoryPlan of_free = llmhw::plan_memory(d, {1000, 200}, eff);
  // Weights (6.98B body + 0.53B embedding + 0.53B head) x 2 bytes = 16.06 GB. vLLM: 72 GB usable,
  // 72 - 16.06 - 2 = 53.94 GB of KV; TensorRT-LLM: 0.9 x (80 - 16.06 - 2) = 55.75 GB.
  const double weights = (kBody8b + 2 * kTable8b) * 2 / 1e9;
  CHECK(of_device.weights_gb == Approx(weights).epsilon(1e-12));
  CHECK(of_device.capacity_gb - of_device.weights_gb - of_device.reserve_gb ==
        Approx(72 - weights - 2).epsilon(1e-9));
  CHECK(of_free.capacity_gb - of_free.weights_gb - of_free.reserve_gb ==
        Approx(0.9 * (80 - weights - 2)).epsilon(1e-9));
}
