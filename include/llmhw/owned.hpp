#pragma once
// Devices the user owns (recommend --have): a fleet's replicas go on owned devices first, priced
// at the hardware's amortized-purchase price plus power (or at --owned-cost), and only the
// replicas beyond them are rented at the query's price basis (fleet.hpp). A replica sits wholly
// on owned or wholly on rented devices: a tensor-parallel group does not span an owned rack and
// a cloud instance.
#include <optional>
#include <string>

#include "llmhw/recommend.hpp"

namespace llmhw {

// How many devices of `hw` the query owns (0 if none).
long owned_count(const Query& q, const Hardware& hw);

// The lowest amortized-purchase price of `hw` (ties: provider), or nullptr if it has none.
const Price* purchase_price(const Hardware& hw);

// Moves the fleet's first replicas onto owned devices and rents the rest; sets owned_devices,
// owned_cost_per_hour, rental, cost_per_hour, total_cost_per_hour and cost_per_million_tokens.
// Called by add_cost after the all-rented price; a no-op for hardware the query does not own.
void apply_owned(Evaluation& e, const Query& q);

// "owned: 16 of 24 devices (2 replicas) at ...; rented: ..." for fleets on owned hardware.
std::optional<std::string> owned_reason(const Evaluation& e, const Query& q);

}  // namespace llmhw
