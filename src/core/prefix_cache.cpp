// Prefix caching: which prompt tokens skip the prefill, and the price per input, output and
// cached input token (docs/estimation.md "Prefix caching"). The prefill and the KV memory that
// follow are in estimate.cpp.
#include "llmhw/prefix_cache.hpp"

#include <algorithm>

#include "llmhw/disaggregated.hpp"

namespace llmhw {

double shared_prefix_tokens(const Workload& w) {
  return std::clamp(w.shared_prefix_tokens, 0.0, std::max(0.0, w.input_tokens - 1.0));
}

double cached_prompt_tokens(const Workload& w, double prompt_tokens) {
  const double shared = std::min(shared_prefix_tokens(w), prompt_tokens);
  const double cached = std::max(w.prefix_cache_hit * prompt_tokens, shared);
  return std::clamp(cached, 0.0, std::max(0.0, prompt_tokens - 1.0));
}

double new_prompt_tokens(const Workload& w, double prompt_tokens) {
  return prompt_tokens - cached_prompt_tokens(w, prompt_tokens);
}

double prompt_cost_share(const Evaluation& e) {
  if (!e.disaggregated) return e.at_load.prefill_share;
  const DisaggregatedDeployment& d = e.disaggregated->deployment;
  const int devices = d.devices();
  return devices > 0 ? static_cast<double>(d.prefill.devices() * d.prefill_workers) / devices : 0.0;
}

TokenPrices token_prices(const Evaluation& e, const Query& q) {
  TokenPrices p;
  const Workload& w = q.workload;
  const double cost = e.total_cost_per_hour;
  const double requests_per_hour = q.qps * 3600.0;
  if (cost <= 0 || requests_per_hour <= 0) return p;
  // The share of a replica's time spent prefilling pays for the prompts; the rest (decoding, and
  // the memory that holds the KV) for the output. A disaggregated replica's decode workers never
  // prefill (its at_load.prefill_share is 0): there the prefill workers' share of the devices
  // pays for the prompts, the decode workers' for the output.
  const double prefill_share = std::clamp(prompt_cost_share(e), 0.0, 1.0);
  const double fresh = new_prompt_tokens(w, w.input_tokens), cached = cached_prompt_tokens(w, w.input_tokens);
  p.input_usd = cost * prefill_share / (requests_per_hour * fresh) * 1e6;
  p.output_usd = cost * (1.0 - prefill_share) / (requests_per_hour * w.output_tokens) * 1e6;
  // A cached token costs no projection or MLP work, only the attention of each new token to it.
  const Model& m = *e.deployment.model;
  const ModelFacts f = e.deployment.facts ? *e.deployment.facts : derive_facts(m);
  const double attention_per_context = f.attention_flops_per_token(1) - f.attention_flops_per_token(0);
  const ParameterCount& c = f.params;
  const double per_new_token =
      2.0 * (c.active - c.embedding - c.lm_head + static_cast<double>(m.vocab) * m.hidden) +
      f.attention_flops_per_token(cached + fresh / 2.0);
  p.cached_input_usd = per_new_token > 0 ? p.input_usd * fresh * attention_per_context / per_new_token : 0.0;
  return p;
}

}  // namespace llmhw
