// CPU slices: a cloud instance of N vCPUs on a shared socket (docs/hardware-profiles.md
// "CPU slices"). Decode streams the weights with every core the engine runs a thread on, so the
// bandwidth a slice reaches grows with its cores until the socket's channels saturate; matrix
// throughput grows with the cores outright.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "llmhw/error.hpp"
#include "llmhw/hardware.hpp"

namespace llmhw {
namespace {

// The memory of the cheapest on-demand instance of a size (any pricing when none is on-demand):
// the instance a recommendation would rent.
double slice_memory_gb(const Hardware& socket, int vcpus) {
  const Price* cheapest = nullptr;
  for (const Price& p : socket.instance_prices) {
    if (p.vcpus != vcpus || p.memory_gb <= 0) continue;
    const bool better =
        !cheapest || (p.pricing == "on-demand" && cheapest->pricing != "on-demand") ||
        (p.pricing == cheapest->pricing && p.usd_per_device_hour < cheapest->usd_per_device_hour);
    if (better) cheapest = &p;
  }
  return cheapest ? cheapest->memory_gb : 0.0;
}

}  // namespace

std::vector<int> sellable_vcpus(const Hardware& socket) {
  if (socket.kind != DeviceKind::cpu) return {};
  std::set<int> sizes;
  for (const Price& p : socket.instance_prices) {
    if (p.vcpus > 0 && p.vcpus <= socket.socket_vcpus() && p.memory_gb > 0) sizes.insert(p.vcpus);
  }
  return {sizes.begin(), sizes.end()};
}

Hardware slice(const Hardware& socket, int vcpus) {
  if (socket.kind != DeviceKind::cpu) {
    throw usage_error(fmt::format("--vcpus: '{}' is a {}, not a CPU; only CPUs are sold in vCPU slices",
                                  socket.id, to_string(socket.kind)));
  }
  const int total = socket.socket_vcpus();
  if (vcpus < 1 || vcpus > total) {
    throw usage_error(
        fmt::format("--vcpus: {} is outside 1..{}, the vCPUs of one '{}' socket", vcpus, total, socket.id));
  }
  Hardware s = socket;
  const int per_core = socket.cpu.threads_per_core();
  // A vCPU is a hardware thread; an odd count on an SMT part still occupies whole cores.
  const int cores = std::max(1, (vcpus + per_core - 1) / per_core);
  const double share = static_cast<double>(cores) / socket.cpu.cores;
  s.id = fmt::format("{}@{}vcpu", socket.id, vcpus);
  s.name = fmt::format("{}, {} vCPU", socket.name, vcpus);
  s.socket_id = socket.id;
  s.vcpus = vcpus;
  s.cpu.cores = cores;
  s.cpu.threads = vcpus;
  s.memory_bandwidth_gbps =
      socket.cpu.per_core_bandwidth_gbps > 0
          ? std::min(socket.memory_bandwidth_gbps, cores * socket.cpu.per_core_bandwidth_gbps)
          : socket.memory_bandwidth_gbps * share;
  for (auto& [precision, tflops] : s.tflops) tflops *= share;
  s.tdp_w = socket.tdp_w * share;
  // One slice is one instance: no tensor parallelism across sockets or instances.
  s.devices_per_node = 1;
  s.fast_group_sizes = {1};
  const double memory = slice_memory_gb(socket, vcpus);
  s.memory_gb = memory > 0 ? memory : socket.memory_gb * share;
  s.prices.clear();
  for (const Price& p : socket.instance_prices) {
    if (p.vcpus == vcpus && std::abs(p.memory_gb - s.memory_gb) <= 0.005 * s.memory_gb) s.prices.push_back(p);
  }
  return s;
}

}  // namespace llmhw
