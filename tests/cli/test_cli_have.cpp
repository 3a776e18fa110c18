// recommend --have (issue 21 part 1): owned devices first, the rest rented.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::run_cli;
using llmhw::test::run_json;
using nlohmann::json;

namespace {

json recommend_h100(std::vector<std::string> extra) {
  std::vector<std::string> args = {"recommend",  "--model",  "70b",   "--qps", "50",
                                   "--hardware", "h100-sxm", "--top", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_json(args);
}

}  // namespace

TEST_CASE("recommend --have with --owned-cost 0 costs exactly the rented remainder", "[cli][have]") {
  const json plain = recommend_h100({});
  const json& p = plain.at("recommendations").at(0);
  const long replicas = p.at("replicas"), total = p.at("total_devices");
  const long per_replica = total / replicas;
  INFO(p.dump());
  const json owned = recommend_h100({"--have", "16xh100-sxm", "--owned-cost", "0"});
  const json& o = owned.at("recommendations").at(0);
  INFO(o.dump());
  REQUIRE(o.at("replicas").get<long>() == replicas);  // owning changes the price, not the sizing
  const json& cost = o.at("cost");
  // By hand: whole replicas on the 16 owned devices, the rest rented.
  const long owned_replicas = std::min(replicas, 16 / per_replica);
  CHECK(cost.at("owned_devices").get<long>() == owned_replicas * per_replica);
  const long rest = (replicas - owned_replicas) * per_replica;
  CHECK(cost.at("rented_devices").get<long>() >= rest);
  // The cheapest on-demand H100 SXM instances in data/hardware/h100-sxm.json: Lambda's 8-GPU at
  // $3.99/GPU-hour ($31.92/h) and 2-GPU at $4.19/GPU-hour ($8.38/h; 1-GPU instances cannot hold a
  // TP2 replica). At this rate recommend picks 9 TP2 replicas (18 GPUs): 8 fit the 16 owned GPUs,
  // and the 9th rents one 2-GPU instance, $8.38/h.
  if (per_replica == 2 && replicas == 9) {
    CHECK(cost.at("instances").get<long>() == 1);
    CHECK(cost.at("per_hour_usd").get<double>() == Approx(8.38));
  }
  if (rest % 8 == 0 && rest > 0 && per_replica == 8) {
    CHECK(cost.at("instances").get<long>() == rest / 8);
    CHECK(cost.at("per_hour_usd").get<double>() == Approx(static_cast<double>(rest / 8) * 31.92));
  }
  // Owning changes nothing about the instance type: the remainder costs the all-rented fleet's
  // price per instance.
  CHECK(cost.at("price").at("usd_per_instance_hour").get<double>() ==
        Approx(p.at("cost").at("price").at("usd_per_instance_hour").get<double>()));
  // The owned devices add nothing: the total is the rental of the remainder alone.
  CHECK(cost.at("total_per_hour_usd").get<double>() ==
        Approx(cost.at("instances").get<double>() *
               cost.at("price").at("usd_per_instance_hour").get<double>()));
  const std::string reasons = o.at("reasons").dump();
  CHECK(reasons.find(std::to_string(owned_replicas * per_replica) + " devices owned") != std::string::npos);
}

TEST_CASE("recommend --have prices owned devices at the amortized-purchase price plus power", "[cli][have]") {
  const auto r = run_cli({"--data-dir", LLMHW_DATA, "recommend", "--model", "8b", "--qps", "20", "--hardware",
                          "rtx-6000-ada", "--have", "2xrtx-6000-ada", "--top", "1", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json j = json::parse(r.out);
  const json& e = j.at("recommendations").at(0);
  const json& cost = e.at("cost");
  INFO(e.dump());
  const auto owned = cost.at("owned_devices").get<double>();
  const auto total = e.at("total_devices").get<double>();
  REQUIRE(owned == 2);
  // By hand: data/hardware/rtx-6000-ada.json's amortized purchase, $0.2588/device-hour, for each
  // owned device, plus the owned devices' share of the fleet's power (a purchase excludes power),
  // plus the rented instances at their on-demand price (which includes power).
  const double expected =
      owned * 0.2588 + cost.at("energy_per_hour_usd").get<double>() * owned / total +
      cost.at("instances").get<double>() * cost.at("price").at("usd_per_instance_hour").get<double>();
  CHECK(cost.at("total_per_hour_usd").get<double>() == Approx(expected).margin(0.01));
  CHECK(cost.at("rented_devices").get<long>() + 2 >= e.at("total_devices").get<long>());
}

TEST_CASE("recommend --have with enough owned H100s: the H100 fleet costs 0 and ranks first", "[cli][have]") {
  const auto r = run_cli({"--data-dir", LLMHW_DATA, "recommend", "--model", "70b", "--qps", "50", "--have",
                          "200xh100-sxm", "--owned-cost", "0", "--top", "3", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const json j = json::parse(r.out);
  const json& first = j.at("recommendations").at(0);
  INFO(first.dump());
  CHECK(first.at("hardware").at("id") == "h100-sxm");
  CHECK(first.at("cost").at("total_per_hour_usd").get<double>() == 0.0);
  CHECK(first.at("cost").at("rented_devices").get<long>() == 0);
  CHECK(first.at("cost").at("owned_devices").get<long>() == first.at("total_devices").get<long>());
}

TEST_CASE("recommend --have: bad input is a one-line usage error naming --have", "[cli][have]") {
  for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
           {"--have", "16xnot-a-device", "--owned-cost", "0"},
           {"--have", "0xh100-sxm", "--owned-cost", "0"},
           {"--have", "h100-sxm", "--owned-cost", "0"},
           {"--have", "16xh100-sxm,4xh100-sxm", "--owned-cost", "0"},
           // No amortized-purchase price for h100-sxm in its profile, and no --owned-cost.
           {"--have", "16xh100-sxm"}}) {
    std::vector<std::string> args = {"--data-dir", LLMHW_DATA, "recommend", "--model", "70b", "--qps", "50"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(args);
    INFO(extra.at(1));
    CHECK(r.code == 2);
    CHECK(r.err.find("--have") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 2);
  }
  const auto r =
      run_cli({"--data-dir", LLMHW_DATA, "recommend", "--model", "70b", "--qps", "50", "--owned-cost", "0"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--owned-cost") != std::string::npos);
}
