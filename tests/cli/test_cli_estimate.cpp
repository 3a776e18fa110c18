// llmhw estimate on the fixture data: the JSON contract, memory by hand, bands around the
// prediction, and the errors.
#include <algorithm>
#include <catch2/catch.hpp>

#include <fstream>
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
      estimate({"--model", "8b", "--hardware", "tpu-v6e", "--precision", "fp4", "--concurrency", "1"}));
  CHECK(precision.err ==
        "llmhw: error: --precision: fp4 is not offered on tpu-v6e (see `llmhw hardware show tpu-v6e`)\n");
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

namespace {

// The shipped catalog and engine defaults (data/), not the frozen fixtures.
std::vector<std::string> shipped(std::vector<std::string> extra, const char* isl = "1024",
                                 const char* osl = "256") {
  std::vector<std::string> args = {"estimate", "--input-tokens", isl,   "--output-tokens",
                                   osl,        "--format",       "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

TEST_CASE("estimate --kv-precision auto: the checkpoint's, the engine's, else bf16, and says which",
          "[cli][estimate][kv]") {
  // NVIDIA's FP8 Llama declares an fp8 KV cache in hf_quant_config.json (kv_cache_quant_algo).
  const auto declared = run_cli(shipped(
      {"--model-config",
       std::string(LLMHW_TEST_FIXTURES) + "/model-configs/nvidia--Llama-3.1-70B-Instruct-FP8.config.json",
       "--hardware", "h100-sxm", "--tp", "2", "--engine", "vllm", "--concurrency", "8"}));
  REQUIRE(declared.code == 0);
  const auto d = json::parse(declared.out);
  CHECK(d.at("query").at("kv_precision") == "fp8");
  CHECK(d.at("notes").dump().find("as the checkpoint declares") != std::string::npos);
  // A bf16 config at fp8 weights: TensorRT-LLM runs fp8 KV, vLLM the model's bf16.
  for (const auto& [engine, kv] :
       {std::pair{"trtllm", "fp8"}, std::pair{"vllm", "bf16"}, std::pair{"sglang", "bf16"}}) {
    const auto r = run_cli(shipped({"--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "2",
                                    "--precision", "fp8", "--engine", engine, "--concurrency", "8"}));
    REQUIRE(r.code == 0);
    INFO(engine);
    CHECK(json::parse(r.out).at("query").at("kv_precision") == kv);
  }
  // Given explicitly, it wins.
  const auto given =
      run_cli(shipped({"--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "2", "--precision",
                       "fp8", "--engine", "trtllm", "--kv-precision", "bf16", "--concurrency", "8"}));
  CHECK(json::parse(given.out).at("query").at("kv_precision") == "bf16");
}

TEST_CASE("estimate: gpt-oss runs at its own MXFP4 precision on Hopper, weight-only",
          "[cli][estimate][fp4]") {
  for (const char* model : {"gpt-oss-120b", "gpt-oss-20b"}) {
    for (const char* hw : {"h100-sxm", "h200-sxm"}) {
      for (const char* tp : {"1", "2", "4", "8"}) {
        INFO(model << " on " << hw << " TP " << tp);
        const auto r = run_cli(shipped(
            {"--model", model, "--hardware", hw, "--tp", tp, "--engine", "vllm", "--concurrency", "16"}));
        // gpt-oss-120b's 65 GB of MXFP4 weights do not fit one H100 with the KV of a request
        // (exit 3, a prediction with fits false); everything else runs.
        CHECK(
            (r.code == 0 || (r.code == 3 && std::string(model) == "gpt-oss-120b" && std::string(tp) == "1")));
        const auto j = json::parse(r.out);
        CHECK(j.at("query").at("precision") == "fp4");
        CHECK(j.at("notes").dump().find("weight-only") != std::string::npos);
      }
    }
    // A TP the heads do not divide: one line naming the constraint.
    const auto bad =
        run_cli(shipped({"--model", model, "--hardware", "h100-sxm", "--tp", "3", "--concurrency", "1"}));
    CHECK(bad.code == 2);
    CHECK(bad.err == "llmhw: error: --tp: 3 does not divide the model's 64 attention heads\n");
  }
}

TEST_CASE("estimate: Llama-3.1-70B fp8 on one B200 with TensorRT-LLM at 64 requests of 1k/8k (issue 18)",
          "[cli][estimate][admission]") {
  const auto r = run_cli(shipped({"--model", "llama-3.1-70b", "--hardware", "b200", "--precision", "fp8",
                                  "--engine", "trtllm", "--concurrency", "64"},
                                 "1024", "8192"));
  REQUIRE(r.code == 0);
  const auto j = json::parse(r.out);
  // auto KV: fp8 (TensorRT-LLM with an fp8 checkpoint): 80 layers x 2 x 8 heads x 128 x 1 byte =
  // 163,840 bytes per token, 9,216 tokens = 1.510 GB per request at its full length. TensorRT-LLM
  // gives 0.9 of what the weights leave to the KV cache: 0.9 x (180 - 72.655 - 2) = 94.81 GB,
  // 62 requests at their full length (GUARANTEED_NO_EVICT reserves it).
  CHECK(j.at("query").at("kv_precision") == "fp8");
  CHECK(j.at("memory").at("max_concurrency") == 62);
  // The two requests beyond it wait for two running ones to finish (Little: 2 / lambda). A round
  // is 8,191 decode steps of ~28 ms at 62 sequences (72.7 GB of weights + 62 x 0.84 GB of KV at
  // 0.72 x 7.7 TB/s, plus 80 layers x 59 us and 62 x 21 us of overhead): ~232 s, so lambda ~
  // 62 / 232 s and the wait ~7.5 s; the prefill of 1,024 tokens and the request latency add
  // less than a second. Before, the requests beyond a bf16 KV cache's 33 waited whole rounds: 281 s.
  const double ttft_s = j.at("metrics").at("ttft_ms").get<double>() / 1e3;
  const double rps = j.at("metrics").at("requests_per_s").get<double>();
  const double round_s = 62 / rps;
  CHECK(round_s == Approx(232).epsilon(0.1));
  CHECK(ttft_s > 2 / rps);
  CHECK(ttft_s < 2 / rps + 1.0);  // a wait for blocks, not rounds
}

TEST_CASE("estimate: vLLM beyond its KV capacity queues the rest (issue 18)", "[cli][estimate][admission]") {
  // vLLM V1 preempts to the front of its waiting queue and admits nothing new while it preempts
  // (vllm/v1/core/sched/scheduler.py), so at 128 requests of 4096 + 1024 tokens on 2x H100 only
  // the K that fit at their mean length run and the others wait (128 - K) / lambda for their
  // first token (Little). Qwen3-32B bf16 KV: 64 layers x 2 x 8 heads x 128 x 2 bytes = 262,144
  // bytes a token, 4,608 tokens = 1.208 GB a request at its mean length; 0.9 x 160 GB less 65.5 GB
  // of weights and 2 x 2 GB of reserve leaves ~74.5 GB: 61 requests.
  const auto r = run_cli(shipped({"--model", "qwen3-32b", "--hardware", "h100-sxm", "--tp", "2", "--engine",
                                  "vllm", "--concurrency", "128"},
                                 "4096", "1024"));
  REQUIRE(r.code == 0);
  const auto j = json::parse(r.out);
  const long k = j.at("memory").at("max_concurrency").get<long>();
  CHECK(k == 61);
  CHECK(j.at("bottleneck") == "kv-capacity");
  const double ttft_s = j.at("metrics").at("ttft_ms").get<double>() / 1e3;
  const double rps = j.at("metrics").at("requests_per_s").get<double>();
  // The wait for blocks, plus one prefill of 4,096 tokens (well under 1.5 s); before, vLLM admitted
  // everyone and TTFT stayed at that prefill.
  CHECK(ttft_s > static_cast<double>(128 - k) / rps);
  CHECK(ttft_s < static_cast<double>(128 - k) / rps + 1.5);
}

TEST_CASE("estimate --qps: open loop with recommend's replica model", "[cli][estimate][qps]") {
  const std::vector<std::string> deployment = {
      "--model", "llama-3.1-8b", "--hardware", "h100-sxm",       "--tp",
      "1",       "--precision",  "bf16",       "--kv-precision", "bf16"};
  auto args = deployment;
  for (const char* a : {"--qps", "4"}) args.push_back(a);
  const auto r = run_cli(shipped(args));
  REQUIRE(r.code == 0);
  const auto j = json::parse(r.out);
  const auto m = j.at("metrics");
  CHECK(j.at("query").at("qps") == 4);
  CHECK(j.at("query").at("concurrency").is_null());
  for (const char* metric : {"ttft_ms", "tpot_ms", "e2e_ms"}) {
    INFO(metric);
    const auto dist = m.at(std::string(metric) + "_distribution");
    CHECK(dist.at("mean") == m.at(metric));
    CHECK(dist.at("p50").get<double>() <= dist.at("p90").get<double>());
    CHECK(dist.at("p90").get<double>() <= dist.at("p99").get<double>());
  }
  // E2E mean = TTFT + 255 x TPOT; utilisation = 4 / the sustainable rate.
  CHECK(m.at("e2e_ms").get<double>() ==
        Approx(m.at("ttft_ms").get<double>() + 255 * m.at("tpot_ms").get<double>()).epsilon(1e-3));
  CHECK(m.at("utilisation").get<double>() ==
        Approx(4 / m.at("max_requests_per_s").get<double>()).epsilon(1e-3));
  // Little's law: the mean in the engine = rate x the time a request spends there (E2E: the
  // open loop adds no closed-loop request latency).
  CHECK(m.at("concurrency").get<double>() == Approx(4 * m.at("e2e_ms").get<double>() / 1e3).epsilon(0.02));

  // The same deployment in recommend (one replica at 4 req/s) reports the same latencies.
  const auto rec = run_cli({"recommend", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--precision",
                            "bf16", "--qps", "4", "--ttft", "60s", "--tpot", "1s", "--format", "json"});
  REQUIRE(rec.code == 0);
  const auto best = json::parse(rec.out).at("recommendations").at(0);
  REQUIRE(best.at("replicas") == 1);
  REQUIRE(best.at("tp") == 1);
  CHECK(best.at("metrics").at("ttft_ms_distribution").at("p90").get<double>() ==
        Approx(m.at("ttft_ms_distribution").at("p90").get<double>()).epsilon(1e-3));
  CHECK(best.at("metrics").at("tpot_ms").get<double>() ==
        Approx(m.at("tpot_ms").get<double>()).epsilon(1e-3));

  // Beyond capacity: exit 3 with one line naming the sustainable rate.
  args = deployment;
  for (const char* a : {"--qps", "1000", "--engine", "vllm"}) args.push_back(a);
  const auto over = run_cli(shipped(args));
  CHECK(over.code == 3);
  CHECK(over.out.empty());
  CHECK(over.err.find("llmhw: error: --qps: 1,000 req/s is beyond this deployment: it sustains at most ") ==
        0);
  CHECK(std::count(over.err.begin(), over.err.end(), '\n') == 1);

  // At most one of --qps and --concurrency; neither is --concurrency max (issue 22).
  args = deployment;
  for (const char* a : {"--qps", "4", "--concurrency", "8"}) args.push_back(a);
  CHECK(run_cli(shipped(args)).code == 2);
  CHECK(run_cli(shipped(deployment)).code == 0);
}

TEST_CASE("estimate: engine flags override the engine's defaults", "[cli][estimate][engine]") {
  const std::vector<std::string> base = {"--model", "llama-3.1-8b", "--hardware", "h100-sxm",      "--tp",
                                         "1",       "--engine",     "vllm",       "--concurrency", "max"};
  const auto defaults = json::parse(run_cli(shipped(base)).out);
  // vLLM on an 80 GB H100 (>= 70 GiB, not an A100): max_num_seqs 1024, and memory holds fewer.
  CHECK(defaults.at("memory").at("max_concurrency").get<long>() < 1024);
  auto args = base;
  for (const char* a : {"--max-batch", "128"}) args.push_back(a);
  CHECK(json::parse(run_cli(shipped(args)).out).at("memory").at("max_concurrency") == 128);
  args = base;
  for (const char* a : {"--gpu-memory-utilization", "0.5"}) args.push_back(a);
  CHECK(json::parse(run_cli(shipped(args)).out).at("memory").at("capacity_per_device_gb").get<double>() ==
        Approx(40));
  args = base;
  for (const char* a : {"--gpu-memory-utilization", "1.5"}) args.push_back(a);
  CHECK(run_cli(shipped(args)).code == 2);
}

TEST_CASE("estimate with llama.cpp on a CPU runs its slots, not thousands (issue 25)",
          "[cli][estimate][engine]") {
  const auto r = run_cli(shipped({"--model", "llama-3.1-8b", "--hardware", "epyc-9654", "--engine",
                                  "llama.cpp", "--concurrency", "max"}));
  REQUIRE(r.code == 0);
  const auto j = json::parse(r.out);
  // llama-server's --parallel auto = 4 slots (tools/server/server.cpp).
  CHECK(j.at("memory").at("max_concurrency") == 4);
}

TEST_CASE("estimate --qps takes a model config and every engine flag; the token budget chunks prompts",
          "[cli][estimate][qps]") {
  const std::string config = std::string(LLMHW_TEST_FIXTURES) + "/model-configs/Qwen--Qwen3-8B.config.json";
  const auto run = [&](const char* budget) {
    return run_cli(shipped({"--model-config", config, "--hardware", "h100-sxm", "--tp", "2", "--engine",
                            "vllm", "--precision", "bf16", "--max-batch", "64", "--max-batched-tokens",
                            budget, "--gpu-memory-utilization", "0.8", "--qps", "2"},
                           "4096", "256"));
  };
  const auto wide = run("16384");
  REQUIRE(wide.code == 0);
  const auto j = json::parse(wide.out);
  CHECK(j.at("query").at("qps") == 2);
  CHECK(j.at("query").at("tp") == 2);
  CHECK(j.at("query").at("engine") == "vllm");
  for (const char* metric : {"ttft_ms", "tpot_ms", "e2e_ms"})
    CHECK(j.at("metrics").at(metric).get<double>() > 0);
  // A 4096-token prompt under a 1024-token budget (less the running requests' decode tokens)
  // takes at least four steps to its first token, against one step under 16384: TTFT grows.
  const auto narrow = run("1024");
  REQUIRE(narrow.code == 0);
  CHECK(json::parse(narrow.out).at("metrics").at("ttft_ms").get<double>() >
        j.at("metrics").at("ttft_ms").get<double>());
  // The notes name the engine limits it ran with.
  CHECK(wide.out.find("max batch 64 per engine instance, 16384 tokens per step") != std::string::npos);
}
