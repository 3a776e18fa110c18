#include "llmhw/fleet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <tuple>

namespace llmhw {
namespace {

long ceil_div(long a, long b) {
  return (a + b - 1) / b;
}

}  // namespace

bool can_host(const Price& price, int replica_devices, int tp) {
  const int n = price.devices_per_instance;
  if (n == 0 || n >= replica_devices) return true;
  return n % tp == 0 && replica_devices % n == 0;
}

Rental rent(const Price& price, const Hardware& hw, long replicas, int replica_devices) {
  Rental r;
  r.price = &price;
  const long n = price.devices_per_instance;
  const long unit = n == 0 ? 1 : n;  // devices per rented unit
  if (n == 0) {
    r.instances = replicas * replica_devices;
  } else if (n >= replica_devices) {
    r.instances = ceil_div(replicas, n / replica_devices);
  } else {
    r.instances = replicas * (replica_devices / n);
  }
  // How the hardware is sold: at least min_devices, in multiples of sold_in_multiples_of.
  r.instances = std::max(r.instances, ceil_div(hw.min_devices, unit));
  const long step = hw.sold_in_multiples_of / std::gcd(unit, static_cast<long>(hw.sold_in_multiples_of));
  r.instances = ceil_div(r.instances, step) * step;
  r.devices = r.instances * unit;
  r.idle_devices = r.devices - replicas * replica_devices;
  r.usd_per_hour = static_cast<double>(r.instances) * price.instance_hour_usd();
  return r;
}

bool PriceBasis::admits(const Price& p) const {
  // The user's own price (--price) holds whatever --cloud narrows the list prices to.
  return p.pricing == pricing &&
         (providers.empty() || p.provider == kUserPriceProvider ||
          std::find(providers.begin(), providers.end(), p.provider) != providers.end());
}

const Price* lowest_hosting_price(const Hardware& hw, const PriceBasis& basis, int replica_devices, int tp) {
  const Price* best = nullptr;
  for (const Price& p : hw.prices) {
    if (!basis.admits(p) || !can_host(p, replica_devices, tp)) continue;
    if (!best || p.usd_per_device_hour < best->usd_per_device_hour) best = &p;
  }
  return best;
}

std::optional<Rental> cheapest_rental(const Hardware& hw, const PriceBasis& basis, long replicas,
                                      int replica_devices, int tp) {
  std::optional<Rental> best;
  const auto key = [](const Rental& r) {
    return std::tie(r.usd_per_hour, r.price->usd_per_device_hour, r.price->provider, r.price->instance_type);
  };
  for (const Price& p : hw.prices) {
    if (!basis.admits(p) || !can_host(p, replica_devices, tp)) continue;
    Rental r = rent(p, hw, replicas, replica_devices);
    if (!best || key(r) < key(*best)) best = r;
  }
  return best;
}

namespace {

std::string device_noun(const Hardware& hw, long n) {
  // A CPU slice is sold by the vCPU: "1 x c7g.2xlarge (8 vCPU)", not "(1 socket)".
  if (hw.vcpus > 0) return fmt::format("{} vCPU", n * hw.vcpus);
  const char* noun = hw.kind == DeviceKind::gpu ? "GPU" : hw.kind == DeviceKind::cpu ? "socket" : "chip";
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

}  // namespace

std::string describe(const Rental& r, const Hardware& hw) {
  if (r.price->devices_per_instance == 0) return fmt::format("{} x {} rented per device", r.instances, hw.id);
  std::string out =
      fmt::format("{} x {} ({}", r.instances, r.price->instance_type, device_noun(hw, r.devices));
  if (r.idle_devices > 0) out += fmt::format(", {} idle", r.idle_devices);
  return out + ")";
}

std::string describe(const PriceBasis& basis, const Hardware& hw, int replica_devices, int tp) {
  std::set<std::string> providers;
  for (const Price& p : hw.prices) {
    if (basis.admits(p) && can_host(p, replica_devices, tp)) providers.insert(p.provider);
  }
  const std::string replica =
      replica_devices == 1 ? "a 1-device replica" : fmt::format("a {}-device replica", replica_devices);
  if (providers.size() == 1)
    return fmt::format("the only {} price that holds {} ({})", basis.pricing, replica, *providers.begin());
  return fmt::format("cheapest {} fleet among {} providers' instances that hold {}", basis.pricing,
                     providers.size(), replica);
}

}  // namespace llmhw
