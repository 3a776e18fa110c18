#pragma once
// Readers of benchmark result formats for src/io/bench_results.cpp that live in their own files:
// GuideLLM's report (bench_guidellm.cpp) and the load and model of GenAI-Perf / AIPerf exports
// (bench_perf_export.cpp). Internal to src/io.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "llmhw/user_calibration.hpp"

namespace llmhw::io::bench {

// The deployment keys a result file may carry at the level of `j` (model_id, backend, and the
// keys `vllm bench serve --metadata` or GuideLLM's labels add: hardware, tensor_parallel_size, tp,
// precision, engine), as strings. Defined in bench_results.cpp.
void take_metadata(const nlohmann::json& j, BenchRun& r);

// A GuideLLM report (`guidellm benchmark --output-path results.json`): {"benchmarks": [...]}.
bool is_guidellm_report(const nlohmann::json& j);
// One run per benchmark of the report, in its order (a sweep writes several). `run.line` is the
// benchmark's 1-based index when the report holds more than one.
std::vector<BenchRun> guidellm_runs(const nlohmann::json& report, const std::string& path);

// AIPerf's profile_export_aiperf.json, told from GenAI-Perf's profile_export_genai_perf.json.
bool is_aiperf_export(const nlohmann::json& j);

// The load a GenAI-Perf / AIPerf export was measured at, from its input_config.
struct ExportLoad {
  std::optional<double> concurrency, request_rate;
};
ExportLoad export_load(const nlohmann::json& input_config);
// The served model's name from the input_config (model_id in the run's metadata).
void take_export_model(const nlohmann::json& input_config, BenchRun& r);

}  // namespace llmhw::io::bench
