#include "llmhw/mixing.hpp"

#include <algorithm>
#include <cmath>

namespace llmhw::mixing {

StepMix mix_steps(double prompts_per_step, double prompt_tokens, double chunk_tokens,
                  const std::function<double(double)>& step_with) {
  const double m = std::max(0.0, prompts_per_step);
  const double plain = step_with(0.0);
  StepMix mix;
  double pmf = std::exp(-m);  // P(k = 0)
  double mass = pmf;
  mix.mean_s = pmf * plain;
  mix.second_moment = pmf * plain * plain;
  // Far enough into the tail for any m a replica runs at (m is below a few hundred).
  const int last = static_cast<int>(std::ceil(m + 12.0 * std::sqrt(m) + 12.0));
  for (int k = 1; k <= last && mass < 1.0 - 1e-12; ++k) {
    pmf *= m / k;
    mass += pmf;
    const double tokens = k * prompt_tokens;
    const double steps = chunk_tokens > 0 ? std::max(1.0, tokens / chunk_tokens) : 1.0;
    const double t = step_with(tokens / steps);
    // The event's extra time over `steps` plain steps, charged to the step it starts in.
    mix.mean_s += pmf * (plain + steps * (t - plain));
    mix.second_moment += pmf * (plain * plain + steps * (t * t - plain * plain));
  }
  // The truncated tail (below 1e-12) counts as plain steps.
  mix.mean_s += (1.0 - mass) * plain;
  mix.second_moment += (1.0 - mass) * plain * plain;
  return mix;
}

FirstToken first_token_steps(double own_tokens, double others, double prompt_tokens, double chunk_tokens) {
  FirstToken f;
  const double together = own_tokens + others * prompt_tokens;
  if (chunk_tokens <= 0) {
    f.tokens_per_step = together;
    return f;
  }
  // FCFS: the prompts ahead of it (half of the others) and its own go through first.
  const double ahead = own_tokens + others / 2.0 * prompt_tokens;
  f.steps = std::max(1.0, ahead / chunk_tokens);
  f.tokens_per_step = std::min(chunk_tokens, together);
  return f;
}

}  // namespace llmhw::mixing
