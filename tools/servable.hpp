#pragma once
// Which measured TTFTs come from runs the engine could serve (issue #18 counts its > 5x misses
// over those): tools/accuracy lists the others with the reason, it does not drop them silently.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llmhw/observations.hpp"

namespace llmhw::tools {

// A source's own TTFT distribution for one run (InferenceX records the median and p99 beside
// the mean).
struct TtftDistribution {
  double mean_ms = 0, median_ms = 0, p99_ms = 0;
};

// Why a closed-loop TTFT row is not a run the engine could serve as measured.
struct NotServable {
  std::string reason;  // kBeyondCapacity or kStall
  std::string detail;  // the numbers behind it
};
inline constexpr const char* kBeyondCapacity = "beyond the engine's capacity";
inline constexpr const char* kStall = "mean set by a stall";

class Servability {
 public:
  // `inferencex_csv` (data/calibration/external/inferencex.csv) may be absent: then no row has
  // a distribution and only the capacity rule applies.
  Servability(const std::filesystem::path& inferencex_csv, const std::vector<Observation>& obs);
  // Set for a closed-loop TTFT row the engine could not serve as measured; `p` is the row's
  // prediction (its engine capacity).
  std::optional<NotServable> check(const Observation& o, const Prediction& p) const;

 private:
  std::map<std::string, TtftDistribution> by_id_;  // InferenceX rows and the repeats of them
};

}  // namespace llmhw::tools
