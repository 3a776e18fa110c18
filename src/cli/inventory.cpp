#include "cli/inventory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "llmhw/error.hpp"
#include "llmhw/owned.hpp"
#include "llmhw/units.hpp"

namespace llmhw::cli {
namespace {

// "16xh100-sxm" -> (16, "h100-sxm"); a usage error naming the item otherwise.
std::pair<long, std::string> parse_item(const std::string& item, const std::string& flag) {
  const size_t x = item.find('x');
  if (x == std::string::npos || x == 0 ||
      !std::all_of(item.begin(), item.begin() + static_cast<long>(x),
                   [](char c) { return std::isdigit(c); })) {
    throw usage_error(fmt::format("{}: '{}' is not COUNTxHARDWARE (e.g. 16xh100-sxm)", flag, item));
  }
  return {parse_count(item.substr(0, x), flag, kMaxDevices), item.substr(x + 1)};
}

}  // namespace

std::vector<Pool> parse_inventory(const std::string& text, const Catalog& catalog, const std::string& flag) {
  std::vector<Pool> pools;
  for (const std::string& item : split_list(text, flag)) {
    const auto [count, id] = parse_item(item, flag);
    const Hardware& hw = find_hardware(catalog, id, fmt::format("{}: '{}'", flag, item));
    if (std::any_of(pools.begin(), pools.end(), [&](const Pool& p) { return p.hardware == &hw; }))
      throw usage_error(
          fmt::format("{}: '{}' lists {} a second time; give one count per hardware", flag, item, id));
    pools.push_back({&hw, count});
  }
  return pools;
}

void apply_have(Query& q, const std::string& have, const std::string& owned_cost, const Catalog& catalog) {
  if (have.empty()) {
    if (!owned_cost.empty()) throw usage_error("--owned-cost: only with --have (e.g. --have 16xh100-sxm)");
    return;
  }
  if (!owned_cost.empty())
    q.owned_usd_per_device_hour =
        owned_cost == "0" ? 0.0 : parse_positive(owned_cost, "--owned-cost", 1000.0);
  for (const Pool& p : parse_inventory(have, catalog, "--have")) {
    if (!q.owned_usd_per_device_hour && !purchase_price(*p.hardware))
      throw usage_error(fmt::format(
          "--have: {} has no amortized-purchase price in its profile; give --owned-cost 0 to count owned "
          "devices at zero (or --owned-cost USD per device-hour)",
          p.hardware->id));
    q.owned.push_back({p.hardware->id, p.devices});
  }
}

}  // namespace llmhw::cli
