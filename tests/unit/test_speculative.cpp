// Speculative decoding (src/core/speculative.cpp and the serving step in estimate.cpp), on
// llmhw_test::round_gpu(): 80 GB, 1e12 B/s, 1e14 FLOP/s bf16, ideal efficiencies.
#include <catch2/catch.hpp>

#include "llmhw/estimate.hpp"
#include "llmhw/speculative.hpp"
#include "test_shapes.hpp"

using llmhw::Precision;
using llmhw::SpecMethod;

namespace {

// Llama 3.1 8B worked out once (test_shapes.hpp); one decoder layer plus the final norm is the
// MTP/EAGLE drafter's body.
using llmhw_test::kBody8b;
using llmhw_test::kKvPerToken8b;
using llmhw_test::kLayer8b;
using llmhw_test::kTable8b;

llmhw::Model llama_with_mtp() {
  llmhw::Model m = llmhw_test::llama_8b();
  m.mtp_layers = 1;
  return m;
}

}  // namespace

TEST_CASE("speculative defaults reproduce the published acceptance", "[speculative]") {
  const llmhw::Model ds = llmhw_test::deepseek_v3();
  // DeepSeek-V3 report: second-token acceptance 85-90%, so K=1 keeps 1 + 0.875 tokens per step.
  CHECK(llmhw::default_acceptance(ds, SpecMethod::mtp, 1).acceptance == Approx(1.875));
  // nebius/MTP-DeepSeek-V3-0324: the original MTP module keeps 3.20 tokens per step at K=7.
  CHECK(llmhw::default_acceptance(ds, SpecMethod::mtp, 7).acceptance == Approx(3.20).margin(0.01));
  // EAGLE-3 Llama-3.1-8B head: 2.77 tokens per step on MT-bench at K=7.
  CHECK(llmhw::default_acceptance(llmhw_test::llama_8b(), SpecMethod::eagle, 7).acceptance ==
        Approx(2.77).margin(0.01));
  // Tokens kept never exceed K + 1 and grow with K.
  for (SpecMethod m : {SpecMethod::mtp, SpecMethod::eagle, SpecMethod::draft}) {
    double last = 1;
    for (int k = 1; k <= 8; ++k) {
      const double a = llmhw::default_acceptance(ds, m, k).acceptance;
      CHECK(a > last);
      CHECK(a <= k + 1.0);
      last = a;
    }
  }
}

TEST_CASE("MTP head detection and the one-layer drafter", "[speculative]") {
  CHECK_FALSE(llmhw::has_mtp_head(llmhw_test::llama_8b()));
  CHECK(llmhw::has_mtp_head(llama_with_mtp()));
  // DeepSeek-V3's MTP module is one MoE layer; the first three dense layers do not apply.
  const llmhw::Model head = llmhw::head_drafter(llmhw_test::deepseek_v3(), SpecMethod::mtp);
  const auto plan = llmhw::layer_plan(head);
  REQUIRE(plan.size() == 1);
  CHECK(plan[0].mlp == llmhw::Mlp::moe);
  // An EAGLE head is one dense layer.
  CHECK(llmhw::layer_plan(llmhw::head_drafter(llmhw_test::deepseek_v3(), SpecMethod::eagle))[0].mlp ==
        llmhw::Mlp::dense);
}

TEST_CASE("a memory-bound speculative step costs one verification plus the drafter, per kept token",
          "[speculative]") {
  const llmhw::Model m = llama_with_mtp();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Efficiency eff = llmhw_test::ideal();
  llmhw::Deployment plain{&m, &hw, Precision::bf16, Precision::bf16, 1};
  llmhw::Deployment spec = plain;
  spec.speculation = llmhw::make_speculation(m, SpecMethod::mtp, 1, 1.875);
  REQUIRE(spec.speculation.active());
  const double context = 1024;
  // Batch 1: both steps are memory-bound. The verification reads what a plain step reads: the
  // body and LM head at 2 bytes plus the KV of 1,024 tokens; the drafter reads one layer, its norm
  // and the LM head plus one layer's KV (4,096 bytes per token).
  const double plain_read = (2 * (kBody8b + kTable8b) + kKvPerToken8b * context) / 1e12;
  const double draft_read = (2 * (kLayer8b + 4096 + kTable8b) + 4096.0 * context) / 1e12;
  const llmhw::StepTime p = llmhw::decode_step(plain, 1, context, eff);
  const llmhw::StepTime s = llmhw::speculative_decode_step(spec, 1, context, eff);
  CHECK(p.memory_s == Approx(plain_read));
  CHECK(s.memory_s == Approx((plain_read + draft_read) / 1.875));
  CHECK(s.total_s() < p.total_s());
  // The drafter's weights (one layer and its norm, the LM head shared) sit next to the target's.
  const llmhw::Workload w{1024, 256};
  CHECK(llmhw::plan_memory(spec, w, eff).weights_gb - llmhw::plan_memory(plain, w, eff).weights_gb ==
        Approx(2 * (kLayer8b + 4096) / 1e9));
}

TEST_CASE("speculative decoding wins at small batches and loses throughput where decode is compute-bound",
          "[speculative]") {
  const llmhw::Model m = llama_with_mtp();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Efficiency eff = llmhw_test::ideal();
  llmhw::Deployment plain{&m, &hw, Precision::bf16, Precision::bf16, 1};
  llmhw::Deployment spec = plain;
  spec.speculation = llmhw::make_speculation(m, SpecMethod::mtp, 3, std::nullopt);
  const llmhw::Workload w{256, 256};
  // Throughput and TPOT at one concurrency, with and without speculation (open loop).
  const auto ratio = [&](double concurrency) {
    const llmhw::ServingPoint a = llmhw::serve(plain, w, concurrency, eff);
    const llmhw::ServingPoint b = llmhw::serve(spec, w, concurrency, eff);
    return b.output_tokens_per_s / a.output_tokens_per_s;
  };
  // Batch 1, memory-bound: a step keeps 2.74 tokens for 1 verification + 3 one-layer drafts.
  CHECK(ratio(1) > 2.0);
  CHECK(llmhw::serve(spec, w, 1, eff).tpot_s < llmhw::serve(plain, w, 1, eff).tpot_s);
  // Batch 4,096 (compute-bound: 4,096 x 15 GFLOP = 61 TFLOP per token step vs 15 GB read):
  // verifying 4 tokens per sequence costs 4x the compute for 2.74 tokens kept.
  CHECK(ratio(4096) < 1.0);
  // The crossover lies between: the gain falls as the batch grows, and stays flat once both are
  // compute-bound (then it is the tokens kept over the work of K + 1 tokens plus the drafter's).
  double last = ratio(1);
  for (double c : {16.0, 64.0, 256.0, 1024.0, 4096.0}) {
    const double r = ratio(c);
    CHECK(r <= last * (1 + 1e-12));
    last = r;
  }
  CHECK(ratio(64) < ratio(1));
}

TEST_CASE("a speculative step samples K + 1 positions in verification and one per draft forward",
          "[speculative]") {
  const llmhw::Model m = llama_with_mtp();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Efficiency eff = llmhw_test::ideal();
  eff.sequence_overhead_us = 10;  // per sequence (per sampled position) and step
  eff.layer_overhead_us = 5;      // per layer a forward passes
  llmhw::Deployment plain{&m, &hw, Precision::bf16, Precision::bf16, 1};
  llmhw::Deployment spec = plain;
  spec.speculation = llmhw::make_speculation(m, SpecMethod::mtp, 3, 2.5);
  // Batch 8, K = 3. Plain: 32 layers x 5 us + 8 sequences x 10 us = 240 us.
  CHECK(llmhw::decode_step(plain, 8, 1024, eff).overhead_s == Approx(240e-6));
  // Speculative step: verification 32 x 5 us + 8 x 4 positions x 10 us = 480 us; three one-layer
  // draft forwards (the extend and two single-token steps) 3 x 5 us = 15 us plus one sampled
  // draft token per sequence each, 3 x 8 x 10 us = 240 us: 735 us for 2.5 kept tokens.
  CHECK(llmhw::speculative_decode_step(spec, 8, 1024, eff).overhead_s == Approx(735e-6 / 2.5));
}

TEST_CASE("the draft extend passes the K + 1 verified positions through the MTP layer's experts",
          "[speculative]") {
  llmhw::Model m = llmhw_test::mixtral_8x7b();
  m.mtp_layers = 1;
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Efficiency eff = llmhw_test::ideal();
  llmhw::Deployment plain{&m, &hw, Precision::bf16, Precision::bf16, 1};
  llmhw::Deployment spec = plain;
  spec.speculation = llmhw::make_speculation(m, SpecMethod::mtp, 1, 1.5);
  // Mixtral: an expert is 3 x 4096 x 14336 weights; 2 tokens (K + 1 = 2 positions of one
  // sequence) reach 8 x (1 - (6/8)^2) = 3.5 of the 8 experts, one token 2.
  const double expert = 3.0 * 4096 * 14336;
  const double plain_read = llmhw::decode_step(plain, 1, 1024, eff).memory_s;
  // Verification: the plain read plus 1.5 more experts in each of the 32 layers.
  const double verify_read = plain_read + 32 * 1.5 * expert * 2 / 1e12;
  // The extend (K = 1: the only draft forward): one layer's attention (2 x 4096 x 4096 +
  // 2 x 4096 x 1024), router (4096 x 8), two norms and the final norm, the LM head (32,000 x
  // 4096), 3.5 experts, at 2 bytes, plus that layer's KV of 1,024 tokens (2 x 8 x 128 x 2 bytes).
  const double layer = 2.0 * 4096 * 4096 + 2.0 * 4096 * 1024 + 4096.0 * 8 + 3 * 4096.0;
  const double extend_read = (2 * (layer + 32000.0 * 4096 + 3.5 * expert) + 4096.0 * 1024) / 1e12;
  CHECK(llmhw::speculative_decode_step(spec, 1, 1024, eff).memory_s ==
        Approx((verify_read + extend_read) / 1.5));
}
