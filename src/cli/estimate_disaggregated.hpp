#pragma once
// llmhw estimate --prefill SPEC --decode SPEC: one disaggregated deployment predicted.
#include <optional>
#include <string>

#include "cli/app.hpp"
#include "llmhw/calibration.hpp"
#include "llmhw/disaggregated.hpp"
#include "llmhw/render_estimate.hpp"

namespace llmhw::cli {

struct DisaggregatedRequest {
  std::string prefill_spec, decode_spec;  // as typed
  Deployment base;                        // model, hardware, precisions
  Workload workload;
  std::optional<double> concurrency;  // closed loop (nullopt with "max" is refused)
  std::optional<double> qps;          // open loop
  const Efficiency* efficiency = nullptr;
  EngineLimits limits;        // the engine's, with the user's flags
  render::EstimateView view;  // notes, bounds, evidence, engine already filled in
  render::Format format = render::Format::table;
  render::Style style;
};

// Throws usage_error for a bad SPEC; returns the exit code (0, or 3 when a side's weights do not
// fit or the rate is beyond the deployment).
int run_disaggregated(DisaggregatedRequest r, Streams& s);

}  // namespace llmhw::cli
