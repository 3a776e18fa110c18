#pragma once
// Efficiency factors and error bands, per device kind and, where measured data allowed a fit,
// per hardware group and serving engine (data/efficiency.json, written by tools/calibrate).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/estimate.hpp"
#include "llmhw/hardware.hpp"

namespace llmhw {

// Measured / predicted ratios that bracket the measurements (10th and 90th percentile of the
// calibration residuals); a prediction p is reported with [p x low, p x high].
struct Band {
  double low = 1, high = 1;
};
struct Bounds {
  Band ttft, tpot, throughput;
};

// Values fitted to measured data for a group of hardware and one engine ("*": any engine).
struct FittedEfficiency {
  std::vector<std::string> hardware;
  std::string engine;
  Efficiency efficiency;
  Bounds bounds;
  int rows = 0;  // calibration rows the fit used
};

struct Calibration {
  Efficiency cpu, gpu, tpu, accelerator;  // unfitted defaults per device kind
  Bounds cpu_bounds, gpu_bounds, tpu_bounds, accelerator_bounds;
  std::vector<FittedEfficiency> fitted;
  std::map<std::string, EngineLimits> engines;  // batching limits per engine ("*": default)
  std::string status;                           // how the values were obtained (fitted when, on what)

  // What an engine batches per step (offline, "as many as memory holds" runs stop at max_batch).
  EngineLimits limits(std::string_view engine) const;
  // The same on a given device: the prefill batch of engines that size it by memory.
  EngineLimits limits(std::string_view engine, const Hardware& hw) const;

  // The efficiency for a device and engine: a fit for this hardware and engine, else for this
  // hardware and any engine, else the device kind's default.
  const Efficiency& for_hardware(const Hardware& hw, std::string_view engine = "") const;
  const Bounds& bounds_for(const Hardware& hw, std::string_view engine = "") const;
  // Which entry answered, for notes: "fitted: h100-sxm,h200-sxm / trtllm (412 rows)" or "default for gpu".
  std::string describe(const Hardware& hw, std::string_view engine = "") const;
  const FittedEfficiency* find(const Hardware& hw, std::string_view engine) const;
};

}  // namespace llmhw
