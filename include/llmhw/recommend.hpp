#pragma once
// From a query (model, request rate, latency targets, budget) to ranked deployments: the search
// over hardware x precision x tensor parallelism, the sizing of replicas, and the rules that
// reject or rank each candidate with a reason.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/estimate.hpp"
#include "llmhw/hardware.hpp"
#include "llmhw/model.hpp"

namespace llmhw {

// Defaults suited to interactive chat (docs/estimation.md "Latency targets"): MLPerf Inference's
// Llama 2 70B interactive scenario asks p99 TTFT 450 ms / TPOT 40 ms, its server scenario
// 2 s / 200 ms; llmhw's mean targets sit between: 1 s to the first token, 50 ms per token
// (20 tokens/s, faster than people read).
inline constexpr double kDefaultTtftMs = 1000;
inline constexpr double kDefaultTpotMs = 50;

struct Query {
  std::string model_text;  // what the user typed, echoed in output
  double qps = 0;
  Workload workload;
  double ttft_ms = kDefaultTtftMs;
  double tpot_ms = kDefaultTpotMs;
  std::optional<double> budget_per_hour;
  std::vector<Precision> precisions;  // empty = auto (16-bit and 8-bit formats)
  std::vector<DeviceKind> kinds;      // empty = all
  std::string pricing = "on-demand";
};

// One candidate deployment evaluated against the query.
struct Evaluation {
  Deployment deployment;
  MemoryPlan memory;
  ServingPoint capacity;  // the largest per-replica concurrency that meets the targets
  ServingPoint at_load;   // what each replica runs at under the query's load
  long replicas = 0;
  const Price* price = nullptr;
  double cost_per_hour = 0;
  double cost_per_million_tokens = 0;
  std::string limited_by;  // what capped the per-replica concurrency: "TPOT", "TTFT", "memory"
  int devices() const { return deployment.devices(); }
};

// A named check of an evaluated deployment. Hard rules reject; `why_not` explains a failure with
// the numbers behind it (formatted only for the rejections shown: the search judges thousands).
struct Rule {
  std::string_view name;
  bool (*passes)(const Evaluation&, const Query&);
  std::string (*why_not)(const Evaluation&, const Query&);
};
const std::vector<Rule>& hard_rules();

struct Recommendation {
  Evaluation evaluation;
  std::vector<std::string> reasons;
};

struct Rejection {
  const Hardware* hardware = nullptr;
  std::string rule;  // the hard rule that failed for the best attempt
  std::vector<std::string> reasons;
};

struct RecommendResult {
  std::vector<Recommendation> recommendations;  // best first
  std::vector<Rejection> rejected;              // by hardware id
};

// Sizes one candidate for the query: the largest per-replica concurrency that meets the
// latency targets, the replicas for the request rate, the load each then runs at, and the cost.
Evaluation evaluate(const Deployment& deployment, const Query& query, const Efficiency& eff);

// Tensor-parallel sizes to try on a device for a model: its fast group sizes that divide the
// attention heads.
std::vector<int> candidate_tp_sizes(const Hardware& hw, const Model& model);

RecommendResult recommend(const Query& query, const Model& model, const std::vector<Hardware>& catalog,
                          const Calibration& calibration);

// Precisions llmhw considers for a query on a device, best quality first.
std::vector<Precision> candidate_precisions(const Query& query, const Hardware& hw, const Model& model);

}  // namespace llmhw
