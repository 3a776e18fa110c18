// recommend --load-profile (issue 21): replicas per period, cost per day, malformed profiles;
// and --power-budget.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::day_csv;
using llmhw::test::run_cli;
using llmhw::test::run_json;
using llmhw::test::TempDir;
using nlohmann::json;

namespace {

// A day: night 3 req/s, morning and evening 25, afternoon (12:00-17:59) 60.
double day_rate(int hour) {
  if (hour < 7 || hour >= 22) return 3;
  if (hour >= 12 && hour < 18) return 60;
  return 25;
}

double per_hour_at(double qps, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"recommend",           "--model", "70b", "--hardware", "h100-sxm", "--qps",
                                   fmt::format("{}", qps)};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_json(args).at("recommendations").at(0).at("cost").at("total_per_hour_usd").get<double>();
}

}  // namespace

TEST_CASE("a 24-hour profile costs between the mean and the peak, summed by hand", "[cli][load-profile]") {
  TempDir tmp;
  const std::string file = tmp.write("day.csv", day_csv()).string();
  // (7 x 3 + 5 x 25 + 6 x 60 + 4 x 25 + 2 x 3) / 24 = 612 / 24 = 25.5 req/s.
  const double mean = 25.5, peak = 60;
  // Per-device prices (--price): a fleet costs replicas x devices x $2.50, so the day can be summed
  // from the schedule alone; then the shipped list prices, rented as whole instances.
  for (const auto& extra : std::vector<std::vector<std::string>>{{"--price", "h100-sxm=2.5"}, {}}) {
    std::vector<std::string> args = {"recommend", "--model",        "70b", "--hardware",
                                     "h100-sxm",  "--load-profile", file};
    args.insert(args.end(), extra.begin(), extra.end());
    const json j = run_json(args);
    CHECK(j.at("query").at("qps") == peak);
    CHECK(j.at("load_profile").at("mean_qps") == mean);
    CHECK(j.at("load_profile").at("periods") == 24);
    const json& rec = j.at("recommendations").at(0);
    const json& schedule = rec.at("schedule");
    REQUIRE(schedule.size() == 24);
    const long per_replica = rec.at("devices_per_replica");
    double sum = 0, by_hand = 0;
    for (size_t i = 0; i < 24; ++i) {
      const json& s = schedule[i];
      CHECK(s.at("start") == fmt::format("{:02}:00", i));
      CHECK(s.at("qps") == day_rate(static_cast<int>(i)));
      CHECK(s.at("hours") == 1);
      CHECK(s.at("utilisation").get<double>() <= 0.85 + 1e-9);
      CHECK(s.at("tpot_ms").get<double>() <= 50.0);
      CHECK(s.at("ttft_ms").get<double>() <= 1000.0);
      // A period holds, for its last 5 minutes, the replicas the next one starts with.
      const long next = schedule[(i + 1) % 24].at("replicas");
      CHECK(s.at("warming_replicas") == std::max(0L, next - s.at("replicas").get<long>()));
      sum += s.at("cost_usd").get<double>();
      by_hand +=
          (s.at("replicas").get<double>() * 1.0 + s.at("warming_replicas").get<double>() * 5.0 / 60.0) *
          static_cast<double>(per_replica) * 2.5;
    }
    // More replicas in the afternoon than at night.
    CHECK(schedule[14].at("replicas").get<long>() > schedule[3].at("replicas").get<long>());
    const double per_day = rec.at("cost").at("per_day_usd");
    CHECK(per_day == Approx(sum).epsilon(1e-3));
    if (!extra.empty()) CHECK(per_day == Approx(by_hand).epsilon(1e-3));
    CHECK(per_day >= 0.95 * 24 * per_hour_at(mean, extra));
    CHECK(per_day <= 24 * per_hour_at(peak, extra) + 0.01);
    CHECK(rec.at("cost").at("peak_sized_per_day_usd").get<double>() ==
          Approx(24 * per_hour_at(peak, extra)).epsilon(1e-3));
  }
}

TEST_CASE("load profiles rank by cost per day and accept time,qps periods", "[cli][load-profile]") {
  TempDir tmp;
  // Periods of any length: 8 h at 4 req/s, 10 h at 40, 6 h at 10.
  const std::string file = tmp.write("shifts.csv", "time,qps\n00:00,4\n08:00,40\n18:00,10\n").string();
  const json j = run_json({"recommend", "--model", "70b", "--kind", "gpu", "--load-profile", file, "--top",
                           "5", "--scale-up-minutes", "10", "--baseline", "reserved"});
  const json& recs = j.at("recommendations");
  REQUIRE(recs.size() >= 2);
  for (size_t i = 1; i < recs.size(); ++i)
    CHECK(recs[i - 1].at("cost").at("per_day_usd").get<double>() <=
          recs[i].at("cost").at("per_day_usd").get<double>());
  const json& s = recs[0].at("schedule");
  REQUIRE(s.size() == 3);
  CHECK(s[0].at("hours") == 8);
  CHECK(s[1].at("hours") == 10);
  CHECK(s[2].at("hours") == 6);
  CHECK(j.at("load_profile").at("baseline") == "reserved");
  CHECK(recs[0].at("cost").at("per_day_usd").get<double>() <=
        recs[0].at("cost").at("peak_sized_per_day_usd").get<double>() + 0.01);
  // The table shows the day and the schedule.
  const auto table = run_cli({"--data-dir", LLMHW_DATA, "recommend", "--model", "70b", "--kind", "gpu",
                              "--load-profile", file, "--top", "3"});
  CHECK(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("ranked by cost per day"));
  CHECK_THAT(table.out, Catch::Contains("Schedule of rank 1"));
}

TEST_CASE("load profile --plot draws the load and the replicas of each period", "[cli][load-profile]") {
  TempDir tmp;
  const std::string file = tmp.write("day.csv", day_csv()).string();
  const std::string svg = (tmp.dir / "day.svg").string();
  const json j = run_json(
      {"recommend", "--model", "70b", "--hardware", "h100-sxm", "--load-profile", file, "--plot", svg});
  std::ifstream in(svg);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const json& schedule = j.at("recommendations").at(0).at("schedule");
  REQUIRE(schedule.size() == 24);
  for (const json& s : schedule) {
    CHECK_THAT(text, Catch::Contains(fmt::format("data-start=\"{}\" data-qps=\"{}\" data-replicas=\"{}\"",
                                                 s.at("start").get<std::string>(), s.at("qps").get<double>(),
                                                 s.at("replicas").get<long>())));
  }
  CHECK_THAT(text, Catch::Contains("<path id=\"load\""));
  CHECK_THAT(text, Catch::Contains("<path id=\"replicas\""));
}

TEST_CASE("a malformed load profile is one error line naming the line", "[cli][load-profile]") {
  TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"hour,qps\n0,3\n1\n", "bad.csv:3: expected 2 columns (hour,qps), got '1'"},
      {"hour,qps\n0,3\n1,-2\n", "bad.csv:3: qps '-2' is negative"},
      {"hour,qps\n0,3\n5,2\n4,1\n",
       "bad.csv:4: hour '4' comes before the line before's; periods must be in "
       "increasing time order"},
      {"hour,qps\n0,3\n0,2\n",
       "bad.csv:3: hour '0' repeats the line before's; periods must be in increasing "
       "time order"},
      {"hour,rate\n0,3\n", "bad.csv:1: expected the header 'hour,qps' or 'time,qps', got 'hour,rate'"},
      {"time,qps\n00:00,3\n25:00,3\n", "bad.csv:3: time '25:00' is not a time of day from 00:00 to 23:59"},
      {"hour,qps\n0,x\n", "bad.csv:2: qps 'x' is not a number"},
  };
  for (const auto& [content, message] : cases) {
    const std::string file = tmp.write("bad.csv", content).string();
    const auto r = run_cli({"--data-dir", LLMHW_DATA, "recommend", "--model", "70b", "--load-profile", file});
    INFO(content);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "llmhw: error: " + (tmp.dir / message).string() + "\n");
  }
  const auto both =
      run_cli({"--data-dir", LLMHW_DATA, "recommend", "--model", "70b", "--qps", "5", "--baseline", "spot"});
  CHECK(both.code == 2);
  CHECK(both.err == "llmhw: error: --baseline: only with --load-profile FILE\n");
}

TEST_CASE("a power budget is a hard rule on devices x TDP x PUE", "[cli][power]") {
  const json j = run_json({"recommend", "--model", "70b", "--qps", "20", "--power-budget", "40kW", "--pue",
                           "1.2", "--kind", "gpu", "--top", "100"});
  CHECK(j.at("query").at("power_budget_kw") == 40);
  REQUIRE(!j.at("recommendations").empty());
  for (const json& rec : j.at("recommendations")) {
    const std::string id = rec.at("hardware").at("id");
    const json show = run_json({"hardware", "show", id});
    const double tdp = show.at("hardware").at("tdp_w");
    INFO(id);
    CHECK(rec.at("total_devices").get<double>() * tdp * 1.2 <= 40000.0);
  }
  // 1 kW holds no 70B fleet at 20 req/s: every device is rejected, those that would serve
  // saying so with their draw.
  const json none =
      run_json({"recommend", "--model", "70b", "--qps", "20", "--power-budget", "1kW", "--kind", "gpu"}, 3);
  bool named = false;
  for (const json& r : none.at("rejected")) {
    if (r.at("rule") != "within-power-budget") continue;
    named = true;
    CHECK_THAT(r.at("reasons").at(0).get<std::string>(), Catch::Contains("> power budget 1 kW"));
  }
  CHECK(named);
  const auto bad = run_cli(
      {"--data-dir", LLMHW_DATA, "recommend", "--model", "70b", "--qps", "5", "--power-budget", "40"});
  CHECK(bad.code == 2);
  CHECK(bad.err ==
        "llmhw: error: --power-budget: '40' is not a power (expected e.g. 40kW, 40000W or 0.5MW)\n");
}
