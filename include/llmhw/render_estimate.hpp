#pragma once
// Renderers for `llmhw estimate`.
#include <optional>
#include <string>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/estimate.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::render {

// One deployment's estimate, as the estimate command computed it.
struct EstimateView {
  Deployment deployment;
  Workload workload;
  std::string engine;                 // "" = any
  std::optional<double> concurrency;  // nullopt = "max"
  double effective_concurrency = 0;   // what ran
  MemoryPlan memory;
  bool fits = false;                  // weights and the requested concurrency fit
  std::optional<ServingPoint> point;  // absent when the weights do not fit
  Bounds bounds;
  Evidence evidence = Evidence::datasheet;  // what the efficiency and band rest on
  std::string evidence_basis;               // which fit (or default) and why
  std::string bottleneck;
  std::vector<std::string> notes;
};

std::string estimate_table(const EstimateView& v, const Style& style = {});
std::string estimate_json(const EstimateView& v);

}  // namespace llmhw::render
