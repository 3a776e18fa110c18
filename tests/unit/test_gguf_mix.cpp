// llama.cpp's K-quant files (issue 23): bits per weight of Q4_K_M and Q3_K_M from ggml's block
// sizes and llama-quantize's per-tensor rules (src/core/gguf_mix.cpp), checked by hand and against
// the file sizes llama.cpp's own quantize tool lists.
#include <catch2/catch.hpp>
#include <filesystem>

#include "../cli/cli_harness.hpp"
#include "llmhw/estimate.hpp"
#include "llmhw/gguf_mix.hpp"
#include "llmhw/io/loaders.hpp"

namespace fs = std::filesystem;
using llmhw::GgufFileType;
using llmhw::Precision;
using llmhw::test::find_hardware;
using llmhw::test::shipped_model;

namespace {

using llmhw::test::kData;

// Bits per weight of ggml's blocks (ggml-common.h): Q3_K 110 bytes / 256, Q4_K 144 / 256, Q5_K
// 176 / 256, Q6_K 210 / 256, Q5_0 22 / 32, Q8_0 34 / 32.
constexpr double kQ3K = 3.4375, kQ4K = 4.5, kQ5K = 5.5, kQ6K = 6.5625, kQ5_0 = 5.5, kQ8_0 = 8.5;

// Llama-3.1-8B's layer tensors: q and o 4096 x 4096, k and v 4096 x 1024, gate, up and down
// 4096 x 14336 (config.json: hidden 4096, 32 heads of 128, 8 KV heads, intermediate 14336).
constexpr double kQ = 4096.0 * 4096, kKv = 4096.0 * 1024, kMlp = 4096.0 * 14336;
constexpr double kLayer = 2 * kQ + 2 * kKv + 3 * kMlp;  // 218,103,808

}  // namespace

TEST_CASE("GGUF file types parse as llama-quantize names them, aliases included", "[gguf]") {
  CHECK(llmhw::parse_gguf_file_type("Q4_K_M") == GgufFileType::q4_k_m);
  CHECK(llmhw::parse_gguf_file_type("q4_k") == GgufFileType::q4_k_m);
  CHECK(llmhw::parse_gguf_file_type("Q3_K") == GgufFileType::q3_k_m);
  CHECK(llmhw::parse_gguf_file_type("q8_0") == GgufFileType::q8_0);
  CHECK_FALSE(llmhw::parse_gguf_file_type("Q5_K_M"));
  CHECK_FALSE(llmhw::parse_gguf_file_type("int4"));
  CHECK(llmhw::gguf_precision(GgufFileType::q3_k_m) == Precision::int4);
  CHECK(llmhw::gguf_precision(GgufFileType::q8_0) == Precision::int8);
}

TEST_CASE("Q4_K_M keeps attn_v and ffn_down at Q6_K in half the layers of Llama-3.1-8B", "[gguf]") {
  const auto g = llmhw::gguf_layout(shipped_model("llama-3.1-8b"), GgufFileType::q4_k_m);
  REQUIRE(g);
  // use_more_bits over 32 layers: 0-3, 28-31 and 6, 9, ..., 27 = 16 layers take v and down at
  // Q6_K; everything else is Q4_K.
  const double bits = kQ4K + 16.0 / 32 * (kKv + kMlp) / kLayer * (kQ6K - kQ4K);
  CHECK(g->body * 8 == Approx(bits));
  CHECK(g->body * 8 == Approx(4.7975).epsilon(1e-4));
  CHECK(g->head * 8 == Approx(kQ6K));
  CHECK(g->embedding * 8 == Approx(kQ4K));
  CHECK(std::string(g->format) == "Q4_K_M");
}

TEST_CASE("Q3_K_M raises attn_v, attn_output and ffn_down to 4-5 bits around Q3_K", "[gguf]") {
  const auto g = llmhw::gguf_layout(shipped_model("mistral-7b"), GgufFileType::q3_k_m);
  REQUIRE(g);
  // q, k, gate, up: Q3_K; o: Q4_K; v and down: Q5_K in the first two layers (v: i < 2; down:
  // i < 32/16), else Q4_K. Mistral-7B has Llama-3.1-8B's layer shapes.
  const double per_layer = (kQ + kKv + 2 * kMlp) * kQ3K + kQ * kQ4K + (kKv + kMlp) * kQ4K;
  const double bits = (32 * per_layer + 2 * (kKv + kMlp) * (kQ5K - kQ4K)) / (32 * kLayer);
  CHECK(g->body * 8 == Approx(bits));
  CHECK(g->body * 8 == Approx(3.8438).epsilon(1e-4));
  CHECK(g->head * 8 == Approx(kQ6K));
  CHECK(g->embedding * 8 == Approx(kQ3K));
}

TEST_CASE("K-quant files of Llama-3-8B shapes match the sizes llama-quantize lists", "[gguf]") {
  // llama.cpp tools/quantize lists each type with its size for Llama-3-8B: Q4_K_M 4.58G, Q3_K_M
  // 3.74G (examples/quantize/quantize.cpp @c392e50 lines 45 and 39; PR 15277 gives the Q4_K_M
  // file of Llama-3.1-8B, the same shapes, as 4.58 GiB).
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const llmhw::Hardware s = llmhw::slice(find_hardware(catalog, "graviton3"), 8);
  const llmhw::Model m = shipped_model("llama-3.1-8b");
  llmhw::Deployment d{&m, &s, Precision::int4, Precision::bf16, 1};
  d.gguf = GgufFileType::q4_k_m;
  CHECK(llmhw::model_weight_bytes(d) / (1u << 30) == Approx(4.58).epsilon(0.005));
  d.gguf = GgufFileType::q3_k_m;
  CHECK(llmhw::model_weight_bytes(d) / (1u << 30) == Approx(3.74).epsilon(0.005));
  // On a GPU the GGUF type does not apply: the int4 checkpoint format stays.
  const llmhw::Deployment gpu{&m, &find_hardware(catalog, "h100-sxm"), Precision::int4, Precision::bf16, 1};
  llmhw::Deployment gpu_gguf = gpu;
  gpu_gguf.gguf = GgufFileType::q3_k_m;
  CHECK(llmhw::model_weight_bytes(gpu_gguf) == Approx(llmhw::model_weight_bytes(gpu)));
}

TEST_CASE("tensors whose rows do not split into 256-weight blocks fall back as llama.cpp does", "[gguf]") {
  // A Qwen2.5-0.5B-shaped model: hidden 896 (not a multiple of 256), 14 heads of 64 (o is 896
  // wide too), intermediate 4864 = 19 x 256. q, k, v, o, gate and up fall back from Q4_K to Q5_0,
  // v's Q6_K to Q8_0, and the tied output's Q6_K to Q8_0; down keeps Q4_K / Q6_K.
  llmhw::Model m;
  m.id = "toy";
  m.layers = 24;
  m.hidden = 896;
  m.heads = 14;
  m.kv_heads = 2;
  m.head_dim = 64;
  m.intermediate = 4864;
  m.vocab = 151936;
  m.tied_embeddings = true;
  const auto g = llmhw::gguf_layout(m, GgufFileType::q4_k_m);
  REQUIRE(g);
  const double q = 896.0 * 896, kv = 896.0 * 128, mlp = 896.0 * 4864;
  // use_more_bits over 24 layers: 0-2, 21-23 and 5, 8, 11, 14, 17, 20 = 12 layers.
  const double plain = (2 * q + kv) * kQ5_0 + 2 * mlp * kQ5_0;  // q, o, k, gate, up
  const double bits = (24 * plain + 12 * (kv * kQ8_0 + mlp * kQ6K) + 12 * (kv * kQ5_0 + mlp * kQ4K)) /
                      (24 * (2 * q + 2 * kv + 3 * mlp));
  CHECK(g->body * 8 == Approx(bits));
  CHECK(g->head * 8 == Approx(kQ8_0));
}

TEST_CASE("the tensor mix is modelled for dense attention models only", "[gguf]") {
  CHECK_FALSE(llmhw::gguf_layout(shipped_model("qwen3-30b-a3b"), GgufFileType::q4_k_m));
  CHECK_FALSE(llmhw::gguf_layout(shipped_model("deepseek-v3"), GgufFileType::q4_k_m));
  CHECK(llmhw::gguf_layout(shipped_model("qwen3-0.6b"), GgufFileType::q3_k_m));
}
