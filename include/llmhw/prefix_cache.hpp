#pragma once
// Prefix caching (vLLM automatic prefix caching, SGLang RadixAttention): prompt tokens found in
// the cache skip the prefill's compute, but their KV stays in memory, and a prefix every request
// shares (a system prompt) is held once (docs/estimation.md "Prefix caching").
#include "llmhw/estimate.hpp"
#include "llmhw/recommend.hpp"

namespace llmhw {

// The shared prefix, at most the prompt.
double shared_prefix_tokens(const Workload& w);
// Prompt tokens of a `prompt_tokens`-token prompt served from the cache: the hit share of the
// prompt, and at least the shared prefix (every request after the first finds it).
double cached_prompt_tokens(const Workload& w, double prompt_tokens);
// The prompt tokens each request prefills: the prompt less its cached tokens (at least one; the
// last token is always computed, as vLLM and SGLang do).
double new_prompt_tokens(const Workload& w, double prompt_tokens);

// The share of a deployment's cost that pays for prompts: an aggregated replica's share of time
// spent prefilling at its load; a disaggregated replica's prefill workers' share of its devices.
double prompt_cost_share(const Evaluation& e);

// Prices per million tokens, as APIs quote them: the fleet's total cost per hour split by
// prompt_cost_share() between input and output tokens, so that input x input tokens + output x
// output tokens recovers the whole cost (Evaluation::cost_per_million_tokens instead charges it
// all to the output tokens); and what a cached input token still costs (the new tokens attend to
// it: its share of the attention FLOPs against a new token's FLOPs). The KV memory cached tokens
// hold shows in the output price (it limits the batch).
struct TokenPrices {
  double input_usd = 0;         // per million uncached input tokens
  double output_usd = 0;        // per million output tokens
  double cached_input_usd = 0;  // per million cached input tokens
};
TokenPrices token_prices(const Evaluation& e, const Query& q);

}  // namespace llmhw
