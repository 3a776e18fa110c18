#pragma once
// How a fleet of replicas is rented: whole instances of one instance type (docs/estimation.md
// "Cost"). A replica lives inside one instance or spans whole instances; replicas are packed
// into instances, and the devices left over are paid for and idle.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/hardware.hpp"

namespace llmhw {

// What a fleet rents from one price entry.
struct Rental {
  const Price* price = nullptr;
  long instances = 0;     // instances rented (devices, when rented per device)
  long devices = 0;       // devices rented
  long idle_devices = 0;  // rented but holding no replica
  double usd_per_hour = 0;
};

// Whether an instance type can host a replica of `replica_devices` devices whose tensor-parallel
// groups are `tp` devices: the instance holds the whole replica, or the replica spans whole
// instances each holding whole tensor-parallel groups (pipeline stages or data-parallel groups
// cross instances over the scale-out network; a tensor-parallel all-reduce does not).
bool can_host(const Price& price, int replica_devices, int tp);

// `replicas` replicas of `replica_devices` devices rented as instances of `price`, rounded up to
// how the hardware is sold (sold_in_multiples_of, min_devices).
Rental rent(const Price& price, const Hardware& hw, long replicas, int replica_devices);

// Which prices a ranking may use: the pricing mode, and the providers (empty = any).
struct PriceBasis {
  std::string pricing = "on-demand";
  std::vector<std::string> providers;
  bool admits(const Price& p) const;
};

// The lowest per-device rate among the prices of the basis whose instances can host the replica
// (nullptr if none): every device in a ranking is priced the same way, as a buyer shopping
// around the providers would.
const Price* lowest_hosting_price(const Hardware& hw, const PriceBasis& basis, int replica_devices, int tp);

// The cheapest fleet among those prices (ties: lower per-device rate, then provider and
// instance type, so the answer is deterministic); nullopt if none can host the replica.
std::optional<Rental> cheapest_rental(const Hardware& hw, const PriceBasis& basis, long replicas,
                                      int replica_devices, int tp);

// "5 x p5.48xlarge (40 GPUs, 1 idle)", "3 x mi355x rented per device".
std::string describe(const Rental& rental, const Hardware& hw);

// "lowest on-demand price among 3 providers' instances that hold a 2-device replica".
std::string describe(const PriceBasis& basis, const Hardware& hw, int replica_devices, int tp);

}  // namespace llmhw
