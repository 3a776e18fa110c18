// GenAI-Perf and AIPerf exports: which tool wrote one, the load it ran at and the model. Both
// write the metrics as {"unit": ..., "avg": ...} objects at the top level (read in
// bench_results.cpp); they differ in the input_config. From the tools' sources:
//   GenAI-Perf (github.com/triton-inference-server/perf_analyzer, commit 263c5f6e):
//     genai-perf/genai_perf/export_data/json_exporter.py writes the stats and "input_config":
//     config.to_json_dict(): model_names, endpoint {backend, type, ...} and perf_analyzer
//     {stimulus: {"concurrency": N} or {"request_rate": R}} (config/input/config_perf_analyzer.py,
//     create_config.py). Older GenAI-Perf wrote its CLI arguments flat (concurrency, request_rate).
//   AIPerf (github.com/ai-dynamo/aiperf):
//     aiperf/common/models/export_models.py (commit db4f6397, 2025-10) JsonExportData: the same
//     metric objects plus benchmark_duration, total_isl, total_osl, was_cancelled,
//     error_summary, start_time, end_time, and input_config = its UserConfig dumped with
//     exclude_unset: endpoint.model_names, loadgen.concurrency or loadgen.request_rate;
//     src/aiperf/common/models/export_models.py (commit 26240f9e, 2026) adds schema_version
//     "1.0", aiperf_version and benchmark_id;
//     src/aiperf/config/config.py and phases.py (commit 0205ea14, configuration v2.0): the load
//     is benchmark.phases, an ordered list of phases, each with name, kind (warmup or
//     profiling), type (concurrency, poisson, gamma, constant, user_centric, fixed_schedule),
//     concurrency (a concurrency phase's defaults to 1) and rate. The profiling phase's load is
//     the run's, not the warm-up's. (Its models are no longer endpoint.model_names: no model_id.)
#include <fmt/format.h>

#include "io/bench_formats.hpp"
#include "llmhw/error.hpp"

namespace llmhw::io::bench {
namespace {

using nlohmann::json;

std::optional<double> positive(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j.at(key).is_number()) return std::nullopt;
  const double v = j.at(key).get<double>();
  return v > 0 ? std::optional<double>(v) : std::nullopt;
}

// The first object under the key `key` at any depth.
const json* find_key(const json& j, const std::string& key) {
  if (j.is_object() && j.contains(key)) return &j.at(key);
  if (j.is_object() || j.is_array()) {
    for (const auto& v : j) {
      if (const json* found = find_key(v, key)) return found;
    }
  }
  return nullptr;
}

// The first number under `key` at any depth, outside warm-up sections (their load is not the
// measured one).
std::optional<double> find_number(const json& j, const std::string& key) {
  if (j.is_object()) {
    if (j.contains(key) && j.at(key).is_number()) return j.at(key).get<double>();
    if (j.contains(key) && j.at(key).is_array() && j.at(key).size() == 1 && j.at(key)[0].is_number())
      return j.at(key)[0].get<double>();
    for (const auto& [k, v] : j.items()) {
      if (k.find("warmup") != std::string::npos) continue;
      if (auto found = find_number(v, key)) return found;
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (auto found = find_number(v, key)) return found;
    }
  }
  return std::nullopt;
}

bool is_profiling(const json& phase) {
  return phase.is_object() &&
         (phase.value("kind", "") == "profiling" || phase.value("name", "") == "profiling");
}

// AIPerf configuration v2.0: the profiling phase's concurrency or rate.
std::optional<ExportLoad> phase_load(const json& config) {
  const json* phases = find_key(config, "phases");
  if (phases == nullptr || !(phases->is_array() || phases->is_object())) return std::nullopt;
  for (const auto& phase : *phases) {
    if (!is_profiling(phase)) continue;
    ExportLoad load;
    const std::string type = phase.value("type", "concurrency");
    if (type == "concurrency")
      load.concurrency = positive(phase, "concurrency").value_or(1);  // ConcurrencyPhase's default
    else
      load.request_rate = positive(phase, "rate");
    return load;
  }
  return std::nullopt;
}

}  // namespace

bool is_aiperf_export(const json& j) {
  if (j.contains("aiperf_version") || j.contains("schema_version") || j.contains("was_cancelled") ||
      j.contains("error_summary"))
    return true;
  const json* config = j.contains("input_config") ? &j.at("input_config") : nullptr;
  return config != nullptr && config->is_object() &&
         (config->contains("loadgen") || find_key(*config, "phases") != nullptr ||
          (config->contains("endpoint") && config->at("endpoint").is_object() &&
           config->at("endpoint").contains("model_names")));
}

ExportLoad export_load(const json& config) {
  if (auto load = phase_load(config)) return *load;
  for (const char* section : {"loadgen", "stimulus"}) {  // AIPerf UserConfig; GenAI-Perf
    const json* s = find_key(config, section);
    if (s == nullptr || !s->is_object()) continue;
    ExportLoad load{positive(*s, "concurrency"), positive(*s, "request_rate")};
    if (load.concurrency || load.request_rate) return load;
  }
  ExportLoad load;  // older GenAI-Perf: the CLI arguments
  if (auto c = find_number(config, "concurrency"); c && *c >= 1) load.concurrency = *c;
  if (auto rate = find_number(config, "request_rate"); rate && *rate > 0) load.request_rate = *rate;
  return load;
}

void take_export_model(const json& config, BenchRun& r) {
  for (const json* names : {config.contains("endpoint") && config.at("endpoint").is_object()
                                ? find_key(config.at("endpoint"), "model_names")
                                : nullptr,
                            find_key(config, "model_names")}) {
    if (names != nullptr && names->is_array() && !names->empty() && (*names)[0].is_string()) {
      r.metadata["model_id"] = (*names)[0].get<std::string>();
      return;
    }
  }
}

}  // namespace llmhw::io::bench
