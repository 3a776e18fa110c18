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
  const Price* best = nullptr;
  for (const Price& p : prices) {
    if (p.pricing != pricing) continue;
    if (!best || p.usd_per_device_hour < best->usd_per_device_hour) best = &p;
  }
  return best;
}

double Price::instance_hour_usd() const {
  if (devices_per_instance == 0) return usd_per_device_hour;
  return usd_per_instance_hour > 0 ? usd_per_instance_hour : usd_per_device_hour * devices_per_instance;
}

int fast_domain(const Hardware& hw) {
  int domain = hw.devices_per_node;
  for (int g : hw.fast_group_sizes) domain = std::max(domain, g);
  return std::max(1, domain);
}

}  // namespace llmhw
