// recommend's costs per million tokens (docs/llmhw.1 "Costs per million tokens"), worked by hand
// from a fleet's cost per hour and the query's tokens per hour: the all-in $/1M tok
// (per_million_tokens_usd), the API-style split $/1M in, $/1M out and $/1M cached, and $/1M in+out.
#include <catch2/catch.hpp>
#include <memory>

#include "llmhw/disaggregated.hpp"
#include "llmhw/prefix_cache.hpp"
#include "llmhw/recommend.hpp"
#include "render/numbers.hpp"
#include "test_shapes.hpp"

using llmhw::Precision;

TEST_CASE("costs per million tokens: all-in, split into input and output, worked by hand", "[cost]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu("round-gpu", 2.0);  // $2 per device-hour
  llmhw::Query q;
  q.qps = 10;
  q.workload = llmhw::Workload{1000, 250};
  // 10 req/s x 3600 s = 36,000 requests an hour: 36e6 input and 9e6 output tokens.
  llmhw::Evaluation e;
  e.deployment = llmhw::Deployment{&m, &hw, Precision::bf16, Precision::bf16, 2};
  e.replicas = 9;  // 9 x TP2 = 18 devices at $2 = $36/h (no TDP: no energy on top)
  e.price = &hw.prices.front();
  e.at_load.prefill_share = 0.25;  // a quarter of each replica's time prefills
  llmhw::add_cost(e, q);
  REQUIRE(e.total_cost_per_hour == Approx(36.0));

  // All-in: $36 / 9e6 output tokens = $4 per 1M, the prompts' cost included.
  CHECK(e.cost_per_million_tokens == Approx(4.0));
  // $36 / (36e6 + 9e6) tokens = $0.80 per 1M tokens read and written; $36 / 36,000 requests.
  CHECK(llmhw::render::cost_per_million_io_tokens(e, q) == Approx(0.8));
  CHECK(llmhw::render::cost_per_request(e, q) == Approx(0.001));

  // Split: 25% of $36 = $9 over 36e6 input tokens = $0.25 per 1M; $27 over 9e6 output = $3.
  const llmhw::TokenPrices p = llmhw::token_prices(e, q);
  CHECK(p.input_usd == Approx(0.25));
  CHECK(p.output_usd == Approx(3.0));
  // The split recovers the whole cost per request (in $ per 1M requests): 0.25 x 1000 + 3 x 250
  // = 4 x 250 (all-in) = 0.8 x 1250 (in+out) = $36 / 36,000 requests x 1e6 = 1000.
  CHECK(p.input_usd * 1000 + p.output_usd * 250 == Approx(1000.0));

  // A cached token costs the attention a new token spends on it, against a new token's FLOPs:
  // 2 x (matmul weights) + attention to the 500 earlier prompt tokens it sees on average.
  CHECK(p.cached_input_usd == Approx(0.25 * 1000 * llmhw_test::kAttnFlops8b /
                                     (llmhw_test::kMatmulFlops8b + llmhw_test::kAttnFlops8b * 500)));
}

TEST_CASE("a disaggregated replica's prefill workers pay for the prompts, by their share of devices",
          "[cost][disaggregated]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu("round-gpu", 2.0);
  llmhw::Query q;
  q.qps = 10;
  q.workload = llmhw::Workload{1000, 250};
  llmhw::Evaluation e;
  e.deployment = llmhw::Deployment{&m, &hw, Precision::bf16, Precision::bf16, 2};
  auto plan = std::make_shared<llmhw::DisaggregatedPlan>();
  plan->deployment.prefill = e.deployment;  // 1 prefill worker of TP2
  plan->deployment.prefill_workers = 1;
  plan->deployment.decode = e.deployment;  // 2 decode workers of TP2
  plan->deployment.decode_workers = 2;
  e.disaggregated = plan;
  e.replicas = 3;  // 3 x 6 devices = 18 at $2 = $36/h
  e.price = &hw.prices.front();
  e.at_load.prefill_share = 0;  // as serving_point() sets it: decode workers never prefill
  llmhw::add_cost(e, q);
  REQUIRE(e.total_cost_per_hour == Approx(36.0));
  CHECK(llmhw::prompt_cost_share(e) == Approx(2.0 / 6));
  // $12 of prefill workers over 36e6 input tokens; $24 of decode workers over 9e6 output tokens.
  const llmhw::TokenPrices p = llmhw::token_prices(e, q);
  CHECK(p.input_usd == Approx(12.0 / 36));
  CHECK(p.output_usd == Approx(24.0 / 9));
  CHECK(p.input_usd * 1000 + p.output_usd * 250 == Approx(e.cost_per_million_tokens * 250));
}
