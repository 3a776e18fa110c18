// The open loop's engine terms (Deployment::steps_scheduled_ahead and frontend_latency_ms,
// src/core/estimate.cpp OpenLoop::detail and src/core/sizing.cpp), worked out by hand on the
// round device of llmhw_test::round_gpu(): 80 GB, 1e12 B/s, 1e14 FLOP/s bf16.
#include <catch2/catch.hpp>

#include <cmath>

#include "llmhw/estimate.hpp"
#include "llmhw/recommend.hpp"
#include "test_shapes.hpp"

namespace {

// Llama 3.1 8B at bf16 (test_mixing.cpp): weights read per step and matmul FLOPs per token both
// 15,009,849,344; KV 131,072 bytes per token; attention 524,288 FLOPs per token per earlier token.
constexpr double kOpenLoopWeights = 15009849344.0;
constexpr double kOpenLoopKvPerToken = 131072.0;
constexpr double kOpenLoopAttention = 524288.0;

}  // namespace

TEST_CASE("open loop: an engine that schedules a step ahead adds one mean step to TTFT, by hand",
          "[mixing][serve][engine]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{1000, 200};
  llmhw::Deployment d{&m, &hw, llmhw::Precision::bf16, llmhw::Precision::bf16, 1};
  // 8 in flight at context 1100: the plain step reads 15,009,849,344 + 8 x 131,072 x 1100 B
  // (16.163 ms, memory-bound); a step with P prompt tokens attending to 500 earlier ones is
  // max(that + P x 131,072 B, 8 decode tokens' FLOPs + P x (15,009,849,344 + 524,288 x 500)).
  const double mem0 = (kOpenLoopWeights + 8 * kOpenLoopKvPerToken * 1100) / 1e12;
  const double cmp0 = 8 * (kOpenLoopWeights + kOpenLoopAttention * 1100) / 1e14;
  const auto step = [&](double p) {
    return std::max(mem0 + p * kOpenLoopKvPerToken / 1e12,
                    cmp0 + p * (kOpenLoopWeights + kOpenLoopAttention * 500) / 1e14);
  };
  // m = 8 / 200 = 0.04 prompts per step (Poisson): E[T] and E[T^2] over the step mix.
  double mean = 0, second = 0, pmf = std::exp(-0.04);
  for (int k = 0; k < 30; ++k) {
    if (k > 0) pmf *= 0.04 / k;
    mean += pmf * step(1000.0 * k);
    second += pmf * step(1000.0 * k) * step(1000.0 * k);
  }
  CHECK(mean == Approx(0.0216872015).epsilon(1e-8));  // 21.687 ms (test_mixing.cpp)
  const llmhw::Efficiency eff = llmhw_test::ideal();
  const llmhw::OpenLoop::Detail plain = llmhw::OpenLoop(d, w, eff).detail(8);
  CHECK(plain.ahead_s == 0);
  CHECK(plain.point.ttft_s == Approx(second / (2 * mean) + step(1040)).epsilon(1e-9));

  // vLLM's async scheduling: step N+1 is already scheduled when a request arrives during step N,
  // so it waits out the running step's remainder, then one whole (mean) step, then its own, when
  // the engine is busy: with 8 in flight (Poisson, mean 8) it is idle with probability e^-8 =
  // 0.000335. The API server's 9 ms come on top. TPOT and the rate do not change.
  d.steps_scheduled_ahead = 1;
  d.frontend_latency_ms = 9;
  const double busy = 1 - std::exp(-8.0);
  CHECK(busy == Approx(0.999664537));
  const llmhw::OpenLoop::Detail ahead = llmhw::OpenLoop(d, w, eff).detail(8);
  CHECK(ahead.ahead_s == Approx(busy * mean).epsilon(1e-9));
  CHECK(ahead.residual_s == Approx(second / (2 * mean) + busy * mean).epsilon(1e-9));
  CHECK(ahead.point.ttft_s == Approx(second / (2 * mean) + busy * mean + step(1040) + 0.009).epsilon(1e-9));
  CHECK(ahead.point.ttft_s - plain.point.ttft_s == Approx(0.999664537 * 0.0216872015 + 0.009).epsilon(1e-7));
  CHECK(ahead.point.tpot_s == plain.point.tpot_s);
  CHECK(ahead.point.requests_per_s == plain.point.requests_per_s);
}

TEST_CASE("open loop at a rate: the API server's time is in every TTFT percentile, once", "[serve][engine]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Deployment d{&m, &hw, llmhw::Precision::bf16, llmhw::Precision::bf16, 1};
  llmhw::Query q;
  q.qps = 1;
  q.workload = llmhw::Workload{1000, 200};
  const llmhw::Efficiency eff = llmhw_test::ideal();
  const llmhw::RateLoad without = llmhw::load_at_rate(d, q, eff, 64);
  d.frontend_latency_ms = 9;
  const llmhw::RateLoad with = llmhw::load_at_rate(d, q, eff, 64);
  REQUIRE(without.sustainable);
  REQUIRE(with.sustainable);
  // The mean and every percentile move by the 9 ms and by what the longer E2E does to the
  // concurrency (R x 9 ms = 0.009 more requests in flight: a step longer by 0.009 x 131,072 x
  // 1100 B, 1.3 us). So 9 ms to within 0.05 ms.
  CHECK(with.at_rate.request_latency_s == Approx(0.009));
  for (double p : {0.0, 50.0, 90.0, 99.0}) {
    INFO("percentile " << p);
    CHECK((with.at_rate.ttft_at(p) - without.at_rate.ttft_at(p)) * 1e3 == Approx(9.0).margin(0.05));
  }
}

TEST_CASE("open loop: at a trickle the engine is idle and schedules an arrival at once", "[serve][engine]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Deployment d{&m, &hw, llmhw::Precision::bf16, llmhw::Precision::bf16, 1};
  d.steps_scheduled_ahead = 1;
  const llmhw::OpenLoop loop(d, llmhw::Workload{1000, 200}, llmhw_test::ideal());
  // 0.05 requests in flight: busy with probability 1 - e^-0.05 = 0.048771, so the step ahead
  // adds 4.9% of a mean step, not a whole one.
  const llmhw::OpenLoop::Detail x = loop.detail(0.05);
  CHECK(x.ahead_s == Approx(0.0487705755 * x.point.tpot_s).epsilon(1e-9));
}
