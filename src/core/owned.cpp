// Owned devices first, rented for the rest (recommend --have; issue #21 part 1).
#include "llmhw/owned.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "llmhw/text.hpp"

namespace llmhw {

long owned_count(const Query& q, const Hardware& hw) {
  for (const OwnedDevices& o : q.owned) {
    if (o.hardware == hw.id) return o.devices;
  }
  return 0;
}

const Price* purchase_price(const Hardware& hw) {
  const Price* best = nullptr;
  for (const Price& p : hw.prices) {
    if (p.pricing != "amortized-purchase") continue;
    if (!best ||
        std::tie(p.usd_per_device_hour, p.provider) < std::tie(best->usd_per_device_hour, best->provider))
      best = &p;
  }
  return best;
}

void apply_owned(Evaluation& e, const Query& q) {
  e.owned_devices = 0;
  e.owned_cost_per_hour = 0;
  const Hardware& hw = *e.deployment.hardware;
  const long owned = owned_count(q, hw);
  const long per_replica = e.devices();
  if (owned == 0 || !e.price || per_replica <= 0 || e.replicas <= 0) return;
  const long owned_replicas = std::min(e.replicas, owned / per_replica);
  if (owned_replicas == 0) return;  // too few owned devices for one replica: all rented
  const long rented_replicas = e.replicas - owned_replicas;
  e.owned_devices = owned_replicas * per_replica;
  // Power of the devices in use follows the load (add_cost); each owned device's share.
  const double owned_share = static_cast<double>(e.owned_devices) / static_cast<double>(e.total_devices());
  const double owned_energy = e.energy_cost_per_hour * owned_share;
  const Price* purchase = purchase_price(hw);
  if (q.owned_usd_per_device_hour) {
    e.owned_cost_per_hour = static_cast<double>(e.owned_devices) * *q.owned_usd_per_device_hour;
  } else if (purchase) {
    // A purchase price excludes power (add_cost): the owner pays it.
    e.owned_cost_per_hour =
        static_cast<double>(e.owned_devices) * purchase->usd_per_device_hour + owned_energy;
  }
  Rental rest;
  rest.price = e.price;
  if (rented_replicas > 0) {
    if (auto r = cheapest_rental(hw, q.price_basis(), rented_replicas, static_cast<int>(per_replica),
                                 e.deployment.tp))
      rest = *r;
  }
  e.rental = rest;
  e.price = rest.price;
  e.cost_per_hour = e.rental.usd_per_hour + e.owned_cost_per_hour;
  const double rented_energy =
      e.price->pricing == "amortized-purchase" ? e.energy_cost_per_hour - owned_energy : 0.0;
  e.total_cost_per_hour = e.cost_per_hour + (rented_replicas > 0 ? rented_energy : 0.0);
  const double tokens_per_hour = q.qps * q.workload.output_tokens * 3600.0;
  e.cost_per_million_tokens = tokens_per_hour > 0 ? e.total_cost_per_hour / tokens_per_hour * 1e6 : 0.0;
}

std::optional<std::string> owned_reason(const Evaluation& e, const Query& q) {
  const Hardware& hw = *e.deployment.hardware;
  const long owned = owned_count(q, hw);
  if (owned == 0) return std::nullopt;
  const long per_replica = e.devices();
  if (e.owned_devices == 0) {
    return fmt::format("owned: none used; {} owned {} hold no {}-device replica; {} devices rented", owned,
                       hw.id, per_replica, e.rental.devices);
  }
  const Price* purchase = purchase_price(hw);
  const std::string owned_price =
      q.owned_usd_per_device_hour
          ? fmt::format("{}/device-hour (--owned-cost)", text::usd(*q.owned_usd_per_device_hour))
      : purchase ? fmt::format("{}/device-hour amortized purchase ({}, {}) plus power",
                               text::usd(purchase->usd_per_device_hour), purchase->provider, purchase->date)
                 : std::string("$0 (no amortized-purchase price)");
  std::string rented = "0 devices rented";
  if (e.rental.devices > 0)
    rented = fmt::format("{} device{} rented: {} = {}/h", e.rental.devices, e.rental.devices == 1 ? "" : "s",
                         describe(e.rental, hw), text::usd(e.rental.usd_per_hour));
  return fmt::format("{}/h: {} devices owned (of {} owned {}) at {} = {}/h; {}; {} per 1M output tokens",
                     text::usd(e.total_cost_per_hour), e.owned_devices, owned, hw.id, owned_price,
                     text::usd(e.owned_cost_per_hour), rented, text::usd(e.cost_per_million_tokens));
}

}  // namespace llmhw
