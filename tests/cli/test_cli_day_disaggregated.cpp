// recommend --load-profile with disaggregated layouts: each period is sized as recommend sizes
// that rate (prefill and decode workers together), so a day at a constant rate is recommend's
// fleet all day.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::run_cli;
using llmhw::test::TempDir;
using nlohmann::json;

namespace {

json recommend_json(std::vector<std::string> args) {
  args.insert(args.begin(), {"--data-dir", LLMHW_DATA, "recommend", "--model", "70b", "--top", "1"});
  args.insert(args.end(), {"--format", "json"});
  const auto r = run_cli(args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

std::string constant_day(double qps) {
  std::string csv = "hour,qps\n";
  for (int h = 0; h < 24; ++h) csv += fmt::format("{},{}\n", h, qps);
  return csv;
}

}  // namespace

TEST_CASE("a day at a constant rate is recommend's disaggregated fleet at that rate, all day",
          "[cli][load-profile][disaggregated]") {
  // 70B on H200 at 50 req/s: recommend's best layout there is disaggregated (2 prefill + 1
  // decode worker per replica in the shipped catalog); the day must plan that same fleet.
  const json at_rate = recommend_json({"--hardware", "h200-sxm", "--qps", "50"});
  const json& r = at_rate.at("recommendations").at(0);
  INFO(r.dump());
  REQUIRE(r.contains("prefill"));  // disaggregated (schema: prefill, decode, kv_transfer)
  const long replicas = r.at("replicas");
  const double per_hour = r.at("cost").at("total_per_hour_usd");
  TempDir tmp;
  const std::string file = tmp.write("constant.csv", constant_day(50)).string();
  const json day = recommend_json({"--hardware", "h200-sxm", "--load-profile", file});
  const json& d = day.at("recommendations").at(0);
  INFO(d.dump());
  CHECK(d.contains("prefill"));
  CHECK(d.at("replicas") == replicas);
  CHECK(d.at("total_devices") == r.at("total_devices"));
  REQUIRE(d.at("schedule").size() == 24);
  for (const json& s : d.at("schedule")) {
    CHECK(s.at("replicas") == replicas);
    CHECK(s.at("warming_replicas") == 0);
    CHECK(s.at("cost_per_hour_usd").get<double>() == Approx(per_hour).epsilon(1e-3));
  }
  // By hand: the same fleet for 24 hours.
  CHECK(d.at("cost").at("per_day_usd").get<double>() == Approx(24 * per_hour).epsilon(1e-3));
  CHECK(d.at("cost").at("peak_sized_per_day_usd").get<double>() == Approx(24 * per_hour).epsilon(1e-3));
}

TEST_CASE("a disaggregated day scales with the load as recommend sizes each rate",
          "[cli][load-profile][disaggregated]") {
  // Night 10 req/s, day 50: each period's replicas are recommend's at the period's rate on the
  // peak's layout (the day keeps the peak's prefill:decode ratio).
  std::string csv = "hour,qps\n";
  for (int h = 0; h < 24; ++h) csv += fmt::format("{},{}\n", h, h < 8 ? 10 : 50);
  TempDir tmp;
  const std::string file = tmp.write("day.csv", csv).string();
  const json day = recommend_json({"--hardware", "h200-sxm", "--load-profile", file});
  const json& d = day.at("recommendations").at(0);
  INFO(d.dump());
  REQUIRE(d.contains("prefill"));
  const json peak = recommend_json({"--hardware", "h200-sxm", "--qps", "50"}).at("recommendations").at(0);
  CHECK(d.at("schedule").at(12).at("replicas") == peak.at("replicas"));
  // At 10 req/s, the peak's layout sized for 10 req/s: ceil(10 / (capacity x 0.85)) replicas,
  // the capacity per replica (the most it serves within the targets) being the peak's.
  const double capacity = peak.at("capacity").at("requests_per_s_per_replica");
  const long night = d.at("schedule").at(0).at("replicas");
  // The JSON rounds the capacity to 4 digits: either side of it.
  CHECK(night >= static_cast<long>(std::ceil(10 / (capacity * 1.001 * 0.85))));
  CHECK(night <= static_cast<long>(std::ceil(10 / (capacity * 0.999 * 0.85))));
  CHECK(night < peak.at("replicas").get<long>());
}
