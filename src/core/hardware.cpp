#include "llmhw/hardware.hpp"

#include <algorithm>

namespace llmhw {

std::string_view to_string(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::cpu:
      return "cpu";
    case DeviceKind::gpu:
      return "gpu";
    case DeviceKind::tpu:
      return "tpu";
    case DeviceKind::accelerator:
      return "accelerator";
  }
  return "?";
}

std::optional<DeviceKind> parse_device_kind(std::string_view text) {
  for (DeviceKind k : {DeviceKind::cpu, DeviceKind::gpu, DeviceKind::tpu, DeviceKind::accelerator}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::optional<double> Hardware::peak_tflops(Precision p) const {
  auto it = tflops.find(p);
  if (it == tflops.end()) return std::nullopt;
  return it->second;
}

const Price* Hardware::price(std::string_view pricing) const {
  // Prefer the big clouds' list prices: they are public, stable and what most users compare.
  auto rank = [](const Price& p) {
    return p.provider == "aws" || p.provider == "gcp" || p.provider == "azure" ? 0 : 1;
  };
  const Price* best = nullptr;
  int best_rank = 2;
  for (const Price& p : prices) {
    if (p.pricing != pricing) continue;
    const int r = rank(p);
    if (!best || r < best_rank || (r == best_rank && p.usd_per_device_hour < best->usd_per_device_hour)) {
      best = &p;
      best_rank = r;
    }
  }
  return best;
}

}  // namespace llmhw
