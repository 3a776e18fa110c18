#include "llmhw/calibration.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw {
namespace {

bool covers(const FittedEfficiency& f, const Hardware& hw) {
  return std::find(f.hardware.begin(), f.hardware.end(), hw.id) != f.hardware.end();
}

}  // namespace

const FittedEfficiency* Calibration::find(const Hardware& hw, std::string_view engine) const {
  const FittedEfficiency* any_engine = nullptr;
  for (const FittedEfficiency& f : fitted) {
    if (!covers(f, hw)) continue;
    if (!engine.empty() && f.engine == engine) return &f;
    if (f.engine == "*" && !any_engine) any_engine = &f;
  }
  return any_engine;
}

namespace {

// The member of a per-kind quadruple that belongs to a device kind.
template <typename T>
const T& of_kind(DeviceKind kind, const T& cpu, const T& gpu, const T& tpu, const T& accelerator) {
  switch (kind) {
    case DeviceKind::cpu:
      return cpu;
    case DeviceKind::tpu:
      return tpu;
    case DeviceKind::accelerator:
      return accelerator;
    case DeviceKind::gpu:
      break;
  }
  return gpu;
}

}  // namespace

const Efficiency& Calibration::for_hardware(const Hardware& hw, std::string_view engine) const {
  if (const FittedEfficiency* f = find(hw, engine)) return f->efficiency;
  return of_kind(hw.kind, cpu, gpu, tpu, accelerator);
}

const Bounds& Calibration::bounds_for(const Hardware& hw, std::string_view engine) const {
  if (const FittedEfficiency* f = find(hw, engine)) return f->bounds;
  return of_kind(hw.kind, cpu_bounds, gpu_bounds, tpu_bounds, accelerator_bounds);
}

EngineLimits Calibration::limits(std::string_view engine) const {
  if (auto it = engines.find(std::string(engine)); it != engines.end()) return it->second;
  if (auto it = engines.find("*"); it != engines.end()) return it->second;
  return {};
}

EngineLimits Calibration::limits(std::string_view engine, const Hardware& hw) const {
  EngineLimits l = limits(engine);
  const bool excluded = std::any_of(l.large_memory_excludes.begin(), l.large_memory_excludes.end(),
                                    [&hw](const std::string& prefix) { return hw.id.rfind(prefix, 0) == 0; });
  if (l.large_memory_gb > 0 && hw.memory_gb >= l.large_memory_gb && !excluded) {
    if (l.large_memory_max_num_tokens > 0) l.max_num_tokens = l.large_memory_max_num_tokens;
    if (l.large_memory_max_batch > 0) l.max_batch = l.large_memory_max_batch;
  }
  return l;
}

std::string Calibration::describe(const Hardware& hw, std::string_view engine) const {
  if (const FittedEfficiency* f = find(hw, engine)) {
    std::string group;
    for (const auto& id : f->hardware) group += (group.empty() ? "" : ",") + id;
    return fmt::format("fitted to {} calibration rows of {} with engine {}", f->rows, group, f->engine);
  }
  return fmt::format("default for {} (no fit for {})", to_string(hw.kind), hw.id);
}

}  // namespace llmhw
