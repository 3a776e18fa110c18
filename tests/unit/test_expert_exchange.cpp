// The experts' token exchange across nodes (include/llmhw/expert_exchange.hpp) and its charge in
// the decode step with attention data parallelism over more than one node (src/core/estimate.cpp).
#include <catch2/catch.hpp>

#include "llmhw/estimate.hpp"
#include "llmhw/expert_exchange.hpp"
#include "test_shapes.hpp"

TEST_CASE("internode_exchange_seconds: DeepEP's published low-latency dispatch and combine",
          "[estimate][moe][expert_exchange]") {
  // DeepEP docs/legacy.md (H800, CX7 400 Gb/s = 50 GB/s, 128 tokens per rank, hidden 7168, top-8):
  // a token copy is 7,168 B of FP8 plus 56 x 4 B of scales = 7,392 B dispatched, 14,336 B of BF16
  // combined; (EP - 8) / EP of the 1,024 copies go to other nodes (8 GPUs per node).
  const auto remote = [](double copy_bytes, int ep) { return 128.0 * 8 * copy_bytes * (ep - 8) / ep; };
  // EP 16: 47 us + 3,784,704 B / 50 GB/s = 122.7 us (published 118 us); combine 47 + 146.8 =
  // 193.8 us (published 195 us).
  CHECK(llmhw::internode_exchange_seconds(remote(7392, 16), 50e9) == Approx(122.69e-6).epsilon(1e-3));
  CHECK(llmhw::internode_exchange_seconds(remote(7392, 16), 50e9) == Approx(118e-6).epsilon(0.05));
  CHECK(llmhw::internode_exchange_seconds(remote(14336, 16), 50e9) == Approx(195e-6).epsilon(0.05));
  // EP 64: 47 + 132.5 = 179.5 us (published 173 us); combine 47 + 256.9 = 303.9 us (314 us).
  CHECK(llmhw::internode_exchange_seconds(remote(7392, 64), 50e9) == Approx(173e-6).epsilon(0.05));
  CHECK(llmhw::internode_exchange_seconds(remote(14336, 64), 50e9) == Approx(314e-6).epsilon(0.05));
  // No bandwidth figure: the fixed cost alone.
  CHECK(llmhw::internode_exchange_seconds(1e6, 0) == Approx(47e-6).epsilon(1e-12));
}

TEST_CASE("decode_step: attention DP across nodes pays the experts' exchange over the network",
          "[estimate][decode][moe][expert_exchange]") {
  // Mixtral (32 MoE layers, hidden 4096, top-2) on the round GPU (8 per node, 100 GB/s links) with a
  // 50 GB/s scale-out network, ideal efficiencies (no collective latency). tp 1 x dp 16, experts
  // spread by EP 16 over both nodes, batch 16: one token per rank.
  const llmhw::Model m = llmhw_test::mixtral_8x7b();
  llmhw::Hardware hw = llmhw_test::round_gpu();
  hw.scale_out = llmhw::Link{"ib-test", 50};
  llmhw::Deployment d{&m, &hw, llmhw::Precision::bf16, llmhw::Precision::bf16, 1};
  d.dp = 16, d.moe_tp = 1, d.moe_ep = 16;
  // The all-to-all as before: 1 token x 2 experts x 4096 x 2 B = 16,384 B over 16 ranks, within
  // each node (7/8 of it at 100 GB/s), then 1/8 of it between the two nodes (1/2 at 50 GB/s);
  // dispatch and combine in each of the 32 layers.
  const double ring = 7.0 / 8 * 16384 / 100e9 + 0.5 * 2048 / 50e9;
  // The cross-node exchange: the 8/16 of the 2 token copies on the other node, 1 x 2 x 8/16 = 1 copy
  // of 4096 elements, dispatched in FP8 (4,096 B) and combined in BF16 (8,192 B) at 50 GB/s, 47 us
  // each: 32 x (94 us + 12,288 B / 50 GB/s) = 3.016 ms; with the ring, 3.027 ms.
  const double internode = 2 * 47e-6 + (4096 + 8192) / 50e9;
  const llmhw::StepTime wide = llmhw::decode_step(d, 16, 1000, llmhw_test::ideal());
  CHECK(wide.communication_s == Approx(64 * ring + 32 * internode).epsilon(1e-9));
  CHECK(wide.communication_s == Approx(3.027e-3).epsilon(1e-3));
  // The same 16 devices with the attention tensor-parallel over all of them: every rank holds every
  // token, the all-reduces combine the experts' outputs and nothing crosses as an all-to-all.
  d.dp = 1, d.tp = 16;
  CHECK(llmhw::decode_step(d, 16, 1000, llmhw_test::ideal()).communication_s < 64 * 47e-6);
  // Within one node (dp 8, EP 8) the exchange stays on the fast links.
  d.tp = 1, d.dp = 8, d.moe_ep = 8;
  CHECK(llmhw::decode_step(d, 8, 1000, llmhw_test::ideal()).communication_s ==
        Approx(64 * 7.0 / 8 * 16384 / 100e9).epsilon(1e-9));
}
