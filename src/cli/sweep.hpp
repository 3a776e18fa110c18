#pragma once
// `estimate --plot FILE.svg --sweep concurrency`: the estimated deployment at 1, 2, 4, ... requests
// in flight up to what it holds (its KV cache and the engine's slots).
#include "llmhw/render_estimate.hpp"
#include "llmhw/render_sweep.hpp"

namespace llmhw::cli {

render::SweepView concurrency_sweep(const render::EstimateView& v, const Efficiency& eff,
                                    const EngineLimits& limits);

}  // namespace llmhw::cli
