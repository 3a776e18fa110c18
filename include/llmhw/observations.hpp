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
  // Each model's derived facts (parameter split, attention shape), derived once: a fit predicts
  // every row thousands of times, and deriving them on each call took 60% of the refit's time.
  std::map<std::string, ModelFacts> facts;
};
// Adds the CPU slices the observations name ("graviton3@8vcpu": a run on 8 threads of one
// socket, docs/hardware-profiles.md "CPU slices") to the catalog, so that they predict as
// `llmhw estimate --vcpus` does.
void add_slices(Catalogs& c, const std::vector<Observation>& obs);
// The socket a hardware id names: "graviton3@8vcpu" -> "graviton3"; other ids unchanged.
std::string socket_of(const std::string& hardware_id);

struct Prediction {
  bool ok = false;
  std::string why_not;  // when !ok: not mapped, unknown model/hardware, does not fit, unsupported metric
  double value = 0;
  bool clamped = false;    // the measured concurrency exceeds what llmhw thinks fits in memory
  ServingPoint serving;    // the closed-loop point the value was read from (for analysis)
  long max_sequences = 0;  // what llmhw's memory plan says fits
  // Requests the engine runs at once by llmhw's engine model: its batch limit per dp group and
  // the KV cache under its admission rule (the whole length under TensorRT-LLM's
  // GUARANTEED_NO_EVICT, the mean length otherwise). 0 where no closed loop was predicted.
  long engine_capacity = 0;
};

// Whether llmhw can predict the observation at all (independent of efficiency values).
Prediction check_mappable(const Observation& o, const Catalogs& c);
// The estimator's prediction of the observation with the given efficiency.
Prediction predict(const Observation& o, const Catalogs& c, const Efficiency& eff,
                   const EngineLimits& limits);

// The same for a row check_mappable passed, with its deployment (deployment_of_mappable) prepared
// once: a fit predicts each row thousands of times, and the catalog lookups by name took a third
// of its time.
Deployment deployment_of_mappable(const Observation& o, const Catalogs& c);
Prediction predict_mappable(const Observation& o, const Deployment& d, const Efficiency& eff,
                            const EngineLimits& limits);

// "llama-3.1-70b" -> "llama", "qwen3.5-397b-a17b" -> "qwen", "gpt-oss-20b" -> "gpt-oss".
std::string model_family(const std::string& model_id);

}  // namespace llmhw::tools
