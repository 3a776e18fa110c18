// recommend's mixed fleets (issue 21 part 3): a split by prompt length over two hardware types
// costs what recommend gives each slice on its own, and is shown only when it saves.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;
using nlohmann::json;

namespace {

llmhw::test::CliResult recommend_on(const std::string& data, std::vector<std::string> args) {
  args.insert(args.begin(), {"--data-dir", data, "recommend"});
  return run_cli(args);
}

json recommend_json(const std::string& data, std::vector<std::string> args) {
  args.insert(args.end(), {"--format", "json"});
  const auto r = recommend_on(data, args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

// Rank 1 of `recommend --hardware ID` for one slice: its total cost per hour and replicas.
std::pair<double, long> alone(const std::string& hardware, double qps, const std::string& lengths) {
  const json j =
      recommend_json(LLMHW_DATA, {"--model", "70b", "--qps", fmt::format("{:g}", qps), "--input-tokens",
                                  lengths, "--hardware", hardware, "--top", "1"});
  const json& r = j.at("recommendations").at(0);
  return {r.at("cost").at("total_per_hour_usd").get<double>(), r.at("replicas").get<long>()};
}

}  // namespace

TEST_CASE("a mixed fleet costs what recommend --hardware gives each slice", "[cli][mixed]") {
  // 70B at 50 req/s, prompts uniform on 100..8000 tokens (shipped catalog and prices).
  const json j = recommend_json(LLMHW_DATA, {"--model", "70b", "--qps", "50", "--input-tokens", "100..8000"});
  const json& m = j.at("mixed_fleet");
  INFO(m.dump(1));
  REQUIRE(m.at("searched") == true);
  CHECK(m.at("splits_tried") == 4);
  REQUIRE(m.at("recommended") == true);
  const json& split = m.at("split");
  const double t = split.at("threshold_tokens");
  // The thresholds are the 20/40/60/80th percentiles: 100 + p x 7900.
  CHECK((t == 1680 || t == 3260 || t == 4840 || t == 6420));
  const double share = (t - 100) / 7900;  // of the requests below the threshold
  const json& shorter = split.at("short");
  const json& longer = split.at("long");
  CHECK(shorter.at("share").get<double>() == Approx(share));
  CHECK(shorter.at("qps").get<double>() == Approx(50 * share));
  CHECK(longer.at("qps").get<double>() == Approx(50 * (1 - share)));
  CHECK(shorter.at("input_tokens") == fmt::format("100..{:g}", t));
  CHECK(longer.at("input_tokens") == fmt::format("{:g}..8000", t));
  CHECK(shorter.at("hardware") != longer.at("hardware"));
  // Each side is what recommend sizes for that slice on that hardware alone.
  const auto [short_cost, short_replicas] =
      alone(shorter.at("hardware"), 50 * share, fmt::format("100..{:g}", t));
  const auto [long_cost, long_replicas] =
      alone(longer.at("hardware"), 50 * (1 - share), fmt::format("{:g}..8000", t));
  CHECK(shorter.at("cost_per_hour_usd").get<double>() == Approx(short_cost));
  CHECK(longer.at("cost_per_hour_usd").get<double>() == Approx(long_cost));
  CHECK(shorter.at("replicas") == short_replicas);
  CHECK(longer.at("replicas") == long_replicas);
  CHECK(split.at("cost_per_hour_usd").get<double>() == Approx(short_cost + long_cost).epsilon(1e-3));
  // Against rank 1 of the same query.
  const json& first = j.at("recommendations").at(0);
  const double single = first.at("cost").at("total_per_hour_usd");
  CHECK(split.at("single_hardware") == first.at("hardware").at("id"));
  CHECK(split.at("single_cost_per_hour_usd").get<double>() == Approx(single));
  CHECK(split.at("saving_per_hour_usd").get<double>() ==
        Approx(single - short_cost - long_cost).epsilon(1e-3));
  CHECK(split.at("saving_share").get<double>() > 0.05);
  CHECK(split.at("saving_share").get<double>() ==
        Approx(1 - (short_cost + long_cost) / single).epsilon(1e-3));

  // The table says the same after the ranking.
  const auto text =
      recommend_on(LLMHW_DATA, {"--model", "70b", "--qps", "50", "--input-tokens", "100..8000"});
  REQUIRE(text.code == 0);
  CHECK_THAT(text.out, Catch::Contains("Mixed fleet (traffic split by prompt length):"));
  CHECK_THAT(text.out,
             Catch::Contains(fmt::format("split at {} tokens: {:.0f}% of requests (100..{:g}) -> {} (",
                                         t == 1680   ? "1,680"
                                         : t == 3260 ? "3,260"
                                         : t == 4840 ? "4,840"
                                                     : "6,420",
                                         share * 100, t, shorter.at("hardware").get<std::string>())));
}

TEST_CASE("no mixed fleet is recommended when no split saves", "[cli][mixed]") {
  // The test catalog: its MI300X (8 per instance) serves 70B cheapest at any length, and a
  // split leaves whole instances half used on one side.
  const std::string data = fixture_data().string();
  const json j = recommend_json(data, {"--model", "70b", "--qps", "20", "--input-tokens", "100..8000"});
  const json& m = j.at("mixed_fleet");
  INFO(m.dump(1));
  CHECK(m.at("searched") == true);
  CHECK(m.at("recommended") == false);
  const json& split = m.at("split");
  REQUIRE(split.is_object());
  CHECK(split.at("cost_per_hour_usd").get<double>() > split.at("single_cost_per_hour_usd").get<double>());
  CHECK_THAT(m.at("note").get<std::string>(), Catch::Contains("more than the best single type"));
  const auto text = recommend_on(data, {"--model", "70b", "--qps", "20", "--input-tokens", "100..8000"});
  CHECK_THAT(text.out, Catch::Contains("none recommended (4 splits tried): the cheapest split"));
  CHECK_THAT(text.out, !Catch::Contains("split at"));

  // One hardware type: no pair to split over.
  const json one = recommend_json(
      data, {"--model", "70b", "--qps", "20", "--input-tokens", "100..8000", "--hardware", "mi300x"});
  CHECK(one.at("mixed_fleet").at("searched") == false);
  CHECK(one.at("mixed_fleet").at("split").is_null());
  CHECK(one.at("mixed_fleet").at("note") == "only one hardware type is a candidate");
}

TEST_CASE("no mixed fleet search for one prompt length or with --no-mixed-fleet", "[cli][mixed]") {
  const std::string data = fixture_data().string();
  CHECK_FALSE(recommend_json(data, {"--model", "70b", "--qps", "20"}).contains("mixed_fleet"));
  CHECK_FALSE(recommend_json(
                  data, {"--model", "70b", "--qps", "20", "--input-tokens", "100..8000", "--no-mixed-fleet"})
                  .contains("mixed_fleet"));
  const auto text = recommend_on(
      data, {"--model", "70b", "--qps", "20", "--input-tokens", "100..8000", "--no-mixed-fleet"});
  CHECK_THAT(text.out, !Catch::Contains("Mixed fleet"));
  // Ranking by latency: not searched, and says why.
  const json latency = recommend_json(
      data, {"--model", "70b", "--qps", "20", "--input-tokens", "100..8000", "--optimize", "latency"});
  CHECK(latency.at("mixed_fleet").at("searched") == false);
  CHECK_THAT(latency.at("mixed_fleet").at("note").get<std::string>(), Catch::Contains("ranking by cost"));
}

TEST_CASE("the mixed fleet search is deterministic", "[cli][mixed]") {
  const std::vector<std::string> args = {"--model", "70b", "--qps", "50", "--input-tokens", "2000+-1500"};
  for (const char* format : {"table", "json"}) {
    auto with = args;
    with.insert(with.end(), {"--format", format});
    const auto a = recommend_on(LLMHW_DATA, with);
    const auto b = recommend_on(LLMHW_DATA, with);
    REQUIRE(a.code == 0);
    CHECK(a.out == b.out);
  }
}
