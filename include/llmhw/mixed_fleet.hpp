#pragma once
// Mixed fleets (recommend with a prompt-length distribution, issue #21): requests shorter than a
// threshold go to one hardware type, the rest to another, each side sized by recommend() for its
// share of the rate and its own (conditional) length distribution. Mélange (Griggs et al., 2024,
// arXiv:2404.14527) finds such splits cheaper when short prompts run well on cheap devices that
// long prompts would overwhelm; here the saving, if any, comes from the same sizing recommend
// uses for one type (docs/estimation.md "Mixed fleets").
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "llmhw/recommend.hpp"

namespace llmhw {

// How the prompt lengths were given: `min..max` (uniform between the two) or `mean+-sd` (normal).
// The query keeps only their mean and standard deviation; the shape says how to split them.
enum class LengthShape { uniform, normal };

// The requests on one side of a threshold: their share of all requests and their lengths, as
// `--input-tokens` would give them (uniform: lo..hi; normal: mean+-sd, both whole tokens).
struct LengthSlice {
  double share = 0;
  double mean = 0;
  double sd = 0;
  double lo = 0, hi = 0;  // uniform: the slice's range; normal: 0
  std::string flag;       // "100..2075" or "1024+-300": the slice as --input-tokens takes it
};

// The prompt lengths (mean, sd from the query) cut at `threshold` tokens: the shorter requests
// and the rest. Uniform slices are uniform; normal ones are the truncated normal's mean and sd.
std::pair<LengthSlice, LengthSlice> split_lengths(LengthShape shape, double mean, double sd,
                                                  double threshold);

// The thresholds tried: the 20th, 40th, 60th and 80th percentiles of the lengths, in whole tokens
// (none when the lengths do not spread).
std::vector<double> split_thresholds(LengthShape shape, double mean, double sd);

// One side of a split fleet, as recommend sized it for its slice.
struct FleetSide {
  LengthSlice lengths;
  double qps = 0;
  std::string hardware;  // id (a CPU slice's own id)
  std::string hardware_name;
  std::string precision;
  std::string layout;  // "TP=2", or "3P1D TP2" (prefill and decode workers) for a disaggregated one
  long replicas = 0;
  long devices = 0;
  double cost_per_hour = 0;  // total, energy included where the price excludes it
  double power_kw = 0;
  double ttft_ms = 0, tpot_ms = 0;  // at the side's load, at the targets' percentiles
};

// The best split found, against the best single-type fleet.
struct MixedSplit {
  double threshold_tokens = 0;
  FleetSide short_side, long_side;
  double cost_per_hour = 0;  // both sides
  std::string single_hardware;
  double single_cost_per_hour = 0;
  double saving_per_hour = 0;
  double saving_share = 0;  // of the single fleet's cost
};

// The search's answer: whether it ran (why not, if not), what it tried, and the cheapest split,
// recommended when it saves more than the margin.
struct MixedFleet {
  bool searched = false;
  std::string note;  // why not searched, or why the split is not recommended
  int splits_tried = 0;
  double min_saving_share = 0;
  std::optional<MixedSplit> cheapest;
  bool recommended = false;
};

struct MixedFleetOptions {
  // A split is shown only when it saves more than this share of the single fleet's cost: two
  // pools are more to run than one, and a smaller saving is inside the model's error.
  double min_saving_share = 0.05;
};

// Splits the query's traffic at each threshold and sizes each side with recommend() over
// `candidates` (objective cost, owned devices and load profiles aside); pairs the cheapest
// hardware of the short side with the cheapest different hardware of the long side, and keeps the
// cheapest split. `single` is recommend()'s answer for the whole traffic. Each side obeys the
// query's hard rules and the two together its budget and power budget.
MixedFleet search_mixed_fleet(const Query& query, LengthShape shape, const Model& model,
                              const std::vector<Hardware>& candidates, const Calibration& calibration,
                              const RecommendResult& single, std::span<const Hardware> known = {},
                              SizingCache* cache = nullptr, const MixedFleetOptions& options = {});

}  // namespace llmhw
