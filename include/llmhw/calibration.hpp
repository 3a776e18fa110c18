#pragma once
// Efficiency factors and error bands, per device kind and, where measured data allowed a fit,
// per hardware group and serving engine (data/efficiency.json, written by tools/calibrate).
#include <map>
#include <optional>
#include <span>
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
  std::string group;                  // "hopper"; may be empty (older files)
  std::vector<std::string> hardware;  // the devices the fit applies to
  // The devices that had rows of their own in the fit; empty (absent in the file) = all of
  // `hardware`. The others borrow the fit as family.
  std::vector<std::string> measured_hardware;
  std::string engine;
  Efficiency efficiency;
  Bounds bounds;                        // of the measured devices
  std::optional<Bounds> family_bounds;  // for devices that borrow the fit, when calibrate measured it
  int rows = 0;                         // calibration rows the fit used
  // A user's calibration overlay (`llmhw calibrate`, `--calibration`): what it was fitted to,
  // for the evidence basis; empty for the shipped fits.
  std::string overlay;
  bool measured_on(std::string_view id) const;
};

// How much measured data stands behind a prediction (docs/accuracy.md "Evidence tiers").
//   measured:  the device has calibration rows of its own in the fit that predicts it;
//   family:    it borrows the fit of a calibrated sibling (same fitted group, else the same
//              vendor and kind, nearest memory bandwidth), and its band is widened;
//   datasheet: no calibrated sibling: the per-kind defaults on the datasheet's peaks;
//   calibrated: a user's calibration overlay (`llmhw calibrate`) fitted to runs of this device
//              and engine.
enum class Evidence { measured, family, datasheet, calibrated };
std::string_view to_string(Evidence e);

// What a device is predicted with, and why: the one answer to "which efficiency, which band".
struct Resolution {
  const Efficiency* efficiency = nullptr;  // points into the Calibration
  Bounds bounds;
  Evidence evidence = Evidence::datasheet;
  std::string basis;                      // "borrowed from mi300x, the nearest calibrated amd gpu (...); ..."
  const FittedEfficiency* fit = nullptr;  // the entry used; null for datasheet
};

// A band that holds both: the lower of the lows and the higher of the highs.
Band widen(const Band& a, const Band& b);
Bounds widen(const Bounds& a, const Bounds& b);

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

  // The efficiency, band and evidence tier for a device and engine ("": any engine). A fit whose
  // group lists the device (this engine's, else any engine's) answers: measured when the device
  // had rows in it, else family; failing that, the fit of the nearest calibrated device of the
  // same vendor and kind in `catalog` (family; never another vendor's); else the kind's defaults
  // (datasheet). `catalog`: the devices to look for siblings in (the whole catalog, not only
  // the ones searched).
  Resolution resolve(const Hardware& hw, std::string_view engine, std::span<const Hardware> catalog) const;
  // resolve()'s efficiency (tools that only predict).
  const Efficiency& for_hardware(const Hardware& hw, std::string_view engine = "",
                                 std::span<const Hardware> catalog = {}) const;
  // The fit whose group lists the device: this engine's, else any engine's ("*"); null if none.
  const FittedEfficiency* find(const Hardware& hw, std::string_view engine) const;
  const Efficiency& kind_default(DeviceKind kind) const;
  const Bounds& kind_bounds(DeviceKind kind) const;
};

}  // namespace llmhw
