// llmhw estimate on the fixture data: the JSON contract, memory by hand, bands around the
// prediction, and the errors.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;
using nlohmann::json;

namespace {

std::vector<std::string> estimate(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--data-dir", fixture_data().string(), "estimate", "--input-tokens",
                                   "1024",       "--output-tokens",       "256"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("estimate prints the documented JSON with memory computed as by hand", "[cli][estimate]") {
  const auto r = run_cli(estimate({"--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "4",
                                   "--precision", "fp8", "--concurrency", "64", "--format", "json"}));
  REQUIRE(r.code == 0);
  const auto j = json::parse(r.out);
  CHECK(j.at("schema_version") == 1);
  CHECK(j.at("fits") == true);
  CHECK(j.at("query").at("devices") == 4);
  // fp8: the 68.452B-parameter body at 1 byte + 2.101B embedding/LM head at 2 bytes = 72.655 GB,
  // over 4 devices = 18.16 GB.
  CHECK(j.at("memory").at("weights_gb").get<double>() == Approx(18.16).margin(0.01));
  // KV: 327,680 bytes/token / 4 ranks x (1024 + 128) tokens x 64 sequences = 6.04 GB per device.
  CHECK(j.at("memory").at("kv_cache_gb").get<double>() ==
        Approx(327680.0 / 4 * 1152 * 64 / 1e9).margin(0.01));
  CHECK(j.at("memory").at("capacity_per_device_gb").get<double>() == Approx(80 * 0.9));
  for (const char* metric : {"ttft_ms", "tpot_ms"}) {
    const double value = j.at("metrics").at(metric);
    const auto band = j.at("bounds").at(metric);
    CHECK(band[0].get<double>() <= value);
    CHECK(value <= band[1].get<double>());
  }
  // Little's law in the closed loop: requests/s = concurrency / (TTFT + (osl - 1) x TPOT) within
  // rounding, as the round model implies.
  const double e2e_s =
      (j.at("metrics").at("ttft_ms").get<double>() + 255 * j.at("metrics").at("tpot_ms").get<double>()) / 1e3;
  CHECK(j.at("metrics").at("requests_per_s").get<double>() == Approx(64 / e2e_s).epsilon(0.15));
  CHECK(j.at("metrics").at("output_tokens_per_s").get<double>() ==
        Approx(256 * j.at("metrics").at("requests_per_s").get<double>()).epsilon(0.01));
}

TEST_CASE("estimate picks the smallest TP that fits and reports when nothing fits", "[cli][estimate]") {
  const auto r = run_cli(estimate({"--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--precision",
                                   "bf16", "--concurrency", "1", "--format", "json"}));
  REQUIRE(r.code == 0);
  // 141.1 GB of bf16 weights: TP=2 puts 70.55 GB + 2 GB reserve on a device with 72 GB usable
  // (80 GB x 0.9), which does not fit; TP=4 (35.3 GB) does.
  CHECK(json::parse(r.out).at("query").at("tp") == 4);
  const auto none = run_cli(estimate({"--model", "llama-3.1-70b", "--hardware", "l4", "--tp", "1",
                                      "--precision", "bf16", "--concurrency", "1", "--format", "json"}));
  CHECK(none.code == 3);
  const auto j = json::parse(none.out);
  CHECK(j.at("fits") == false);
  CHECK(j.at("metrics").is_null());
  CHECK(j.at("bottleneck") == "memory");
}

TEST_CASE("estimate: more requests than fit queue, and say so", "[cli][estimate]") {
  const auto r = run_cli(
      estimate({"--model", "llama-3.1-8b", "--hardware", "l4", "--concurrency", "5000", "--format", "json"}));
  REQUIRE(r.code == 0);
  const auto j = json::parse(r.out);
  CHECK(j.at("fits") == false);
  CHECK(j.at("bottleneck") == "kv-capacity");
  CHECK(j.at("metrics").at("ttft_ms").get<double>() > 1000);
}

TEST_CASE("estimate rejects bad parallelism and engines with one line", "[cli][estimate]") {
  const auto tp = run_cli(
      estimate({"--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--tp", "3", "--concurrency", "1"}));
  CHECK(tp.code == 2);
  CHECK(tp.err == "llmhw: error: --tp: 3 does not divide the model's 32 attention heads\n");
  const auto ep = run_cli(
      estimate({"--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--ep", "2", "--concurrency", "1"}));
  CHECK(ep.err == "llmhw: error: --ep: the model has no experts\n");
  const auto engine =
      run_cli(estimate({"--model", "8b", "--hardware", "h100-sxm", "--engine", "tgi", "--concurrency", "1"}));
  CHECK(engine.err ==
        "llmhw: error: --engine: 'tgi' is not one of vllm, sglang, trtllm, llama.cpp, jetstream, other\n");
  const auto conc = run_cli(estimate({"--model", "8b", "--hardware", "h100-sxm", "--concurrency", "lots"}));
  CHECK(conc.err == "llmhw: error: --concurrency: 'lots' is not a whole number\n");
  const auto precision = run_cli(
      estimate({"--model", "8b", "--hardware", "h100-sxm", "--precision", "fp4", "--concurrency", "1"}));
  CHECK(precision.err ==
        "llmhw: error: --precision: fp4 is not offered on h100-sxm (see `llmhw hardware show h100-sxm`)\n");
}

TEST_CASE("estimate --concurrency max with attention data parallelism fits what memory holds",
          "[cli][estimate]") {
  // max_concurrency counts every dp group; the engine's batch limit applies per group, so the
  // offline maximum must not exceed what the KV cache holds over all groups.
  // Llama 3.1 8B on 4 x H100 as 4 attention data-parallel groups: 1,428 sequences in all, 357 per
  // group (under the engine's 1,024); before the fix the limit was taken per group as 1,024.
  const auto r = run_cli(estimate({"--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--tp", "1", "--dp",
                                   "4", "--concurrency", "max", "--format", "json"}));
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("fits") == true);
}
