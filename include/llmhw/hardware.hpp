#pragma once
// A device profile (one GPU, accelerator chip, TPU chip or CPU socket) as the estimator sees it.
// Loaded from data/hardware/*.json by io/hardware_json; see docs/hardware-profiles.md.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/precision.hpp"

namespace llmhw {

enum class DeviceKind { cpu, gpu, tpu, accelerator };
std::string_view to_string(DeviceKind kind);
std::optional<DeviceKind> parse_device_kind(std::string_view text);

// One dated price observation.
struct Price {
  std::string pricing;  // on-demand | spot | reserved | amortized-purchase
  double usd_per_device_hour = 0;
  std::string provider, instance_type, region, date;
};

struct Link {
  std::string kind;               // nvlink4, pcie5, ici, upi, ...
  double gbps_per_direction = 0;  // GB/s per device, one direction
};

struct Hardware {
  std::string id, name, vendor;
  DeviceKind kind = DeviceKind::gpu;
  double memory_gb = 0;
  double memory_bandwidth_gbps = 0;
  std::map<Precision, double> tflops;  // dense peak; absent = no native support
  Link interconnect;
  std::optional<Link> scale_out;
  int devices_per_node = 1;
  std::vector<int> fast_group_sizes;  // allowed tensor-parallel group sizes
  double tdp_w = 0;
  std::vector<Price> prices;
  std::vector<std::string> clouds;
  std::vector<std::string> engines;
  bool on_prem = false;
  std::string origin;  // file it was loaded from, for messages

  std::optional<double> peak_tflops(Precision p) const;
  // The price of the given pricing mode, preferring hyperscalers then the lowest; nullptr if none.
  const Price* price(std::string_view pricing) const;
};

}  // namespace llmhw
