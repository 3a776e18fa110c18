#include "llmhw/calibration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace llmhw {
namespace {

bool listed(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The fit whose group lists `id`: this engine's, else any engine's. `shipped_only` skips users'
// overlays (a sibling lends only the shipped fit: an overlay is one cluster's, not a family's).
const FittedEfficiency* find_id(const std::vector<FittedEfficiency>& fitted, std::string_view id,
                                std::string_view engine, bool shipped_only = false) {
  const FittedEfficiency* any_engine = nullptr;
  for (const FittedEfficiency& f : fitted) {
    if (!listed(f.hardware, id) || (shipped_only && !f.overlay.empty())) continue;
    if (!engine.empty() && f.engine == engine) return &f;
    if (f.engine == "*" && !any_engine) any_engine = &f;
  }
  return any_engine;
}

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

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

// "hopper (h100-sxm, h200-sxm)" or, without a group name, the devices.
std::string group_label(const FittedEfficiency& f) {
  return f.group.empty() ? joined(f.hardware) : fmt::format("{} ({})", f.group, joined(f.hardware));
}

// The devices whose rows the fit was made on.
std::vector<std::string> measured_devices(const FittedEfficiency& f) {
  return f.measured_hardware.empty() ? f.hardware : f.measured_hardware;
}

// How far apart two devices' generations are, by memory bandwidth (what sets decode speed):
// |log of the ratio|, so that 2x faster and 2x slower are as far. Unknown bandwidth is farthest.
double generation_distance(const Hardware& a, const Hardware& b) {
  if (!(a.memory_bandwidth_gbps > 0 && b.memory_bandwidth_gbps > 0))
    return std::numeric_limits<double>::max();
  return std::abs(std::log(a.memory_bandwidth_gbps / b.memory_bandwidth_gbps));
}

struct Sibling {
  const Hardware* device = nullptr;
  const FittedEfficiency* fit = nullptr;
};

// The calibrated device of the same vendor and kind nearest in generation (ties: the fit's
// group name, then the device id, so that the answer never depends on the catalog's order).
Sibling nearest_sibling(const std::vector<FittedEfficiency>& fitted, const Hardware& hw,
                        std::string_view engine, std::span<const Hardware> catalog) {
  Sibling best;
  auto key = [&hw](const Sibling& s) {
    return std::make_tuple(generation_distance(hw, *s.device), s.fit->group, s.device->id);
  };
  for (const Hardware& d : catalog) {
    if (d.id == hw.id || d.vendor != hw.vendor || d.kind != hw.kind) continue;
    const FittedEfficiency* f = find_id(fitted, d.id, engine, true);
    if (!f || !f->measured_on(d.id)) continue;
    const Sibling s{&d, f};
    if (!best.device || key(s) < key(best)) best = s;
  }
  return best;
}

}  // namespace

bool FittedEfficiency::measured_on(std::string_view id) const {
  return measured_hardware.empty() ? listed(hardware, id) : listed(measured_hardware, id);
}

std::string_view to_string(Evidence e) {
  switch (e) {
    case Evidence::measured:
      return "measured";
    case Evidence::family:
      return "family";
    case Evidence::datasheet:
      return "datasheet";
    case Evidence::calibrated:
      return "calibrated";
  }
  return "?";
}

Band widen(const Band& a, const Band& b) {
  return {std::min(a.low, b.low), std::max(a.high, b.high)};
}

Bounds widen(const Bounds& a, const Bounds& b) {
  return {widen(a.ttft, b.ttft), widen(a.tpot, b.tpot), widen(a.throughput, b.throughput)};
}

// A CPU slice ("graviton3@8vcpu") is its socket's profile with fewer cores: it takes the socket's
// fit (the fits of the CPU groups are made on slices, data/calibration/cpu_threads_llamacpp.csv).
static std::string_view profile_id(const Hardware& hw) {
  return hw.socket_id.empty() ? std::string_view(hw.id) : std::string_view(hw.socket_id);
}

const FittedEfficiency* Calibration::find(const Hardware& hw, std::string_view engine) const {
  return find_id(fitted, profile_id(hw), engine);
}

const Efficiency& Calibration::kind_default(DeviceKind kind) const {
  return of_kind(kind, cpu, gpu, tpu, accelerator);
}

const Bounds& Calibration::kind_bounds(DeviceKind kind) const {
  return of_kind(kind, cpu_bounds, gpu_bounds, tpu_bounds, accelerator_bounds);
}

Resolution Calibration::resolve(const Hardware& hw, std::string_view engine,
                                std::span<const Hardware> catalog) const {
  Resolution r;
  if (const FittedEfficiency* f = find(hw, engine); f && f->measured_on(profile_id(hw))) {
    r.efficiency = &f->efficiency;
    r.fit = f;
    r.evidence = f->overlay.empty() ? Evidence::measured : Evidence::calibrated;
    r.bounds = f->bounds;
    r.basis = f->overlay.empty() ? fmt::format("fitted to {} calibration rows of {} with engine {}", f->rows,
                                               group_label(*f), f->engine)
                                 : f->overlay;
    return r;
  }
  // A borrowed fit's band: the one calibrate measured for borrowers, else the fit's own band
  // joined with the kind's default: a borrower is no better known than a device without a
  // sibling, and the fit is off by at least as much as on its own devices.
  const auto borrow = [&](const FittedEfficiency& f, const std::string& from) {
    r.efficiency = &f.efficiency;
    r.fit = &f;
    r.evidence = Evidence::family;
    r.bounds = f.family_bounds.value_or(widen(f.bounds, kind_bounds(hw.kind)));
    r.basis =
        fmt::format("borrowed from {} ({} fit of {} with engine {}, {} rows); {}", from,
                    f.group.empty() ? "the" : f.group, joined(measured_devices(f)), f.engine, f.rows,
                    f.family_bounds ? "family band"
                                    : fmt::format("band widened to the {} default's", to_string(hw.kind)));
  };
  if (const FittedEfficiency* f = find(hw, engine)) {
    borrow(*f, fmt::format("its group, which has no rows of {}", hw.id));
  } else if (const Sibling s = nearest_sibling(fitted, hw, engine, catalog); s.fit) {
    borrow(*s.fit,
           fmt::format("{}, the nearest calibrated {} {}", s.device->id, hw.vendor, to_string(hw.kind)));
  } else {
    r.efficiency = &kind_default(hw.kind);
    r.bounds = kind_bounds(hw.kind);
    r.evidence = Evidence::datasheet;
    r.basis = fmt::format("the {} defaults on the datasheet peaks; no calibrated {} {}", to_string(hw.kind),
                          hw.vendor, to_string(hw.kind));
  }
  return r;
}

const Efficiency& Calibration::for_hardware(const Hardware& hw, std::string_view engine,
                                            std::span<const Hardware> catalog) const {
  return *resolve(hw, engine, catalog).efficiency;
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

}  // namespace llmhw
