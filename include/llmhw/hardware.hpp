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
  // CPU instances: the instance's vCPUs and memory (0 = not stated; the price is for the profile).
  int vcpus = 0;
  double memory_gb = 0;
  // CPU instances: the physical cores behind the vCPUs, where the cloud states them apart from
  // the socket's SMT (AWS c7a/m7a run Genoa with SMT off: one vCPU is one core). 0 = vcpus /
  // the socket's threads per core.
  int cores = 0;
};

// A CPU socket's cores and hardware threads, and what one core streams from memory.
struct CpuTopology {
  int cores = 0;
  int threads = 0;                     // = cores without SMT
  double per_core_bandwidth_gbps = 0;  // 0 = unknown: a slice gets its share of the socket
  int threads_per_core() const { return cores > 0 && threads > cores ? threads / cores : 1; }
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
  // CPUs: every priced instance size (vcpus set), whole socket or slice; slice() picks from them.
  std::vector<Price> instance_prices;
  CpuTopology cpu;        // kind cpu only
  int vcpus = 0;          // a slice's vCPUs (0 = the whole device)
  std::string socket_id;  // a slice's socket profile id (empty = not a slice)
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
  int socket_vcpus() const { return cpu.threads > 0 ? cpu.threads : cpu.cores; }
};

// The vCPU counts a CPU profile's instances are sold in, smallest first (empty for other kinds).
std::vector<int> sellable_vcpus(const Hardware& socket);

// The largest set of devices one fast link joins: an NVLink node or NVL72 rack, a TPU ICI slice.
int fast_domain(const Hardware& hw);

// A slice of a CPU socket: `vcpus` vCPUs (docs/hardware-profiles.md "CPU slices"). The instance
// of that size with the lowest on-demand price per core sets the cores (its stated `cores`, else
// vcpus / threads per core), the memory and the prices; memory bandwidth min(socket, cores x
// per-core bandwidth), or the socket's share when the per-core figure is unknown; compute and TDP
// scale with the cores. Id "<socket>@<N>vcpu".
// Throws usage_error when the device is not a CPU or vcpus is outside 1..socket vCPUs.
Hardware slice(const Hardware& socket, int vcpus);

}  // namespace llmhw
