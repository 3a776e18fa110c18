#pragma once
// Renderers for `llmhw estimate`.
#include <optional>
#include <string>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/estimate.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::render {

// One deployment's estimate, as the estimate command computed it.
struct EstimateView {
  Deployment deployment;
  Workload workload;
  std::string engine;                  // "" = any
  std::optional<double> concurrency;   // nullopt = "max" (closed loop) or an open-loop --qps
  double effective_concurrency = 0;    // what ran (open loop: the mean in flight)
  std::optional<double> qps;           // open loop: Poisson arrivals at this rate
  std::optional<LoadPoint> open_loop;  // open loop: the replica model at qps (recommend's)
  double max_requests_per_s = 0;       // open loop: the most the deployment sustains
  MemoryPlan memory;
  long admitted = 0;                  // sequences the KV cache admits at once (full length under no-evict)
  double slots = 0;                   // running requests the engine allows (max batch x dp groups)
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
