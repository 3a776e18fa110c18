// Chunked-prefill mixing (src/core/mixing.cpp) and the mixed step (src/core/estimate.cpp), with
// every expected value worked out by hand. The device is llmhw_test::round_gpu(): 80 GB,
// 1e12 B/s, 1e14 FLOP/s bf16.
#include <catch2/catch.hpp>

#include <cmath>

#include "llmhw/estimate.hpp"
#include "llmhw/mixing.hpp"
#include "test_shapes.hpp"

namespace mixing = llmhw::mixing;

namespace {

// Llama 3.1 8B at bf16, as in test_estimate.cpp: weights read per step (body + LM head) and
// matmul FLOPs per token are both 2 x (6,979,588,096 + 525,336,576) = 15,009,849,344; KV
// 131,072 bytes per token; attention 524,288 FLOPs per token per earlier token.
constexpr double kWeights = 15009849344.0;
constexpr double kFlopsPerToken = 15009849344.0;
constexpr double kKvPerToken = 131072.0;
constexpr double kAttention = 524288.0;

llmhw::Deployment deploy(const llmhw::Model& m, const llmhw::Hardware& hw) {
  return llmhw::Deployment{&m, &hw, llmhw::Precision::bf16, llmhw::Precision::bf16, 1};
}

}  // namespace

TEST_CASE("mix_steps: no arrivals, plain steps", "[mixing]") {
  const auto step = [](double tokens) { return 0.02 + 1e-5 * tokens; };
  const mixing::StepMix mix = mixing::mix_steps(0, 1000, 0, step);
  CHECK(mix.mean_s == Approx(0.02).epsilon(1e-12));
  CHECK(mix.second_moment == Approx(0.0004).epsilon(1e-12));
}

TEST_CASE("mix_steps: a linear step costs each prompt its tokens, budget or not", "[mixing]") {
  // T(P) = a + b P with k ~ Poisson(m) prompts of I tokens: E[T] = a + b m I and
  // E[T^2] = a^2 + 2 a b m I + b^2 I^2 (m + m^2). a = 0.01 s, b = 1e-5 s/token, I = 1000, m = 0.3:
  // E[T] = 0.01 + 0.003 = 0.013; E[T^2] = 1e-4 + 6e-5 + 1e-4 x 0.39 = 1.99e-4.
  const auto step = [](double tokens) { return 0.01 + 1e-5 * tokens; };
  const mixing::StepMix mix = mixing::mix_steps(0.3, 1000, 0, step);
  CHECK(mix.mean_s == Approx(0.013).epsilon(1e-9));
  CHECK(mix.second_moment == Approx(1.99e-4).epsilon(1e-9));
  // Chunking a linear step changes nothing in the mean: n chunks of P / n cost b P in all.
  CHECK(mixing::mix_steps(0.3, 1000, 700, step).mean_s == Approx(0.013).epsilon(1e-9));
}

TEST_CASE("mix_steps: prompts ride free on a memory-bound step until compute binds", "[mixing]") {
  // T(P) = max(0.02, 0.005 + 1e-5 P): memory-bound (20 ms) up to 1500 prompt tokens. Prompts of
  // 1000 tokens at m = 0.5 per step: k = 0, 1 cost 20 ms; k >= 2 cost 5 + 10 k ms.
  // E[T] = 0.02 + sum_{k>=2} P(k) (0.01 k - 0.015), with e^-0.5 = 0.6065306597:
  // sum_{k>=2} k P(k) = 0.5 - 0.5 e^-0.5 = 0.1967346701; sum_{k>=2} P(k) = 1 - 1.5 e^-0.5 =
  // 0.0902040104; E[T] = 0.02 + 0.001967346701 - 0.001353060156 = 0.020614286545.
  const auto step = [](double tokens) { return std::max(0.02, 0.005 + 1e-5 * tokens); };
  CHECK(mixing::mix_steps(0.5, 1000, 0, step).mean_s == Approx(0.020614286545).epsilon(1e-9));
  // A budget of 1500 prompt tokens per step keeps every step memory-bound: k prompts take
  // k x 1000 / 1500 steps of 1500 tokens, each 20 ms, no more than a plain step.
  CHECK(mixing::mix_steps(0.5, 1000, 1500, step).mean_s == Approx(0.02).epsilon(1e-12));
  // A budget of 2000: k >= 2 prompts take k / 2 steps of 2000 tokens (25 ms, 5 ms over a plain
  // step): E[T] = 0.02 + 0.0025 x sum_{k>=2} k P(k) = 0.02 + 0.0025 x 0.1967346701.
  CHECK(mixing::mix_steps(0.5, 1000, 2000, step).mean_s == Approx(0.020491836675).epsilon(1e-9));
}

TEST_CASE("first_token_steps: a prompt goes through with those that arrived with it", "[mixing]") {
  // No budget: one step carrying its 1000 tokens and 0.5 x 1000 of the others'.
  mixing::FirstToken f = mixing::first_token_steps(1000, 0.5, 1000, 0);
  CHECK(f.steps == 1.0);
  CHECK(f.tokens_per_step == 1500.0);
  // A budget of 800: half of the others (250 tokens) and its own 1000 go first, 800 per step:
  // 1250 / 800 = 1.5625 steps of 800 tokens.
  f = mixing::first_token_steps(1000, 0.5, 1000, 800);
  CHECK(f.steps == Approx(1.5625));
  CHECK(f.tokens_per_step == 800.0);
  // A budget the prompts fit in: one step with all of them.
  f = mixing::first_token_steps(1000, 0.5, 1000, 4000);
  CHECK(f.steps == 1.0);
  CHECK(f.tokens_per_step == 1500.0);
}

TEST_CASE("mixed_step: prompt tokens add compute and KV writes, not a second weight read",
          "[mixing][estimate]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Deployment d = deploy(m, hw);
  const llmhw::Efficiency eff = llmhw_test::ideal();
  // 16 sequences at 1000 tokens of context plus 512 prompt tokens attending to 256 on average.
  // Memory: weights 15,009,849,344 + KV 16 x 1000 x 131,072 = 2,097,152,000, plus the prompt's
  // KV writes 512 x 131,072 = 67,108,864: 17,174,110,208 B -> 17.174 ms.
  // Compute: decode 16 x (15,009,849,344 + 524,288 x 1000) = 248,546,197,504 FLOPs -> 2.485 ms;
  // prompt 512 x (15,009,849,344 + 524,288 x 256) = 7,753,762,340,864 FLOPs -> 77.538 ms.
  const llmhw::StepTime t = llmhw::mixed_step(d, 16, 1000, 512, 256, eff);
  CHECK(t.memory_s == Approx(17174110208.0 / 1e12).epsilon(1e-12));
  CHECK(t.memory_s == Approx((kWeights + 16 * 1000 * kKvPerToken + 512 * kKvPerToken) / 1e12).epsilon(1e-12));
  CHECK(t.compute_s == Approx((248546197504.0 + 7753762340864.0) / 1e14).epsilon(1e-12));
  CHECK(t.compute_s ==
        Approx((16 * (kFlopsPerToken + kAttention * 1000) + 512 * (kFlopsPerToken + kAttention * 256)) / 1e14)
            .epsilon(1e-12));
  CHECK(t.total_s() == Approx(0.08002308538368).epsilon(1e-9));  // compute-bound: 2.485 + 77.538 ms
  // Without prompt tokens it is the decode step.
  const llmhw::StepTime plain = llmhw::mixed_step(d, 16, 1000, 0, 256, eff);
  CHECK(plain.total_s() == Approx(llmhw::decode_step(d, 16, 1000, eff).total_s()).epsilon(1e-12));
  // The same prompt as a step of its own costs its own weight read on top: decode 17.107 ms +
  // prefill max(15.077 ms, 77.538 ms) = 94.6 ms, against 80.0 ms mixed.
  const double separate =
      llmhw::decode_step(d, 16, 1000, eff).total_s() + llmhw::prefill(d, 512, eff).total_s();
  CHECK(separate == Approx(0.017107001344 + 0.07753762340864).epsilon(1e-9));
  CHECK(t.total_s() < separate);
  // With a step overhead, the mixed step pays it once.
  llmhw::Efficiency overhead = eff;
  overhead.step_overhead_ms = 2.0;
  CHECK(llmhw::mixed_step(d, 16, 1000, 512, 256, overhead).total_s() ==
        Approx(0.08002308538368 + 0.002).epsilon(1e-9));
}

TEST_CASE("serve (open loop): steps carry the prompts that arrive, by hand", "[mixing][serve]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{1000, 200};
  // 8 requests in flight, decode context 1000 + 200 / 2 = 1100: the plain step reads
  // 15,009,849,344 + 8 x 131,072 x 1100 = 16,163,282,944 B (16.163 ms) and computes
  // 8 x (15,009,849,344 + 524,288 x 1100) = 124,692,070,400 FLOPs (1.247 ms).
  const double mem0 = (kWeights + 8 * kKvPerToken * 1100) / 1e12;
  const double cmp0 = 8 * (kFlopsPerToken + kAttention * 1100) / 1e14;
  CHECK(mem0 == Approx(0.016163282944).epsilon(1e-12));
  // A step carrying P prompt tokens (attending to 500 earlier tokens on average) adds P x 131,072
  // B of KV writes and P x (15,009,849,344 + 524,288 x 500) FLOPs: 0.15272 ms of compute per token.
  const auto step = [&](double p) {
    return std::max(mem0 + p * kKvPerToken / 1e12, cmp0 + p * (kFlopsPerToken + kAttention * 500) / 1e14);
  };
  // Each request is replaced once in 200 steps: m = 8 / 200 = 0.04 prompts per step, Poisson.
  const double mean_prompts = 0.04;
  double mean = 0, second = 0, pmf = std::exp(-mean_prompts);
  for (int k = 0; k < 30; ++k) {
    if (k > 0) pmf *= mean_prompts / k;
    mean += pmf * step(1000.0 * k);
    second += pmf * step(1000.0 * k) * step(1000.0 * k);
  }
  // k = 0: 16.163 ms; k = 1: 1.247 + 152.720 = 153.967 ms; E[T] ~ 0.96079 x 16.163 +
  // 0.03843 x 153.967 + 0.00077 x 306.69 + ... = 21.687 ms.
  CHECK(mean == Approx(0.0216872015).epsilon(1e-8));
  const llmhw::ServingPoint s = llmhw::serve(deploy(m, hw), w, 8, llmhw_test::ideal());
  CHECK(s.step.total_s() == Approx(mem0).epsilon(1e-12));
  CHECK(s.tpot_s == Approx(mean).epsilon(1e-9));
  // Little's law over a request's 200 steps: 8 / (200 x E[T]) requests/s.
  CHECK(s.requests_per_s == Approx(8 / (200 * mean)).epsilon(1e-9));
  CHECK(s.output_tokens_per_s == Approx(8 / mean).epsilon(1e-9));
  CHECK(s.prefill_share == Approx(1 - mem0 / mean).epsilon(1e-9));
  // TTFT: the running step's remainder E[T^2] / 2E[T], then the step that carries its prompt
  // with the 0.04 others that arrived with it (1040 tokens).
  CHECK(s.ttft_s == Approx(second / (2 * mean) + step(1040)).epsilon(1e-9));
}

TEST_CASE("open loop: TPOT rises with the arrival rate, and the token budget caps the rate",
          "[mixing][serve]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Workload w{1000, 200};
  llmhw::Deployment d = deploy(m, hw);
  d.max_num_tokens = 1100;
  const llmhw::Efficiency eff = llmhw_test::ideal();
  const llmhw::OpenLoop loop(d, w, eff);
  double previous_tpot = 0, previous_rate = 0;
  for (double c : {1.0, 4.0, 16.0, 64.0}) {
    INFO("concurrency " << c);
    const llmhw::OpenLoop::Detail x = loop.detail(c);
    CHECK(x.point.tpot_s > previous_tpot);
    CHECK(x.point.requests_per_s > previous_rate);
    previous_tpot = x.point.tpot_s;
    previous_rate = x.point.requests_per_s;
    // A prompt's share of the budget: 1000 / (1100 - c) of a mean step.
    CHECK(x.budget_service_s == Approx(1000 / (1100 - c) * x.point.tpot_s).epsilon(1e-12));
  }
  // At 1024 requests in flight the decode tokens leave 76 prompt tokens per step: at most
  // 76 / 1000 prompts per step get through, whatever the concurrency asks for.
  const llmhw::OpenLoop::Detail full = loop.detail(1024);
  CHECK(full.point.requests_per_s == Approx(76.0 / (1000 * full.point.tpot_s)).epsilon(1e-9));
}
