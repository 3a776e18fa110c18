#include "cli/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "llmhw/recommend.hpp"

namespace llmhw::cli {

render::SweepView concurrency_sweep(const render::EstimateView& v, const Efficiency& eff,
                                    const EngineLimits& limits) {
  const Deployment& d = v.deployment;
  render::SweepView s;
  s.title = fmt::format("{} on {} x {} ({}), {} weights", d.model->id, d.devices(), d.hardware->id, layout(d),
                        to_string(d.weights));
  s.subtitle =
      fmt::format("{:g} input + {:g} output tokens per request; engine {}; closed loop, as benchmarks run",
                  v.workload.input_tokens, v.workload.output_tokens, v.engine.empty() ? "any" : v.engine);
  // Up to what runs at once: the KV cache's sequences and the engine's slots.
  const double limit = std::max(1.0, std::min(static_cast<double>(v.admitted), v.slots));
  s.kv_limit = static_cast<double>(v.admitted);
  std::vector<double> levels;
  for (double c = 1; c < limit; c *= 2) levels.push_back(c);
  levels.push_back(limit);
  for (double c : levels) {
    const ServingPoint p = serve_closed_loop(d, v.workload, c, eff, limits);
    s.points.push_back({c, p.ttft_s * 1e3, p.tpot_s * 1e3, p.output_tokens_per_s});
  }
  return s;
}

}  // namespace llmhw::cli
