// --speculative, --acceptance, --prefix-cache-hit and --shared-prefix-tokens through the CLI on
// the fixture data (issue 20): the effects on TTFT, TPOT and capacity, the JSON prices, and
// one-line errors that name the flag.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;
using nlohmann::json;

namespace {

json estimate_json(std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "--data-dir", fixture_data().string(), "estimate", "--model",         "llama-3.1-8b", "--hardware",
      "h100-sxm",   "--input-tokens",        "4096",     "--output-tokens", "256",          "--format",
      "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_cli(args);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("estimate: TTFT falls strictly as --prefix-cache-hit goes 0, 0.5, 0.9", "[cli][prefix-cache]") {
  for (const char* load : {"--concurrency", "--qps"}) {
    double last = 1e12;
    for (const char* hit : {"0", "0.5", "0.9"}) {
      const json j =
          estimate_json({load, std::string(load) == "--qps" ? "2" : "16", "--prefix-cache-hit", hit});
      const double ttft = j.at("metrics").at("ttft_ms").get<double>();
      CHECK(ttft < last);
      last = ttft;
    }
  }
}

TEST_CASE("estimate: a shared prefix held once lets more sequences fit", "[cli][prefix-cache]") {
  const json plain = estimate_json({"--concurrency", "max"});
  const json shared = estimate_json({"--concurrency", "max", "--shared-prefix-tokens", "3072"});
  CHECK(shared.at("memory").at("max_concurrency").get<double>() >
        2 * plain.at("memory").at("max_concurrency").get<double>());
}

TEST_CASE("estimate: EAGLE speculation cuts TPOT at one request", "[cli][speculative]") {
  const json plain = estimate_json({"--concurrency", "1"});
  const json eagle = estimate_json({"--concurrency", "1", "--speculative", "eagle:3"});
  const double ratio =
      eagle.at("metrics").at("tpot_ms").get<double>() / plain.at("metrics").at("tpot_ms").get<double>();
  // At most 1 / 2.35 (the tokens kept at K=3) plus the drafter's and the verification's extra.
  CHECK(ratio < 0.7);
  CHECK(ratio > 1 / 2.36);
}

TEST_CASE("speculative and prefix-cache flags: bad values get one line naming the flag",
          "[cli][speculative]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--speculative", "mtp"}, "--speculative: mtp needs multi-token-prediction layers"},
      {{"--speculative", "medusa"}, "--speculative: 'medusa' is not one of"},
      {{"--speculative", "eagle:0"}, "--speculative: draft tokens K '0'"},
      {{"--speculative", "draft"}, "--speculative: draft needs a draft model"},
      {{"--speculative", "draft:nosuch"}, "--speculative: draft model:"},
      {{"--speculative", "eagle:2", "--acceptance", "3.5"}, "--acceptance: '3.5'"},
      {{"--acceptance", "2"}, "--acceptance: needs --speculative"},
      {{"--prefix-cache-hit", "1.5"}, "--prefix-cache-hit: '1.5' is not a share"},
      {{"--shared-prefix-tokens", "5000"}, "--shared-prefix-tokens: '5000' must be"},
  };
  for (const auto& [flags, message] : cases) {
    std::vector<std::string> args = {
        "--data-dir", fixture_data().string(), "estimate", "--model",         "llama-3.1-8b", "--hardware",
        "h100-sxm",   "--input-tokens",        "4096",     "--output-tokens", "256",          "--concurrency",
        "8"};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto r = run_cli(args);
    INFO(message);
    CHECK(r.code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("recommend JSON prices input, output and cached input per million tokens", "[cli][prefix-cache]") {
  const auto r = run_cli({"--data-dir", fixture_data().string(), "recommend", "--model", "llama-3.1-8b",
                          "--qps", "5", "--prefix-cache-hit", "0.5", "--format", "json", "--top", "1"});
  REQUIRE(r.code == 0);
  const json j = json::parse(r.out);
  const json& rec = j.at("recommendations").at(0);
  const json& cost = rec.at("cost");
  const double input = cost.at("per_million_input_tokens_usd").get<double>();
  const double output = cost.at("per_million_output_tokens_usd").get<double>();
  const double cached = cost.at("per_million_cached_input_tokens_usd").get<double>();
  CHECK(input > 0);
  CHECK(output > 0);
  CHECK(cached < input);
  // The fleet's cost per hour splits between the input (512 uncached tokens a request) and the
  // output tokens of 5 requests/s (total_per_hour_usd is printed to the cent).
  const double total = cost.at("total_per_hour_usd").get<double>();
  CHECK((input * 512 + output * 256) * 5 * 3600 / 1e6 == Approx(total).margin(0.005));
  CHECK(rec.at("speculative").is_null());
}
