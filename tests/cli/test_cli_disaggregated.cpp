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

TEST_CASE("recommend: each device's aggregated and disaggregated layouts side by side, --no-disaggregated",
          "[cli][disaggregated]") {
  const std::vector<std::string> base = {"recommend", "--model", "deepseek-r1", "--qps",
                                         "20",        "--all",   "--format",    "json"};
  const auto r = run_cli(base);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  // One recommendation per device: the better of its two layouts; its reasons compare it with the
  // other, both costs per 1M output tokens given.
  std::set<std::string> ids;
  size_t compared = 0;
  for (const auto& rec : j.at("recommendations")) {
    CHECK(ids.insert(rec.at("hardware").at("id").get<std::string>()).second);
    for (const auto& reason : rec.at("reasons")) {
      const std::string text = reason.get<std::string>();
      if (text.rfind("vs disaggregated ", 0) == 0 || text.rfind("vs aggregated ", 0) == 0) {
        ++compared;
        CHECK(text.find("the cost per 1M output tokens ($") != std::string::npos);
      }
    }
    if (rec.contains("prefill")) {
      CHECK(rec.at("devices_per_replica").get<int>() ==
            rec.at("prefill").at("workers").get<int>() *
                    rec.at("prefill").at("devices_per_worker").get<int>() +
                rec.at("decode").at("workers").get<int>() *
                    rec.at("decode").at("devices_per_worker").get<int>());
      CHECK(rec.at("kv_transfer").at("bytes_per_request").get<double>() > 0);
    }
  }
  CHECK(compared > 0);
  auto off = base;
  off.push_back("--no-disaggregated");
  const auto r2 = run_cli(off);
  REQUIRE(r2.code == 0);
  const auto without = nlohmann::json::parse(r2.out);  // kept: a range-for over a temporary's member dangles
  for (const auto& rec : without.at("recommendations")) {
    CHECK_FALSE(rec.contains("prefill"));
    for (const auto& reason : rec.at("reasons"))
      CHECK(reason.get<std::string>().rfind("vs disaggregated ", 0) == std::string::npos);
  }
}
