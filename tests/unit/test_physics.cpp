// Physics: no prediction beats the roofline of datasheet peaks, over a grid of real models,
// every shipped device, batch sizes and precisions, with the shipped (fitted) efficiencies.
#include <catch2/catch.hpp>
#include <filesystem>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"

namespace fs = std::filesystem;
using llmhw::Precision;

TEST_CASE("no prediction is faster than the datasheet roofline", "[physics]") {
  const fs::path data = LLMHW_DATA;
  const auto catalog = llmhw::io::load_hardware_dir(data / "hardware");
  const auto calibration = llmhw::io::load_calibration(data / "efficiency.json");
  std::vector<llmhw::Model> models;
  for (const auto& entry : llmhw::io::list_model_catalog(data / "models")) {
    for (const char* id : {"llama-3.1-8b", "llama-3.1-70b", "mixtral-8x7b", "deepseek-v3", "qwen3.5-35b-a3b",
                           "gpt-oss-20b", "nemotron-3-nano-30b-a3b", "gemma-3-27b"}) {
      if (entry.id == id) models.push_back(llmhw::io::load_catalog_model(entry));
    }
  }
  REQUIRE(models.size() == 8);
  llmhw::Efficiency ideal;  // efficiency 1, no overheads, no latency: the roofline
  const llmhw::Workload w{1024, 256};
  size_t checked = 0;
  for (const llmhw::Hardware& hw : catalog) {
    const llmhw::Efficiency& eff = calibration.for_hardware(hw);
    for (const llmhw::Model& m : models) {
      for (Precision p : {Precision::bf16, Precision::fp8, Precision::int4}) {
        if (!llmhw::compute_precision(hw, p)) continue;
        for (int tp : llmhw::candidate_tp_sizes(hw, m)) {
          llmhw::Deployment d{&m, &hw, p, Precision::bf16, tp};
          if (!llmhw::plan_memory(d, w, eff).fits()) continue;
          for (double batch : {1.0, 8.0, 64.0, 512.0}) {
            INFO(hw.id << " " << m.id << " " << llmhw::to_string(p) << " tp" << tp << " batch " << batch);
            const double roofline = llmhw::decode_step(d, batch, 1152, ideal).total_s();
            CHECK(llmhw::decode_step(d, batch, 1152, eff).total_s() >= roofline);
            CHECK(llmhw::prefill(d, 1024, eff).total_s() >= llmhw::prefill(d, 1024, ideal).total_s());
            // The closed-loop TPOT at this concurrency includes at least one decode step.
            const llmhw::EngineLimits limits = calibration.limits("");
            CHECK(llmhw::serve_closed_loop(d, w, batch, eff, limits).tpot_s >= roofline);
            CHECK(llmhw::serve(d, w, batch, eff).tpot_s >= roofline);
            ++checked;
          }
          break;  // the smallest TP that fits
        }
      }
    }
  }
  CHECK(checked > 500);
}

TEST_CASE("the roofline itself is at least the dense weights over peak bandwidth", "[physics]") {
  // Llama 3.1 8B at bf16 on a 1000 GB/s device, batch 1: the 6.98B-parameter body plus the
  // 1.05B LM head are read once per token: 16.06 GB / 1000 GB/s = 16.06 ms at the very least.
  llmhw::Model m;
  m.layers = 32, m.hidden = 4096, m.heads = 32, m.kv_heads = 8, m.head_dim = 128, m.intermediate = 14336,
  m.vocab = 128256;
  llmhw::Hardware hw;
  hw.memory_gb = 80, hw.memory_bandwidth_gbps = 1000, hw.tflops = {{Precision::bf16, 1000}};
  hw.fast_group_sizes = {1};
  llmhw::Efficiency ideal;
  const double step =
      llmhw::decode_step({&m, &hw, Precision::bf16, Precision::bf16, 1}, 1, 0, ideal).total_s();
  CHECK(step >= (8'030'261'248.0 - 128256.0 * 4096) * 2 / 1e12);
}

TEST_CASE("an engine's prefill batch can depend on device memory", "[calibration]") {
  llmhw::Calibration c;
  llmhw::EngineLimits sglang;
  sglang.max_num_tokens = 8192;
  sglang.large_memory_gb = 171.8;
  sglang.large_memory_max_num_tokens = 16384;
  c.engines["sglang"] = sglang;
  llmhw::Hardware small, large;
  small.memory_gb = 80;
  large.memory_gb = 180;
  CHECK(c.limits("sglang", small).max_num_tokens == 8192);
  CHECK(c.limits("sglang", large).max_num_tokens == 16384);
  CHECK(c.limits("vllm", large).max_num_tokens == llmhw::EngineLimits{}.max_num_tokens);  // no rule
}

TEST_CASE("vLLM's defaults depend on device memory and name, as EngineArgs.get_batch_defaults",
          "[calibration]") {
  // The shipped engines: vLLM's OpenAI server takes 1024 sequences and 8192 tokens per step on
  // devices of at least 70 GiB that are not A100s, else 256 and 2048 (vllm/engine/arg_utils.py).
  const llmhw::Calibration c =
      llmhw::io::load_calibration(std::filesystem::path(LLMHW_DATA) / "efficiency.json");
  llmhw::Hardware h100, a100, l40s;
  h100.id = "h100-sxm", h100.memory_gb = 80;
  a100.id = "a100-80gb", a100.memory_gb = 80;
  l40s.id = "l40s", l40s.memory_gb = 48;
  CHECK(c.limits("vllm", h100).max_batch == 1024);
  CHECK(c.limits("vllm", h100).max_num_tokens == 8192);
  for (const llmhw::Hardware& hw : {a100, l40s}) {
    INFO(hw.id);
    CHECK(c.limits("vllm", hw).max_batch == 256);
    CHECK(c.limits("vllm", hw).max_num_tokens == 2048);
  }
  // llama-server's --parallel auto: 4 slots (tools/server/server.cpp).
  CHECK(c.limits("llama.cpp", l40s).max_batch == 4);
  // TensorRT-LLM: GUARANTEED_NO_EVICT, 0.9 of the free memory, fp8 KV with fp8/fp4 checkpoints.
  const llmhw::EngineLimits trt = c.limits("trtllm", h100);
  CHECK(trt.reserve_full_length);
  CHECK(trt.memory_fraction == 0.9);
  CHECK(trt.memory_fraction_of_free);
  CHECK(trt.kv_with_quantized_weights == Precision::fp8);
}
