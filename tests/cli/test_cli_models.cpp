// models list/show and --model-config, run on the fixture data and the shared configs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;
using nlohmann::json;

namespace {

const std::string kConfigs = std::string(LLMHW_TEST_FIXTURES) + "/model-configs/";

}  // namespace

TEST_CASE("models list shows the catalog", "[cli][models]") {
  const auto r = run_cli({"--data-dir", fixture_data().string(), "models", "list", "--format", "json"});
  REQUIRE(r.code == 0);
  const auto doc = json::parse(r.out);
  REQUIRE(doc.at("models").size() == 2);
  CHECK(doc.at("models")[0].at("id") == "llama-3.1-70b");
  CHECK(doc.at("models")[1].at("id") == "llama-3.1-8b");
}

TEST_CASE("models show resolves aliases and Hugging Face ids, and derives the figures", "[cli][models]") {
  const auto r = run_cli({"--data-dir", fixture_data().string(), "models", "show",
                          "meta-llama/Llama-3.1-70B-Instruct", "--format", "json"});
  REQUIRE(r.code == 0);
  const auto m = json::parse(r.out).at("model");
  CHECK(m.at("id") == "llama-3.1-70b");
  // 80 x (2 x 8192^2 + 2 x 8192 x 1024 + 3 x 8192 x 28672 + 2 x 8192) + 2 x 128256 x 8192 + 8192.
  CHECK(m.at("total_parameters") == 70553706496LL);
  CHECK(m.at("kv_cache_bytes_per_token") == 327680);  // 80 x 2 x 8 x 128 x 2
  // bf16: 2 bytes per parameter = 141.1 GB; int4: 0.5 + 2/128 bytes for the 68.45B quantized
  // body + 2 bytes for the 2.10B embedding and LM head = 39.50 GB.
  CHECK(m.at("weights_gb").at("bf16").get<double>() == Approx(141.11).margin(0.01));
  CHECK(m.at("weights_gb").at("int4").get<double>() == Approx(39.50).margin(0.01));
  CHECK(m.at("layer_pattern") == json({{"dense_mlp", 80}, {"full_attention", 80}}));
}

TEST_CASE("models show --model-config reads a config and its quantization", "[cli][models]") {
  const auto r = run_cli({"models", "show", "--model-config",
                          kConfigs + "nvidia--Llama-3.1-70B-Instruct-FP8.config.json", "--format", "json"});
  REQUIRE(r.code == 0);
  const auto m = json::parse(r.out).at("model");
  CHECK(m.at("checkpoint").at("precision") == "fp8");
  CHECK(m.at("checkpoint").at("quantization_method") == "modelopt FP8");
  const auto nemo =
      run_cli({"models", "show", "--model-config",
               kConfigs + "nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.config.json", "--format", "json"});
  REQUIRE(nemo.code == 0);
  CHECK(json::parse(nemo.out).at("model").at("layer_pattern") ==
        json({{"full_attention", 6}, {"mamba", 23}, {"moe_mlp", 23}}));
}

TEST_CASE("recommend takes --model-config and names a bad config precisely", "[cli][models]") {
  const auto r = run_cli({"--data-dir", fixture_data().string(), "recommend", "--model-config",
                          kConfigs + "Qwen--Qwen3-30B-A3B.config.json", "--qps", "10", "--format", "json"});
  REQUIRE(r.code == 0);
  CHECK(json::parse(r.out).at("model").at("total_parameters").get<double>() ==
        Approx(30.53e9).epsilon(0.001));
  const llmhw::test::ScratchData scratch;
  scratch.write("config.json", R"({"num_hidden_layers": 2, "hidden_size": "big"})");
  const auto bad = run_cli({"--data-dir", fixture_data().string(), "recommend", "--model-config",
                            (scratch.dir / "config.json").string(), "--qps", "1"});
  CHECK(bad.code == 1);
  CHECK(bad.err == "llmhw: error: " + (scratch.dir / "config.json").string() +
                       ": /hidden_size: expected a whole number\n");
}

TEST_CASE("a layer type llmhw does not model gives a warning and an assumption, not a failure",
          "[cli][models]") {
  const llmhw::test::ScratchData scratch;
  scratch.write("config.json", R"({"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
    "intermediate_size": 128, "vocab_size": 100, "layer_types": ["full_attention", "chunked_attention"]})");
  const auto r = run_cli(
      {"models", "show", "--model-config", (scratch.dir / "config.json").string(), "--format", "json"});
  REQUIRE(r.code == 0);
  const auto m = json::parse(r.out).at("model");
  CHECK(m.at("warnings") ==
        json::array({"layer type 'chunked_attention' is not modelled: counted as full attention"}));
  CHECK(m.at("layer_pattern").at("full_attention") == 2);
  // 2 layers x 2 x 4 KV heads x 16 x 2 bytes = 512 bytes per token.
  CHECK(m.at("kv_cache_bytes_per_token") == 512);
}
