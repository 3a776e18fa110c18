// The model catalog and Hugging Face configs: parameter counts against the publishers' figures,
// KV cache bytes against hand calculations, and every shared config's architecture features.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <optional>

#include "llmhw/io/loaders.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kModels = fs::path(LLMHW_DATA) / "models";
const fs::path kModelConfigs = fs::path(LLMHW_TEST_FIXTURES) / "model-configs";

llmhw::Model catalog_model(const std::string& id) {
  for (const auto& entry : llmhw::io::list_model_catalog(kModels)) {
    if (entry.id == id) return llmhw::io::load_catalog_model(entry);
  }
  FAIL("no catalog model " << id);
  throw std::logic_error("unreachable");
}

// A publisher's figure as printed, and how many significant digits it was printed with: "70.6B"
// has 3, so it stands for [70.55B, 70.65B); the check allows that rounding, or 1%, whichever is
// larger.
struct Published {
  std::string id;
  double total;
  int total_digits;
  double active;
  int active_digits;
  bool active_excludes_input_embedding;  // the publisher's convention (gpt-oss model card)
  double total_tolerance;                // 1%, more only where the scope of the figure is unclear
};

double rounding_tolerance(double value, int digits) {
  const double unit = std::pow(10.0, std::floor(std::log10(value)) - digits + 1);
  return std::max(0.01, 0.5 * unit / value);
}

}  // namespace

TEST_CASE("catalog parameter counts match the published figures", "[models][catalog]") {
  const std::vector<Published> published = {
      // Hugging Face safetensors metadata / model cards (meta-llama): 8.03B, 70.6B, 406B, 1.24B, 3.21B.
      {"llama-3.1-8b", 8.03e9, 3, 8.03e9, 3, false, 0.01},
      {"llama-3.1-70b", 70.6e9, 3, 70.6e9, 3, false, 0.01},
      {"llama-3.3-70b", 70.6e9, 3, 70.6e9, 3, false, 0.01},
      {"llama-3.1-405b", 406e9, 3, 406e9, 3, false, 0.01},
      {"llama-3.2-1b", 1.24e9, 3, 1.24e9, 3, false, 0.01},
      {"llama-3.2-3b", 3.21e9, 3, 3.21e9, 3, false, 0.01},
      // Mistral: Mistral-7B-v0.3 7.25B (HF); Mixtral 8x7B 46.7B total / 12.9B active, 8x22B 141B / 39B
      // (mistral.ai).
      {"mistral-7b", 7.25e9, 3, 7.25e9, 3, false, 0.01},
      {"mixtral-8x7b", 46.7e9, 3, 12.9e9, 3, false, 0.01},
      {"mixtral-8x22b", 141e9, 3, 39e9, 2, false, 0.01},
      // Qwen3 model cards: 0.6B, 8.2B, 32.8B, 30.5B/3.3B, 235B/22B; Qwen3.5 cards: 35B/3B, 397B/17B.
      {"qwen3-0.6b", 0.6e9, 1, 0.6e9, 1, false, 0.01},
      {"qwen3-8b", 8.2e9, 2, 8.2e9, 2, false, 0.01},
      {"qwen3-32b", 32.8e9, 3, 32.8e9, 3, false, 0.01},
      {"qwen3-30b-a3b", 30.5e9, 3, 3.3e9, 2, false, 0.01},
      {"qwen3-235b-a22b", 235e9, 3, 22e9, 2, false, 0.01},
      {"qwen3.5-35b-a3b", 35e9, 2, 3e9, 1, false, 0.01},
      {"qwen3.5-397b-a17b", 397e9, 3, 17e9, 2, false, 0.01},
      // Qwen2.5 model cards: 72.7B, 7.61B.
      {"qwen2.5-72b", 72.7e9, 3, 72.7e9, 3, false, 0.01},
      {"qwen2.5-7b", 7.61e9, 3, 7.61e9, 3, false, 0.01},
      // DeepSeek-V3 technical report: 671B total, 37B activated (the 14B MTP module excluded); R1 the same.
      {"deepseek-v3", 671e9, 3, 37e9, 2, false, 0.01},
      {"deepseek-r1", 671e9, 3, 37e9, 2, false, 0.01},
      // gpt-oss model card (arXiv 2508.10925), Table 1: 20.91B total / 3.61B active, 116.83B / 5.13B;
      // its active count includes the unembedding but not the embedding.
      {"gpt-oss-20b", 20.91e9, 4, 3.61e9, 3, true, 0.01},
      {"gpt-oss-120b", 116.83e9, 5, 5.13e9, 3, true, 0.01},
      // Meta Llama 4 blog: Scout 109B total / 17B active, Maverick 400B / 17B. The totals include the
      // vision encoder, which the shared config (text_config only) does not describe: 2% allowed.
      {"llama-4-scout", 109e9, 3, 17e9, 2, false, 0.02},
      {"llama-4-maverick", 400e9, 3, 17e9, 2, false, 0.02},
      // Gemma 3 technical report, Table 1: 417M vision + 1,416M embedding + 25,600M non-embedding.
      {"gemma-3-27b", 27.433e9, 5, 27.433e9 - 0.417e9, 4, false, 0.01},
      // Gemma 4 26B-A4B model card: 25.2B total, 3.8B active; whether the total counts the vision
      // encoder (llmhw estimates 0.41B for it) is not stated: 2% allowed.
      {"gemma-4-26b-a4b", 25.2e9, 3, 3.8e9, 2, false, 0.02},
      // NVIDIA Nemotron 3 Nano: 31.6B total, 3.6B active (3.2B without embeddings).
      {"nemotron-3-nano-30b-a3b", 31.6e9, 3, 3.6e9, 2, false, 0.01},
      // Phi-4: 14.7B (HF safetensors; the model card says 14B).
      {"phi-4", 14.7e9, 3, 14.7e9, 3, false, 0.01},
      // Llama 2 paper, Table 1 and model cards: 7B, 13B, 70B. These are nominal sizes (Meta publishes
      // no exact count), so they are checked only to their leading digit; the exact sums are in
      // data/models/SOURCES.md. Llama 3 8B model card: 8B (HF safetensors 8.03B).
      {"llama-2-7b", 7e9, 1, 7e9, 1, false, 0.01},
      {"llama-2-13b", 13e9, 2, 13e9, 2, false, 0.01},
      {"llama-2-70b", 70e9, 1, 70e9, 1, false, 0.01},
      {"llama-3-8b", 8.03e9, 3, 8.03e9, 3, false, 0.01},
      // GPT-J model card: n_parameters 6,053,381,344.
      {"gpt-j-6b", 6053381344.0, 10, 6053381344.0, 10, false, 0.01},
      // Gemma report, Table 2: 2B = 524,550,144 embedding + 1,981,884,416 non-embedding.
      {"gemma-2b", 2506434560.0, 10, 2506434560.0, 10, false, 0.01},
  };
  for (const Published& p : published) {
    INFO(p.id);
    const llmhw::Model m = catalog_model(p.id);
    const llmhw::ParameterCount c = llmhw::count_parameters(m);
    CHECK(c.total ==
          Approx(p.total).epsilon(std::max(p.total_tolerance, rounding_tolerance(p.total, p.total_digits))));
    const double active = p.active_excludes_input_embedding ? c.active - c.embedding : c.active;
    CHECK(active == Approx(p.active).epsilon(std::max(0.02, rounding_tolerance(p.active, p.active_digits))));
  }
  // Every catalog model is in the table above.
  CHECK(llmhw::io::list_model_catalog(kModels).size() == published.size());
}

TEST_CASE("KV cache bytes per token match hand calculations", "[models][kv]") {
  // Llama 3.1 70B: 80 layers x (K+V) 2 x 8 KV heads x 128 x 2 bytes = 327,680.
  CHECK(llmhw::kv_bytes_per_token(catalog_model("llama-3.1-70b"), 2) == 327680);
  // DeepSeek-V3 MLA: 61 layers x (kv_lora_rank 512 + rope 64) x 2 bytes = 70,272.
  CHECK(llmhw::kv_bytes_per_token(catalog_model("deepseek-v3"), 2) == 70272);
  // gpt-oss-20b: 24 layers alternating sliding (window 128) / full; 12 full layers x 2 x 8 x 64 x 2
  // = 24,576 per token; the 12 sliding layers add the same per token up to 128 tokens.
  const llmhw::Model oss = catalog_model("gpt-oss-20b");
  CHECK(llmhw::kv_bytes_per_token(oss, 2) == 24576);
  CHECK(llmhw::sliding_kv_bytes_per_token(oss, 2) == 24576);
  CHECK(llmhw::kv_bytes_per_sequence(oss, 1000, 2) == 24576.0 * 1000 + 24576.0 * 128);
  // Gemma 3 27B: 62 layers, every 6th global -> 10 full + 52 sliding (window 1024); per layer
  // 2 x 16 KV heads x 128 x 2 bytes = 8,192.
  const llmhw::Model gemma = catalog_model("gemma-3-27b");
  CHECK(llmhw::kv_bytes_per_token(gemma, 2) == 10 * 8192);
  CHECK(llmhw::sliding_kv_bytes_per_token(gemma, 2) == 52 * 8192);
  // Qwen3.5-35B-A3B: 10 of 40 layers full attention, 2 KV heads x head_dim 256:
  // 10 x 2 x 2 x 256 x 2 = 20,480 per token. The 30 Gated DeltaNet layers hold a fixed state:
  // 32 value heads x 128 x 128 x 4 bytes (fp32) = 2,097,152, plus a conv window of
  // 3 x (2 x 16 x 128 + 32 x 128) x 2 bytes = 49,152 -> 30 x 2,146,304 = 64,389,120 bytes.
  const llmhw::Model qwen35 = catalog_model("qwen3.5-35b-a3b");
  CHECK(llmhw::kv_bytes_per_token(qwen35, 2) == 20480);
  CHECK(llmhw::state_bytes_per_sequence(qwen35) == 64389120);
  // Nemotron 3 Nano: 6 attention blocks x 2 x 2 KV heads x 128 x 2 = 6,144 per token; 23 Mamba-2
  // blocks hold 64 heads x 64 x state 128 x 4 bytes = 2,097,152 plus a conv window of
  // 3 x (4096 + 2 x 8 x 128) x 2 bytes = 36,864 each.
  const llmhw::Model nemo = catalog_model("nemotron-3-nano-30b-a3b");
  CHECK(llmhw::kv_bytes_per_token(nemo, 2) == 6144);
  CHECK(llmhw::state_bytes_per_sequence(nemo) == 23.0 * (2097152 + 36864));
}

TEST_CASE("every shared config parses with its architecture features", "[models][configs]") {
  struct Expected {
    std::string file;
    int experts;  // 0 = dense
    bool mla, sliding, linear_attention, mamba, vision;
    std::optional<llmhw::Precision> checkpoint;
  };
  using llmhw::Precision;
  const std::vector<Expected> expected = {
      {"Qwen--Qwen3-0.6B.config.json", 0, false, false, false, false, false, {}},
      {"Qwen--Qwen3-8B.config.json", 0, false, false, false, false, false, {}},
      {"Qwen--Qwen3-32B.config.json", 0, false, false, false, false, false, {}},
      {"Qwen--Qwen3-30B-A3B.config.json", 128, false, false, false, false, false, {}},
      {"Qwen--Qwen3-235B-A22B.config.json", 128, false, false, false, false, false, {}},
      {"Qwen--Qwen3-235B-A22B-FP8.config.json", 128, false, false, false, false, false, Precision::fp8},
      {"nvidia--Qwen3-235B-A22B-NVFP4.config.json", 128, false, false, false, false, false, Precision::fp4},
      {"Qwen--Qwen3.5-35B-A3B.config.json", 256, false, false, true, false, true, {}},
      {"Qwen--Qwen3.5-397B-A17B.config.json", 512, false, false, true, false, true, {}},
      {"deepseek-ai--DeepSeek-V3.config.json", 256, true, false, false, false, false, Precision::fp8},
      {"deepseek-ai--DeepSeek-R1.config.json", 256, true, false, false, false, false, Precision::fp8},
      {"google--gemma-4-26B-A4B.config.json", 128, false, true, false, false, true, {}},
      {"meta-llama--Llama-4-Scout-17B-16E-Instruct.config.json", 16, false, false, false, false, false, {}},
      {"meta-llama--Llama-4-Maverick-17B-128E-Instruct.config.json",
       128,
       false,
       false,
       false,
       false,
       false,
       {}},
      {"meta-llama--Meta-Llama-3.1-8B.config.json", 0, false, false, false, false, false, {}},
      {"meta-llama--Meta-Llama-3.1-70B.config.json", 0, false, false, false, false, false, {}},
      {"meta-llama--Meta-Llama-3.1-405B.config.json", 0, false, false, false, false, false, {}},
      {"nvidia--Llama-3.1-70B-Instruct-FP8.config.json", 0, false, false, false, false, false,
       Precision::fp8},
      {"mistralai--Mixtral-8x7B-v0.1.config.json", 8, false, false, false, false, false, {}},
      {"mistralai--Mixtral-8x22B-v0.1.config.json", 8, false, false, false, false, false, {}},
      {"nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.config.json", 128, false, false, false, true, false, {}},
      {"openai--gpt-oss-20b.config.json", 32, false, true, false, false, false, Precision::fp4},
  };
  size_t configs = 0;
  for (const auto& entry : fs::directory_iterator(kModelConfigs)) {
    if (entry.path().string().find(".config.json") != std::string::npos) ++configs;
  }
  CHECK(configs == expected.size());  // every shared config is covered
  for (const Expected& e : expected) {
    INFO(e.file);
    const llmhw::Model m = llmhw::io::load_hf_config(kModelConfigs / e.file);
    CHECK((m.moe ? m.moe->experts : 0) == e.experts);
    CHECK(m.mla.has_value() == e.mla);
    CHECK((llmhw::sliding_kv_bytes_per_token(m, 2) > 0) == e.sliding);
    CHECK(m.linear_attention.has_value() == e.linear_attention);
    CHECK(m.mamba.has_value() == e.mamba);
    CHECK((m.vision_params > 0) == e.vision);
    CHECK(m.checkpoint_precision == e.checkpoint);
    CHECK(llmhw::count_parameters(m).total > 0);
  }
}
