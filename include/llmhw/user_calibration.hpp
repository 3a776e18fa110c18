#pragma once
// `llmhw calibrate`: fits the factors one deployment's benchmark runs pin down (decode and prefill
// efficiency, per-layer and per-sequence step overheads, the closed-loop request latency and
// arrival synchronisation) with the fitting code tools/calibrate uses (llmhw/fit.hpp), under a
// prior centred on the shipped values, and measures the fit in-sample and leaving one run out.
// Pure: the files are read by src/io/bench_results.cpp, the overlay written by src/io/overlay_json.cpp.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/observations.hpp"

namespace llmhw {

// One benchmark run as a result file states it (means over its requests).
struct BenchRun {
  std::string file;    // as given on the command line
  std::string format;  // "vllm-bench-serve", "sglang-bench-serving", "genai-perf", "aiperf", "guidellm"
  int line = 0;        // JSONL: the run's line; GuideLLM: its benchmark (1-based); 0 for a one-run file
  std::optional<double> max_concurrency;
  std::optional<double> request_rate;  // requests/s; nullopt: "inf" (all at once)
  double completed = 0, duration_s = 0;
  double input_tokens = 0, output_tokens = 0;  // totals over the completed requests
  double ttft_ms = 0, tpot_ms = 0, e2el_ms = 0;
  // Deployment metadata the file carries (model_id, backend, and keys given with vLLM's
  // --metadata such as hardware, tensor_parallel_size), by key; refused when files disagree.
  std::map<std::string, std::string> metadata;
  // The file's name for each value ("mean_ttft_ms" -> "time_to_first_token.avg" in GenAI-Perf),
  // so errors name the field the user sees; absent: the vLLM name.
  std::map<std::string, std::string> fields;
  std::string where() const;  // "file" or "file:line"
};

// What the runs were measured on: from the flags (or the files' metadata).
struct CalibrationTarget {
  std::string model, hardware, engine;
  Precision weights = Precision::bf16, kv = Precision::bf16;
  int tp = 1, pp = 1, dp = 1, ep = 1;
};

// The factors `llmhw calibrate` fits, by their efficiency.json names.
const std::vector<std::pair<std::string, double Efficiency::*>>& calibrated_factors();

struct MetricErrors {
  double ttft = 0, tpot = 0;  // mean absolute percentage error, as a fraction
};
struct ErrorReport {
  MetricErrors shipped, overlay;
};

struct RunPrediction {
  const BenchRun* run = nullptr;
  double concurrency = 0;                       // the closed-loop concurrency predicted at
  double shipped_ttft = 0, shipped_tpot = 0;    // predicted with the shipped factors
  double overlay_ttft = 0, overlay_tpot = 0;    // with the fit on all runs
  double held_out_ttft = 0, held_out_tpot = 0;  // with the fit on the other runs
};

struct UserFit {
  Efficiency shipped, fitted;
  // Jackknife standard error of each factor (the leave-one-run-out fits' spread), relative to
  // its value: 0.05 = 5%. Empty with fewer than three runs.
  std::map<std::string, double> relative_uncertainty;
  ErrorReport in_sample, leave_one_out;  // leave_one_out.shipped = in_sample.shipped (no fit)
  std::vector<RunPrediction> runs;
  Bounds bounds;  // measured / predicted ratios of the held-out runs, at least 10% either way
};

// The closed-loop observations (a TTFT and a TPOT row per run) the fit works on. An open-loop
// run (request rate, no concurrency cap) is read at its mean concurrency by Little's law:
// completed / duration x mean end-to-end latency.
std::vector<tools::Observation> observations_of(const std::vector<BenchRun>& runs,
                                                const CalibrationTarget& t);

// Checks every run against the physics before fitting: positive TTFT, TPOT and token counts,
// and a mean TPOT no faster than one decode step of the weights at the datasheet bandwidth and
// peak with no overheads. Throws a data error naming the file and the field.
void check_runs(const std::vector<BenchRun>& runs, const CalibrationTarget& t, const tools::Catalogs& c,
                const Calibration& calibration, const Efficiency& shipped);

// The fit (prior centred on `shipped`), its leave-one-run-out check and the bands.
UserFit fit_runs(const std::vector<BenchRun>& runs, const CalibrationTarget& t, const tools::Catalogs& c,
                 const Calibration& calibration, const Efficiency& shipped);

// An overlay as `llmhw calibrate` wrote it (data/schema/calibration-overlay.schema.json).
struct CalibrationOverlay {
  std::string origin;   // the file it was read from
  std::string created;  // date of the fit
  CalibrationTarget deployment;
  std::map<std::string, double> factors;  // calibrated_factors() names -> fitted value
  Bounds bounds;
  int runs = 0;
};

// Puts the overlay's fit first among `calibration.fitted` for its hardware, with its engine and
// with no engine named ("*": recommend, estimate without --engine): the factors it fitted over
// what resolve() gave before (so an overlay applied later wins), with evidence "calibrated".
// Another named engine keeps its own fit. An overlay for hardware not in `catalog` changes
// nothing and returns false.
bool apply_overlay(Calibration& calibration, const CalibrationOverlay& overlay,
                   std::span<const Hardware> catalog);

}  // namespace llmhw
