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

// The cores behind N vCPUs: a vCPU is a hardware thread, and an odd count on an SMT part still
// occupies whole cores, unless the instance states its cores (SMT switched off by the cloud).
int cores_of(const Hardware& socket, int vcpus, const Price* instance) {
  if (instance && instance->cores > 0) return instance->cores;
  const int per_core = socket.cpu.threads_per_core();
  return std::max(1, (vcpus + per_core - 1) / per_core);
}

// The instance of a size a recommendation would rent, whose memory and cores the slice takes:
// on-demand first (any pricing when none is), then the lowest price per core, then the lowest
// price. Per core, because clouds sell one vCPU count with SMT on and off (GCP c3d-standard-8: 4
// Genoa cores; AWS c7a.2xlarge: 8), and the one with more cores per dollar is the better buy at
// that size (a smaller size of the other family covers the cheaper end). Null when none is listed.
const Price* chosen_instance(const Hardware& socket, int vcpus) {
  const Price* best = nullptr;
  double best_per_core = 0;
  for (const Price& p : socket.instance_prices) {
    if (p.vcpus != vcpus || p.memory_gb <= 0) continue;
    const double per_core = p.usd_per_device_hour / cores_of(socket, vcpus, &p);
    const bool better = !best || (p.pricing == "on-demand" && best->pricing != "on-demand") ||
                        (p.pricing == best->pricing &&
                         (per_core < best_per_core ||
                          (per_core == best_per_core && p.usd_per_device_hour < best->usd_per_device_hour)));
    if (better) {
      best = &p;
      best_per_core = per_core;
    }
  }
  return best;
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
  const Price* instance = chosen_instance(socket, vcpus);
  const int cores = cores_of(socket, vcpus, instance);
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
  s.memory_gb = instance ? instance->memory_gb : socket.memory_gb * share;
  s.prices.clear();
  for (const Price& p : socket.instance_prices) {
    if (p.vcpus == vcpus && std::abs(p.memory_gb - s.memory_gb) <= 0.005 * s.memory_gb &&
        cores_of(socket, vcpus, &p) == cores)
      s.prices.push_back(p);
  }
  return s;
}

}  // namespace llmhw
