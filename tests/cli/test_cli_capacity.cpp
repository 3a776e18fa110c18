// llmhw capacity (issue 21): the highest rate owned devices serve, consistent with recommend.
#include <catch2/catch.hpp>

#include <algorithm>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::run_cli;
using llmhw::test::run_json;
using nlohmann::json;

namespace {

// Devices recommend's first choice on one hardware uses at a rate.
long devices_recommend_needs(const std::string& hardware, double qps,
                             const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {
      "recommend", "--model", "70b", "--hardware", hardware, "--qps", fmt::format("{}", qps), "--top", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  const json j = run_json(args);
  return j.at("recommendations").at(0).at("total_devices").get<long>();
}

}  // namespace

TEST_CASE("capacity of owned H100s agrees with recommend at 95% and 130% of its rate", "[cli][capacity]") {
  for (const auto& [devices, extra] : std::vector<std::pair<long, std::vector<std::string>>>{
           {16, {}},
           {8, {}},
           {16, {"--tpot", "30ms"}},
           {12, {"--ttft", "p90:800ms", "--precision", "bf16"}}}) {
    std::vector<std::string> args = {
        "capacity", "--model", "70b", "--hardware", "h100-sxm", "--devices", std::to_string(devices)};
    args.insert(args.end(), extra.begin(), extra.end());
    const json j = run_json(args);
    const double max = j.at("max_requests_per_s").get<double>();
    INFO(j.dump());
    REQUIRE(max > 0);
    const json& pool = j.at("pools").at(0);
    const long replicas = j.at("replicas"), per_replica = j.at("devices_per_replica");
    // Every device is in a replica or reported unused, and fewer are unused than a replica takes.
    CHECK(replicas * per_replica + j.at("unused_devices").get<long>() == devices);
    CHECK(j.at("unused_devices").get<long>() < per_replica);
    // The rate is the replicas' capacity at the targets at the 85% utilisation cap (by hand).
    CHECK(max ==
          Approx(static_cast<double>(replicas) * pool.at("requests_per_s_per_replica").get<double>() * 0.85)
              .epsilon(2e-3));
    CHECK(j.at("limited_by").is_string());
    CHECK(devices_recommend_needs("h100-sxm", 0.95 * max, extra) <= devices);
    CHECK(devices_recommend_needs("h100-sxm", 1.30 * max, extra) > devices);
  }
}

TEST_CASE("capacity exits 3 with the reason when the model does not fit the devices", "[cli][capacity]") {
  const json j = run_json({"capacity", "--model", "405b", "--hardware", "l4", "--devices", "2"}, 3);
  CHECK(j.at("max_requests_per_s") == 0);
  CHECK(j.at("replicas") == 0);
  CHECK(j.at("devices_per_replica").is_null());
  CHECK(j.at("unused_devices") == 2);
  // 405B at 8 bits is ~405 GB of weights; two 24 GB L4s hold 48 GB.
  CHECK_THAT(j.at("pools").at(0).at("reason").get<std::string>(),
             Catch::Contains("does not fit in 2x l4: the smallest layout that holds it takes"));
  const auto table = run_cli({"--data-dir", LLMHW_DATA, "capacity", "--model", "405b", "--devices", "2xl4"});
  CHECK(table.code == 3);
  CHECK_THAT(table.out, Catch::Contains("does not fit in 2x l4"));
}

TEST_CASE("capacity of a mixed inventory adds up its pools", "[cli][capacity]") {
  const json j = run_json({"capacity", "--model", "70b", "--devices", "16xh100-sxm,8xl40s"});
  REQUIRE(j.at("pools").size() == 2);
  double sum = 0;
  long replicas = 0;
  for (const json& p : j.at("pools")) {
    sum += p.at("max_requests_per_s").get<double>();
    replicas += p.at("replicas").get<long>();
    if (p.at("replicas") > 0) {
      CHECK(p.at("replicas").get<long>() * p.at("devices_per_replica").get<long>() +
                p.at("unused_devices").get<long>() ==
            p.at("devices").get<long>());
    }
  }
  CHECK(j.at("max_requests_per_s").get<double>() == Approx(sum).epsilon(1e-3));
  CHECK(j.at("replicas") == replicas);
  CHECK(j.at("devices_per_replica").is_null());  // two pools: see pools[]
  // Each pool alone gives what the mixed run says for it.
  const json h100 = run_json({"capacity", "--model", "70b", "--devices", "16xh100-sxm"});
  CHECK(h100.at("max_requests_per_s") == j.at("pools").at(0).at("max_requests_per_s"));
}

TEST_CASE("capacity rejects a bad inventory with one line naming the item", "[cli][capacity]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--devices", "16xh100-sxn"},
       "--devices: '16xh100-sxn': unknown hardware 'h100-sxn'; did you mean 'h100-sxm'"},
      {{"--devices", "16xh100-sxm,4xh100-sxm"},
       "--devices: '4xh100-sxm' lists h100-sxm a second time; give one count per hardware"},
      {{"--devices", "16"}, "--devices 16 needs --hardware ID (or write 16xID)"},
      {{"--devices", "h100-sxm"}, "--devices: 'h100-sxm' is not COUNTxHARDWARE (e.g. 16xh100-sxm)"},
      {{"--devices", "0xh100-sxm"}, ""},
  };
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args = {"--data-dir", LLMHW_DATA, "capacity", "--model", "70b"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(args);
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    // The message, or (for a did-you-mean, whose list depends on the catalog) its start.
    if (!message.empty()) CHECK(r.err.rfind("llmhw: error: " + message, 0) == 0);
  }
}
