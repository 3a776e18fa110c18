#pragma once
// An inventory of owned devices as typed: "16xh100-sxm,8xl40s" (capacity --devices, recommend --have).
#include <string>
#include <vector>

#include "cli/catalog.hpp"
#include "llmhw/capacity.hpp"
#include "llmhw/recommend.hpp"

namespace llmhw::cli {

// More devices than any site holds: a typo, not an inventory.
constexpr long kMaxDevices = 1'000'000;

// "16xh100-sxm,8xl40s" as pools in the order given, each id once; a usage error naming `flag`
// and the item otherwise (malformed item, zero count, unknown id, an id twice).
std::vector<Pool> parse_inventory(const std::string& text, const Catalog& catalog, const std::string& flag);

// recommend --have ITEMS [--owned-cost USD]: the owned devices into q. Without --owned-cost every
// owned hardware needs an amortized-purchase price (an error naming --have otherwise).
void apply_have(Query& q, const std::string& have, const std::string& owned_cost, const Catalog& catalog);

}  // namespace llmhw::cli
