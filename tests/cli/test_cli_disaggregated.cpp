// estimate --prefill/--decode and recommend's disaggregated candidates, through the CLI (shipped
// catalog: DeepSeek-R1 on GB200 and H200).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>

#include "cli_harness.hpp"

using llmhw::test::run_cli;

namespace {

std::vector<std::string> estimate(const std::string& prefill, const std::string& decode) {
  return {"estimate", "--model",        "deepseek-r1", "--hardware",      "gb200", "--engine",
          "trtllm",   "--input-tokens", "1024",        "--output-tokens", "1024",  "--concurrency",
          "256",      "--prefill",      prefill,       "--decode",        decode,  "--format",
          "json"};
}

}  // namespace

TEST_CASE("estimate --prefill/--decode: bad SPECs are one line naming the key, exit 2",
          "[cli][disaggregated]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"workers=0", "llmhw: error: --prefill: key 'workers' needs a whole number from 1 to 4096, not '0'\n"},
      {"workers=2,tq=4", "llmhw: error: --prefill: key 'tq' is not one of workers, tp, dp, ep, pp\n"},
      {"tp=3", "llmhw: error: --prefill: key 'tp': 3 does not divide the model's 128 attention heads\n"},
      {"tp=8,ep=512", "llmhw: error: --prefill: key 'ep': 512 exceeds the model's 256 routed experts\n"},
  };
  for (const auto& [spec, err] : cases) {
    INFO(spec);
    const auto r = run_cli(estimate(spec, "tp=8,ep=8"));
    CHECK(r.code == 2);
    CHECK(r.err == err);
    CHECK(r.out.empty());
  }
  const auto only = run_cli({"estimate", "--model", "deepseek-r1", "--hardware", "gb200", "--input-tokens",
                             "1024", "--output-tokens", "1024", "--concurrency", "8", "--prefill", "tp=8"});
  CHECK(only.code == 2);
  CHECK(only.err == "llmhw: error: --decode: give both --prefill SPEC and --decode SPEC\n");
}

TEST_CASE("estimate --prefill/--decode: both sides, the KV transfer and its link in the JSON",
          "[cli][disaggregated]") {
  // 2 x 4 prefill + 1 x 32 decode = 40 GB200s: inside one NVL72 domain, so NVLink.
  const auto r = run_cli(estimate("workers=2,tp=4,ep=4", "tp=8,dp=4,ep=32"));
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const auto& d = j.at("disaggregated");
  CHECK(d.at("devices") == 40);
  CHECK(j.at("query").at("devices") == 40);
  CHECK(d.at("prefill").at("workers") == 2);
  CHECK(d.at("decode").at("dp") == 4);
  CHECK(d.at("kv_transfer").at("scale_out") == false);
  CHECK(d.at("kv_transfer").at("link") == "nvlink5");
  // DeepSeek-R1's MLA cache at fp8: 61 layers x (512 + 64) x 1 byte = 35,136 bytes per token;
  // 1,024 tokens = 35,979,264 bytes (4 significant digits in the JSON).
  CHECK(d.at("kv_transfer").at("bytes_per_request").get<double>() == Approx(35979264.0).epsilon(1e-3));
  // TPOT is the decode step.
  CHECK(j.at("metrics").at("tpot_ms").get<double>() == Approx(d.at("decode").at("step_ms").get<double>()));
}

TEST_CASE("recommend: disaggregated candidates beside the aggregated ones, and --no-disaggregated",
          "[cli][disaggregated]") {
  const std::vector<std::string> base = {"recommend", "--model", "deepseek-r1", "--qps",
                                         "20",        "--all",   "--format",    "json"};
  const auto r = run_cli(base);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  // Some hardware has both an aggregated and a disaggregated recommendation, each with its cost.
  std::set<std::string> aggregated, split;
  for (const auto& rec : j.at("recommendations")) {
    const std::string id = rec.at("hardware").at("id");
    if (rec.contains("prefill")) {
      split.insert(id);
      CHECK(rec.at("devices_per_replica").get<int>() ==
            rec.at("prefill").at("workers").get<int>() *
                    rec.at("prefill").at("devices_per_worker").get<int>() +
                rec.at("decode").at("workers").get<int>() *
                    rec.at("decode").at("devices_per_worker").get<int>());
    } else {
      aggregated.insert(id);
    }
  }
  bool side_by_side = false;
  for (const auto& id : split) side_by_side = side_by_side || aggregated.count(id) > 0;
  CHECK(side_by_side);
  auto off = base;
  off.push_back("--no-disaggregated");
  const auto r2 = run_cli(off);
  REQUIRE(r2.code == 0);
  const auto j2 = nlohmann::json::parse(r2.out);
  for (const auto& rec : j2.at("recommendations")) CHECK_FALSE(rec.contains("prefill"));
}
