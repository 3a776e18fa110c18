#pragma once
// Measured observations (data/calibration/observations.csv) and the estimator's prediction of
// each, shared by tools/calibrate, tools/accuracy and `llmhw calibrate` (pure: the CSV and
// catalog loading is tools/observations_io.hpp).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/estimate.hpp"

namespace llmhw::tools {

struct Observation {
  std::string id, source, model, hardware, engine, metric, note;
  Precision precision = Precision::bf16, kv = Precision::bf16;
  int tp = 1, pp = 1, dp = 1, moe_tp = 1, moe_ep = 1, devices = 1;
  double isl = 0, osl = 0;
  std::optional<double> concurrency;  // nullopt: as many as memory and the engine allow ("max")
  double value = 0;
  bool mapped = false;
  // Mapped, but left out of the fit and the headline accuracy by tools/normalize_calibration.py
  // (status "excluded": a repeat of another row's measurement); `note` says why.
  bool excluded = false;
};

// Catalog models and hardware by id, loaded once (tools/observations_io.hpp loads them).
struct Catalogs {
  std::map<std::string, Model> models;
  std::map<std::string, Hardware> hardware;
};

struct Prediction {
  bool ok = false;
  std::string why_not;  // when !ok: not mapped, unknown model/hardware, does not fit, unsupported metric
  double value = 0;
  bool clamped = false;    // the measured concurrency exceeds what llmhw thinks fits in memory
  ServingPoint serving;    // the closed-loop point the value was read from (for analysis)
  long max_sequences = 0;  // what llmhw's memory plan says fits
};

// Whether llmhw can predict the observation at all (independent of efficiency values).
Prediction check_mappable(const Observation& o, const Catalogs& c);
// The estimator's prediction of the observation with the given efficiency.
Prediction predict(const Observation& o, const Catalogs& c, const Efficiency& eff,
                   const EngineLimits& limits);

// "llama-3.1-70b" -> "llama", "qwen3.5-397b-a17b" -> "qwen", "gpt-oss-20b" -> "gpt-oss".
std::string model_family(const std::string& model_id);

}  // namespace llmhw::tools
