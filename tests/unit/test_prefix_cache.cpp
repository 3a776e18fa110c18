// Prefix caching (src/core/prefix_cache.cpp and the prefill and memory plan in estimate.cpp), on
// llmhw_test::round_gpu(): 80 GB, 1e12 B/s, 1e14 FLOP/s bf16, ideal efficiencies.
#include <catch2/catch.hpp>

#include "llmhw/estimate.hpp"
#include "llmhw/prefix_cache.hpp"
#include "test_shapes.hpp"

using llmhw::Precision;

// Llama 3.1 8B worked out once (test_shapes.hpp).
using llmhw_test::kAttnFlops8b;
using llmhw_test::kKvPerToken8b;
using llmhw_test::kMatmulFlops8b;

TEST_CASE("cached prompt tokens: the hit share, at least the shared prefix, never the last token",
          "[prefix-cache]") {
  llmhw::Workload w{1000, 100};
  CHECK(llmhw::cached_prompt_tokens(w, 1000) == 0);
  w.prefix_cache_hit = 0.5;
  CHECK(llmhw::cached_prompt_tokens(w, 1000) == 500);
  w.shared_prefix_tokens = 700;
  CHECK(llmhw::cached_prompt_tokens(w, 1000) == 700);
  w.prefix_cache_hit = 1.0;
  CHECK(llmhw::cached_prompt_tokens(w, 1000) == 999);
  CHECK(llmhw::new_prompt_tokens(w, 1000) == 1);
}

TEST_CASE("a prefix-cache hit saves the prefill FLOPs of the cached tokens, worked by hand",
          "[prefix-cache]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Efficiency eff = llmhw_test::ideal();
  const llmhw::Deployment d{&m, &hw, Precision::bf16, Precision::bf16, 1};
  // 1,024 prompt tokens, none cached: 1,024 x (matmuls + attention to 512 earlier tokens on
  // average). Half cached: 512 new tokens x (matmuls + attention to 512 cached + 256 new).
  // Saved: 512 x matmuls + (1,024 x 512 - 512 x 768) x attention = 512 M + 131,072 A.
  const double full = 1024 * (kMatmulFlops8b + 512 * kAttnFlops8b);
  const double half = 512 * (kMatmulFlops8b + 768 * kAttnFlops8b);
  const double saved = 512 * kMatmulFlops8b + 131072 * kAttnFlops8b;  // 7.754e12 FLOPs
  CHECK(full - half == Approx(saved));
  const double peak = 100e12;
  CHECK(llmhw::prefill(d, 1024, eff).compute_s * peak == Approx(full));
  CHECK(llmhw::prefill_with_cache(d, 512, 512, eff).compute_s * peak == Approx(half));
  CHECK((llmhw::prefill(d, 1024, eff).compute_s - llmhw::prefill_with_cache(d, 512, 512, eff).compute_s) *
            peak ==
        Approx(saved));
}

TEST_CASE("TTFT falls strictly as the prefix-cache hit goes 0, 0.5, 0.9", "[prefix-cache]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Efficiency eff = llmhw_test::realistic();
  const llmhw::Deployment d{&m, &hw, Precision::bf16, Precision::bf16, 1};
  double open_last = 1e9, closed_last = 1e9;
  for (double hit : {0.0, 0.5, 0.9}) {
    llmhw::Workload w{4096, 256};
    w.prefix_cache_hit = hit;
    const double open = llmhw::serve(d, w, 16, eff).ttft_s;
    const double closed = llmhw::serve_closed_loop(d, w, 16, eff, llmhw::EngineLimits{}).ttft_s;
    CHECK(open < open_last);
    CHECK(closed < closed_last);
    open_last = open, closed_last = closed;
  }
}

TEST_CASE("a shared prefix is held once in the KV cache, so more sequences fit", "[prefix-cache]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Efficiency eff = llmhw_test::ideal();
  const llmhw::Deployment d{&m, &hw, Precision::bf16, Precision::bf16, 1};
  llmhw::Workload w{1024, 256};
  const llmhw::MemoryPlan without = llmhw::plan_memory(d, w, eff);
  w.shared_prefix_tokens = 512;
  const llmhw::MemoryPlan with = llmhw::plan_memory(d, w, eff);
  // Each sequence holds 1,024 - 512 + 128 tokens at its mean length; the 512 shared ones once.
  CHECK(with.kv_gb_per_running_sequence == Approx(640 * kKvPerToken8b / 1e9));
  const double budget = with.capacity_gb - with.weights_gb - with.reserve_gb;
  CHECK(with.max_sequences ==
        static_cast<long>((budget - 512 * kKvPerToken8b / 1e9) / (640 * kKvPerToken8b / 1e9)));
  CHECK(with.max_sequences > without.max_sequences);
}
