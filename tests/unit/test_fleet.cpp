// Fleets rent whole instances: which instance types can host a replica, how replicas pack into
// them, and which price a ranking uses. Expected values are worked out by hand in the comments.
#include <catch2/catch.hpp>

#include "llmhw/fleet.hpp"

using namespace llmhw;

namespace {

Price instance(std::string provider, std::string type, int devices, double usd_per_instance_hour) {
  Price p;
  p.pricing = "on-demand";
  p.provider = std::move(provider);
  p.instance_type = std::move(type);
  p.devices_per_instance = devices;
  p.usd_per_instance_hour = usd_per_instance_hour;
  p.usd_per_device_hour = usd_per_instance_hour / devices;
  p.date = "2026-12";
  return p;
}

Hardware gpu(std::vector<Price> prices) {
  Hardware hw;
  hw.id = "h100-sxm";
  hw.kind = DeviceKind::gpu;
  hw.prices = std::move(prices);
  return hw;
}

}  // namespace

TEST_CASE("an instance hosts a replica it holds, or one that spans whole instances of whole TP groups",
          "[fleet]") {
  const Price eight = instance("aws", "p5.48xlarge", 8, 55.04);
  const Price one = instance("aws", "p5.4xlarge", 1, 6.88);
  CHECK(can_host(eight, 2, 2));
  CHECK(can_host(eight, 8, 8));
  CHECK_FALSE(can_host(one, 2, 2));                  // a TP=2 replica on a one-GPU instance
  CHECK(can_host(eight, 16, 8));                     // TP=8 x PP=2: two instances, one stage each
  CHECK_FALSE(can_host(eight, 16, 16));              // a TP=16 all-reduce would cross instances
  CHECK_FALSE(can_host(eight, 12, 4));               // 12 devices do not fill whole 8-GPU instances
  CHECK(can_host(instance("x", "4x", 4, 4), 8, 4));  // TP=4 x PP=2 on two 4-GPU instances
  Price per_device = one;
  per_device.devices_per_instance = 0;  // rented per device (a purchase, or --price)
  CHECK(can_host(per_device, 64, 8));
}

TEST_CASE("replicas pack into whole instances and the rest of the last one is idle", "[fleet]") {
  const Hardware hw = gpu({});
  const Price eight = instance("aws", "p5.48xlarge", 8, 55.04);
  // 39 one-GPU replicas: ceil(39 / 8) = 5 instances, 40 GPUs, 1 idle, 5 x 55.04 = 275.20.
  const Rental r = rent(eight, hw, 39, 1);
  CHECK(r.instances == 5);
  CHECK(r.devices == 40);
  CHECK(r.idle_devices == 1);
  CHECK(r.usd_per_hour == Approx(275.20));
  // Three-GPU replicas: two fit in an instance (2 idle each); 3 replicas need 2 instances, 7 idle.
  const Rental three = rent(eight, hw, 3, 3);
  CHECK(three.instances == 2);
  CHECK(three.idle_devices == 16 - 9);
  // A 16-GPU replica spans two instances: 3 replicas = 6 instances, none idle.
  const Rental wide = rent(eight, hw, 3, 16);
  CHECK(wide.instances == 6);
  CHECK(wide.idle_devices == 0);
}

TEST_CASE("how the hardware is sold rounds the fleet up", "[fleet]") {
  Hardware hw = gpu({});
  hw.id = "gb200";
  hw.sold_in_multiples_of = 36;  // NVL72 halves
  hw.min_devices = 36;
  const Price tray = instance("coreweave", "gb200-4x", 4, 42.0);
  // One 4-GPU replica: at least 36 GPUs, in steps of 36: 9 trays of 4 = 36 GPUs, 32 idle, 9 x 42.
  const Rental r = rent(tray, hw, 1, 4);
  CHECK(r.instances == 9);
  CHECK(r.devices == 36);
  CHECK(r.idle_devices == 32);
  CHECK(r.usd_per_hour == Approx(378.0));
  // Ten replicas = 40 GPUs: the next multiple of 36 is 72 = 18 trays.
  CHECK(rent(tray, hw, 10, 4).instances == 18);
}

TEST_CASE("the cheapest fleet among the instances that can host the replica", "[fleet]") {
  const Hardware hw = gpu({instance("lambda", "1x", 1, 4.00), instance("coreweave", "8x", 8, 24.00)});
  const PriceBasis any;
  // One replica: 1 x $4 beats 1 x $24 (8 GPUs, 7 idle).
  CHECK(cheapest_rental(hw, any, 1, 1, 1)->price->provider == "lambda");
  // Seven replicas: 7 x $4 = $28 > one 8-GPU instance at $24.
  const auto seven = cheapest_rental(hw, any, 7, 1, 1);
  CHECK(seven->price->provider == "coreweave");
  CHECK(seven->usd_per_hour == Approx(24.0));
  // A TP=2 replica cannot live on one-GPU instances at all.
  CHECK(cheapest_rental(hw, any, 1, 2, 2)->price->provider == "coreweave");
  CHECK(lowest_hosting_price(hw, any, 2, 2)->provider == "coreweave");
  CHECK(lowest_hosting_price(hw, any, 1, 1)->provider == "coreweave");  // $3 per GPU < $4
  // --cloud narrows the providers; spot is another basis.
  const PriceBasis lambda_only{"on-demand", {"lambda"}};
  CHECK(cheapest_rental(hw, lambda_only, 7, 1, 1)->usd_per_hour == Approx(28.0));
  CHECK_FALSE(cheapest_rental(hw, lambda_only, 1, 2, 2).has_value());
  CHECK_FALSE(cheapest_rental(hw, PriceBasis{"spot", {}}, 1, 1, 1).has_value());
}

TEST_CASE("ties between equal fleets go to the lower per-device rate, then the provider", "[fleet]") {
  const Hardware hw = gpu({instance("b-cloud", "2x", 2, 8.0), instance("a-cloud", "2x", 2, 8.0)});
  CHECK(cheapest_rental(hw, PriceBasis{}, 2, 1, 1)->price->provider == "a-cloud");
}

TEST_CASE("the rental reads as instances with their devices and the idle ones", "[fleet]") {
  const Hardware hw = gpu({});
  const Price eight = instance("aws", "p5.48xlarge", 8, 55.04);
  CHECK(describe(rent(eight, hw, 39, 1), hw) == "5 x p5.48xlarge (40 GPUs, 1 idle)");
  CHECK(describe(rent(eight, hw, 4, 2), hw) == "1 x p5.48xlarge (8 GPUs)");
}
