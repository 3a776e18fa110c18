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

// One dated price observation: one rentable instance type (or, with devices_per_instance 0, a
// rate per device for any count: purchases, and prices set with --price).
struct Price {
  std::string pricing;  // on-demand | spot | reserved | amortized-purchase
  double usd_per_device_hour = 0;
  std::string provider, instance_type, region, date;
  int devices_per_instance = 0;      // 0 = rented per device
  double usd_per_instance_hour = 0;  // 0 = devices_per_instance x usd_per_device_hour
  // What one instance costs per hour (one device when rented per device).
  double instance_hour_usd() const;
};

// The provider of a price the user gave (recommend --price, --price-file; instance_type names
// the flag): it replaces the profile's list prices, and --cloud does not filter it out.
inline constexpr std::string_view kUserPriceProvider = "user";

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
  // How the hardware is sold beyond single instances (GB200 NVL72: racks and slices): a fleet
  // rents a multiple of `sold_in_multiples_of` devices, and at least `min_devices`.
  int sold_in_multiples_of = 1;
  int min_devices = 1;
  std::vector<std::string> clouds;
  std::vector<std::string> engines;
  bool on_prem = false;
  std::string origin;  // file it was loaded from, for messages

  std::optional<double> peak_tflops(Precision p) const;
  // The lowest per-device rate of the given pricing mode (a buyer shopping around); nullptr if
  // none. What a fleet pays depends on its layout: see fleet.hpp.
  const Price* price(std::string_view pricing) const;
};

}  // namespace llmhw
