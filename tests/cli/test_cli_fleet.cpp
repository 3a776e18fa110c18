// recommend's fleet options: percentile targets, request shapes, objectives, --all, --explain and
// the --scenarios batch mode.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_harness.hpp"

using llmhw::test::fixture_recommend;
using llmhw::test::run_binary;
using llmhw::test::run_cli;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("fleet flags reject bad values with one line naming the flag", "[cli][fleet]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--ttft", "p100:1s"}, "--ttft: percentile 'p100' must be below 100 (e.g. p99.9)"},
      {{"--ttft", "q90:1s"}, "--ttft: 'q90:1s' is not a target (expected e.g. 800ms or p90:800ms)"},
      {{"--e2e", "10"}, "--e2e: '10' needs a unit (ms or s), e.g. 10ms"},
      {{"--input-tokens", "10..5"}, "--input-tokens: '10..5': the range's minimum exceeds its maximum"},
      {{"--output-tokens", "100+-x"}, "--output-tokens: 'x' is not a number"},
      {{"--optimize", "speed"}, "--optimize: 'speed' is not one of cost, latency, throughput, energy"},
      {{"--pue", "0.5"}, "--pue: '0.5' must be at least 1 (1 = no overhead)"},
      {{"--electricity-price", "0"}, "--electricity-price: must be > 0, got '0'"},
  };
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args = {"--model", "70b", "--qps", "5"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(fixture_recommend(args));
    INFO(message);
    CHECK(r.code == 2);
    CHECK(r.err == "llmhw: error: " + message + "\n");
    CHECK(r.out.empty());
  }
}

TEST_CASE("percentile targets and spreads reach the output", "[cli][fleet]") {
  const auto r =
      run_cli(fixture_recommend({"--model", "70b", "--qps", "20", "--ttft", "p90:800ms", "--tpot", "p99:60ms",
                                 "--input-tokens", "512..4096", "--e2e", "p90:30s", "--format", "json"}));
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto& q = j.at("query");
  CHECK(q.at("ttft_percentile") == 90);
  CHECK(q.at("tpot_percentile") == 99);
  CHECK(q.at("e2e_ms") == 30000);
  CHECK(q.at("input_tokens") == 2304);  // (512 + 4096) / 2
  // Uniform on [512, 4096]: sd = 3584 / sqrt(12) = 1034.6.
  CHECK(q.at("input_tokens_sd").get<double>() == Approx(1034.6).epsilon(1e-3));
  for (const auto& rec : j.at("recommendations")) {
    CHECK(rec.at("metrics").at("ttft_ms_distribution").at("p90").get<double>() <= 800.0);
    CHECK(rec.at("metrics").at("tpot_ms_distribution").at("p99").get<double>() <= 60.0);
    CHECK(rec.at("metrics").at("e2e_ms_distribution").at("p90").get<double>() <= 30000.0);
  }
}

TEST_CASE("recommend --all lists every feasible hardware and --explain prints the derivation",
          "[cli][fleet]") {
  // --all wins over --top.
  const auto all =
      run_cli(fixture_recommend({"--model", "8b", "--qps", "10", "--top", "2", "--all", "--format", "json"}));
  REQUIRE(all.code == 0);
  const auto j = nlohmann::json::parse(all.out);
  CHECK(j.at("recommendations").size() == j.at("feasible_count").get<size_t>());
  CHECK(j.at("feasible_count").get<size_t>() > 2);
  const auto explained =
      run_cli(fixture_recommend({"--model", "8b", "--qps", "10", "--top", "1", "--explain"}));
  REQUIRE(explained.code == 0);
  for (const char* part :
       {"derivation:", "memory per device", "decode step", "queue (M/G/1)", "replicas: ceil(", "energy"}) {
    INFO(part);
    CHECK(explained.out.find(part) != std::string::npos);
  }
}

TEST_CASE("batch mode answers each line, and a bad line gets its own error object", "[cli][fleet][batch]") {
  llmhw::test::ScratchData scratch;
  const auto file = scratch.dir / "sweep.jsonl";
  std::ofstream(file) << "{\"qps\": 5}\n"
                         "\n"
                         "{\"qps\": 50, \"model\": \"8b\", \"tpot\": \"p99:40ms\"}\n"
                         "{\"qsp\": 3}\n"
                         "not json\n"
                         "{\"qps\": 1, \"budget\": \"0.01/h\"}\n";
  const auto r = run_cli(fixture_recommend({"--model", "70b", "--scenarios", file.string()}));
  CHECK(r.err.empty());
  CHECK(r.code == 2);  // the worst line: an invalid one
  const auto out = lines(r.out);
  REQUIRE(out.size() == 5);  // the blank line is skipped
  const auto first = nlohmann::json::parse(out[0]);
  CHECK(first.at("line") == 1);
  CHECK(first.at("exit_code") == 0);
  CHECK(first.at("result").at("query").at("model") == "70b");
  CHECK(first.at("result").at("schema_version") == 2);
  const auto third = nlohmann::json::parse(out[1]);
  CHECK(third.at("line") == 3);
  CHECK(third.at("result").at("query").at("model") == "8b");
  CHECK(third.at("result").at("query").at("tpot_percentile") == 99);
  const auto typo = nlohmann::json::parse(out[2]);
  CHECK(typo.at("line") == 4);
  CHECK(typo.at("exit_code") == 2);
  CHECK(typo.at("error") == "unknown field 'qsp' (did you mean 'qps'?)");
  const auto broken = nlohmann::json::parse(out[3]);
  CHECK(broken.at("line") == 5);
  CHECK(broken.at("exit_code") == 2);
  const auto poor = nlohmann::json::parse(out[4]);
  CHECK(poor.at("exit_code") == 3);
  CHECK(poor.at("result").at("recommendations").empty());
  // The same query as a flag and as a line gives the same answer.
  const auto single = run_cli(fixture_recommend({"--model", "70b", "--qps", "5", "--format", "json"}));
  CHECK(nlohmann::json::parse(single.out) == first.at("result"));
}

TEST_CASE("batch mode refuses a non-JSON format and a missing file", "[cli][fleet][batch]") {
  const auto table = run_cli(fixture_recommend({"--scenarios", "x.jsonl", "--format", "table"}));
  CHECK(table.code == 2);
  CHECK(table.err ==
        "llmhw: error: --format: --scenarios prints JSON lines only; leave --format out or use json\n");
  const auto missing = run_cli(fixture_recommend({"--scenarios", "/nonexistent/x.jsonl"}));
  CHECK(missing.code == 1);
  CHECK(missing.err == "llmhw: error: --scenarios: cannot read '/nonexistent/x.jsonl'\n");
}

TEST_CASE("batch mode reads standard input with --scenarios -", "[cli][fleet][batch]") {
  llmhw::test::ScratchData scratch;
  const auto file = scratch.dir / "stdin.jsonl";
  std::ofstream(file) << "{\"qps\": 2}\n{\"qps\": 4}\n";
  const auto r = run_binary("--data-dir '" + llmhw::test::fixture_data().string() +
                            "' recommend --model 8b --scenarios - <'" + file.string() + "'");
  CHECK(r.code == 0);
  const auto out = lines(r.out);
  REQUIRE(out.size() == 2);
  CHECK(nlohmann::json::parse(out[1]).at("result").at("query").at("qps") == 4);
}
