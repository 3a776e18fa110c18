#pragma once
// Chunked-prefill mixing under Poisson arrivals (docs/estimation.md "Mixed steps"): how long an
// engine step takes on average when each step also carries the prompts that arrived during the
// one before. Pure arithmetic on a step-time function; src/core/estimate.cpp supplies it.
#include <functional>

namespace llmhw::mixing {

// Mean and second moment of the step time over engine steps.
struct StepMix {
  double mean_s = 0;
  double second_moment = 0;  // s^2
};

// vLLM V1 schedules the running requests' decode tokens first and then fills the step's token
// budget with waiting prompts (vllm/v1/core/sched/scheduler.py, Scheduler.schedule()), so a
// step carries the k prompts that arrived while the previous step ran: k ~ Poisson(m), with
// m = prompts_per_step (the arrival rate x the mean step, which Little's law makes
// concurrency / osl). A step with k prompts of `prompt_tokens` each takes step_with(k x tokens);
// when they exceed `chunk_tokens` (the budget the decode tokens leave) they are split over
// n = k x tokens / chunk_tokens steps of chunk_tokens each, and the event costs
// n x (step_with(chunk_tokens) - step_with(0)) on top of the plain step. The sum runs over k
// until the Poisson tail is below 1e-12 of the mass. chunk_tokens <= 0 means no budget.
StepMix mix_steps(double prompts_per_step, double prompt_tokens, double chunk_tokens,
                  const std::function<double(double)>& step_with);

// The steps (fractional: an expectation over the request's place in its step) and tokens per
// step until a request's own prompt is through: it shares its step with the `others` prompts
// that arrived with it (half of them ahead of it) of `prompt_tokens` each, and its own prompt of
// `own_tokens`; with a budget of `chunk_tokens` (<= 0: none) a step carries at most that many.
struct FirstToken {
  double steps = 1;
  double tokens_per_step = 0;
};
FirstToken first_token_steps(double own_tokens, double others, double prompt_tokens, double chunk_tokens);

}  // namespace llmhw::mixing
