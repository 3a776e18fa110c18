// Parameter counts, KV cache sizes and derived shapes (src/core/model.cpp).
#include <catch2/catch.hpp>

#include "llmhw/model.hpp"
#include "test_shapes.hpp"

TEST_CASE("count_parameters of a Llama 3.1 8B shape", "[model]") {
  const llmhw::ParameterCount c = llmhw::count_parameters(llmhw_test::llama_8b());
  // Per layer: Q,O 2*4096*4096 + K,V 2*4096*(8*128) + SwiGLU MLP 3*4096*14336 + 2 norms 2*4096
  //          = 33,554,432 + 8,388,608 + 176,160,768 + 8,192 = 218,112,000.
  const double per_layer = 2.0 * 4096 * 4096 + 2.0 * 4096 * 1024 + 3.0 * 4096 * 14336 + 2.0 * 4096;
  // Embedding and untied LM head: 128256*4096 = 525,336,576 each.
  const double table = 128256.0 * 4096;
  // 32 x 218,112,000 + 2 x 525,336,576 + final norm 4096 = 8,030,261,248.
  const double total = 32 * per_layer + 2 * table + 4096;
  CHECK(total == Approx(8'030'261'248.0).epsilon(1e-12));  // the arithmetic above, checked
  CHECK(c.total == Approx(total).epsilon(1e-12));
  CHECK(c.active == Approx(total).epsilon(1e-12));  // dense: every parameter is used per token
  CHECK(c.embedding == Approx(table).epsilon(1e-12));
  CHECK(c.lm_head == Approx(table).epsilon(1e-12));
  CHECK(c.dense_body == Approx(32 * per_layer + 4096).epsilon(1e-12));
  CHECK(c.moe_layers == 0);
  // Published figure: Hugging Face safetensors metadata of meta-llama/Llama-3.1-8B shows 8.03B
  // parameters (model card: "8B").
  CHECK(c.total == Approx(8.03e9).epsilon(0.001));
}

TEST_CASE("count_parameters: tied embeddings count the table once", "[model]") {
  llmhw::Model m = llmhw_test::llama_8b();
  m.tied_embeddings = true;
  const llmhw::ParameterCount c = llmhw::count_parameters(m);
  CHECK(c.lm_head == 0.0);
  // 8,030,261,248 - 128256*4096 = 8,030,261,248 - 525,336,576 = 7,504,924,672.
  CHECK(c.total == Approx(8'030'261'248.0 - 128256.0 * 4096).epsilon(1e-12));
}

TEST_CASE("count_parameters: a non-gated MLP has two matrices", "[model]") {
  llmhw::Model m = llmhw_test::llama_8b();
  m.gated_mlp = false;
  const llmhw::ParameterCount c = llmhw::count_parameters(m);
  // One MLP matrix fewer per layer: 8,030,261,248 - 32*4096*14336 = 8,030,261,248 - 1,879,048,192.
  CHECK(c.total == Approx(8'030'261'248.0 - 32.0 * 4096 * 14336).epsilon(1e-12));
}

TEST_CASE("count_parameters of a Mixtral 8x7B shape: total vs active", "[model][moe]") {
  const llmhw::ParameterCount c = llmhw::count_parameters(llmhw_test::mixtral_8x7b());
  // Attention per layer: 2*4096*4096 + 2*4096*1024 = 41,943,040; norms 2*4096 = 8,192.
  const double attention = 2.0 * 4096 * 4096 + 2.0 * 4096 * 1024;
  // One expert: 3*4096*14336 = 176,160,768; router 4096*8 = 32,768.
  const double expert = 3.0 * 4096 * 14336;
  const double router = 4096.0 * 8;
  const double tables = 2.0 * 32000 * 4096;  // untied: 262,144,000
  // Total: 32 x (41,943,040 + 8,192 + 8*176,160,768 + 32,768) + 262,144,000 + 4,096
  //      = 32 x 1,451,270,144 + 262,148,096 = 46,702,792,704.
  const double total = 32 * (attention + 2 * 4096 + 8 * expert + router) + tables + 4096;
  // Active: 32 x (41,943,040 + 8,192 + 2*176,160,768 + 32,768) + 262,148,096 = 12,879,925,248.
  const double active = 32 * (attention + 2 * 4096 + 2 * expert + router) + tables + 4096;
  CHECK(total == Approx(46'702'792'704.0).epsilon(1e-12));
  CHECK(active == Approx(12'879'925'248.0).epsilon(1e-12));
  CHECK(c.total == Approx(total).epsilon(1e-12));
  CHECK(c.active == Approx(active).epsilon(1e-12));
  CHECK(c.per_expert == Approx(expert).epsilon(1e-12));
  CHECK(c.moe_layers == 32);
  // Published: Mistral AI, "Mixtral of experts" (2023-12-11): 46.7B total, 12.9B used per token.
  CHECK(c.total == Approx(46.7e9).epsilon(0.001));
  CHECK(c.active == Approx(12.9e9).epsilon(0.005));
}

TEST_CASE("count_parameters of a DeepSeek-V3 shape (MLA + MoE)", "[model][moe][mla]") {
  const llmhw::ParameterCount c = llmhw::count_parameters(llmhw_test::deepseek_v3());
  const double d = 7168;
  // MLA attention per layer:
  //  q: down 7168*1536 + q_a norm 1536 + up 1536*128*(128+64)  = 11,010,048 + 1,536 + 37,748,736
  //  kv: down 7168*(512+64) + kv_a norm 512 + up 512*128*(128+128) = 4,128,768 + 512 + 16,777,216
  //  o: 128*128*7168 = 117,440,512                      -> 187,107,328 in all
  const double q = d * 1536 + 1536 + 1536.0 * 128 * (128 + 64);
  const double kv = d * (512 + 64) + 512 + 512.0 * 128 * (128 + 128);
  const double o = 128.0 * 128 * d;
  const double attention = q + kv + o;
  CHECK(attention == Approx(187'107'328.0).epsilon(1e-12));
  const double norms = 2 * d;              // 14,336
  const double dense_mlp = 3 * d * 18432;  // 396,361,728 (first 3 layers)
  const double expert = 3 * d * 2048;      // 44,040,192 (routed and shared alike)
  const double router = d * 256;           // 1,835,008
  const double tables = 2 * 129280.0 * d;  // 1,853,358,080 (untied)
  // 61 x 187,121,664 + 3 x 396,361,728 + 58 x (256+1) x 44,040,192 + 58 x 1,835,008
  // + 1,853,358,080 + 7,168 = 671,026,404,352.
  const double total =
      61 * (attention + norms) + 3 * dense_mlp + 58 * (256 * expert + expert + router) + tables + d;
  CHECK(total == Approx(671'026'404'352.0).epsilon(1e-12));
  // Active: 8 routed + 1 shared expert in each of the 58 MoE layers:
  // 671,026,404,352 - 58 x 248 x 44,040,192 = 37,552,282,624.
  const double active = total - 58 * 248 * expert;
  CHECK(active == Approx(37'552'282'624.0).epsilon(1e-12));
  CHECK(c.total == Approx(total).epsilon(1e-12));
  CHECK(c.active == Approx(active).epsilon(1e-12));
  CHECK(c.moe_layers == 58);
  // Published: DeepSeek-V3 Technical Report (arXiv 2412.19437): 671B total parameters, 37B
  // activated per token, both excluding the 14B Multi-Token Prediction module.
  CHECK(c.total == Approx(671e9).epsilon(0.01));
  CHECK(c.active == Approx(37e9).epsilon(0.02));
}

TEST_CASE("count_parameters: interleaved MoE layers (layer_step)", "[model][moe]") {
  // 4 layers, every 2nd one MoE (Llama 4 Maverick style: layers 1 and 3), 4 experts top-1.
  llmhw::Model m;
  m.layers = 4;
  m.hidden = 64;
  m.heads = 4;
  m.kv_heads = 4;
  m.head_dim = 16;
  m.intermediate = 256;
  m.vocab = 100;
  m.tied_embeddings = true;
  llmhw::MoeShape e;
  e.experts = 4;
  e.experts_per_token = 1;
  e.expert_intermediate = 128;
  e.layer_step = 2;
  m.moe = e;
  const llmhw::ParameterCount c = llmhw::count_parameters(m);
  CHECK(c.moe_layers == 2);
  // Attention 4*64*64 = 16,384 and norms 128 per layer; dense MLP 3*64*256 = 49,152 on 2 layers;
  // per MoE layer 4 experts x 3*64*128 (= 24,576) + router 64*4; table 100*64; final norm 64.
  const double total =
      4 * (4.0 * 64 * 64 + 128) + 2 * (3.0 * 64 * 256) + 2 * (4 * 3.0 * 64 * 128 + 64 * 4) + 100.0 * 64 + 64;
  CHECK(c.total == Approx(total).epsilon(1e-12));
  CHECK(c.active == Approx(total - 2 * 3 * (3.0 * 64 * 128)).epsilon(1e-12));  // 3 unused experts/layer
}

TEST_CASE("kv_bytes_per_token for GQA and MLA", "[model][kv]") {
  // Llama 3.1 70B: 80 layers x K and V x 8 KV heads x 128 dims x 2 bytes = 327,680 bytes.
  CHECK(llmhw::kv_bytes_per_token(llmhw_test::llama_70b(), 2.0) == Approx(80.0 * 2 * 8 * 128 * 2));
  CHECK(80.0 * 2 * 8 * 128 * 2 == Approx(327'680.0));
  // At fp8 half of that: 163,840 bytes.
  CHECK(llmhw::kv_bytes_per_token(llmhw_test::llama_70b(), 1.0) == Approx(163'840.0));
  // DeepSeek-V3 MLA: the latent (kv_lora 512 + rope 64) per layer, 61 layers, 2 bytes = 70,272.
  CHECK(llmhw::kv_bytes_per_token(llmhw_test::deepseek_v3(), 2.0) == Approx((512.0 + 64) * 61 * 2));
  CHECK((512.0 + 64) * 61 * 2 == Approx(70'272.0));
}

TEST_CASE("kv_bytes_per_sequence: sliding windows cap, state layers are fixed", "[model][kv]") {
  // 8 layers: 2 full attention, 4 sliding (window 128), 2 fixed state of 1 MB each.
  llmhw::Model m = llmhw_test::llama_8b();
  m.layers = 8;
  m.sliding_layers = 4;
  m.sliding_window = 128;
  m.state_layers = 2;
  m.state_bytes_per_layer = 1e6;
  CHECK(llmhw::full_attention_layers(m) == 2);
  const double per_layer_token = 2.0 * 8 * 128 * 2;  // K,V x 8 heads x 128 x 2 bytes = 4096
  CHECK(llmhw::kv_bytes_per_token(m, 2.0) == Approx(2 * per_layer_token));
  // Context 100 < window: every attention layer holds all 100 tokens.
  CHECK(llmhw::kv_bytes_per_sequence(m, 100, 2.0) == Approx(6 * per_layer_token * 100 + 2e6));
  // Context 1000 > window: full layers hold 1000 tokens, sliding layers only 128.
  CHECK(llmhw::kv_bytes_per_sequence(m, 1000, 2.0) ==
        Approx(2 * per_layer_token * 1000 + 4 * per_layer_token * 128 + 2e6));
  // Beyond the window only the full layers grow: +1000 tokens adds 2 x 4096 x 1000 bytes.
  CHECK(llmhw::kv_bytes_per_sequence(m, 2000, 2.0) - llmhw::kv_bytes_per_sequence(m, 1000, 2.0) ==
        Approx(2 * per_layer_token * 1000));
}

TEST_CASE("kv_bytes_per_sequence of a plain model is per-token bytes times context", "[model][kv]") {
  // Llama 3.1 8B: 32 x 2 x 8 x 128 x 2 = 131,072 bytes per token; x 4096 tokens = 536,870,912.
  CHECK(llmhw::kv_bytes_per_sequence(llmhw_test::llama_8b(), 4096, 2.0) ==
        Approx(32.0 * 2 * 8 * 128 * 2 * 4096));
}

TEST_CASE("attention_flops_per_token: QK and AV over the context", "[model]") {
  // Llama 8B shape: 4 FLOPs x 32 heads x 128 dims x context per layer, 32 layers.
  // Context 1000: 4*32*128*1000*32 = 524,288,000.
  CHECK(llmhw::attention_flops_per_token(llmhw_test::llama_8b(), 1000) == Approx(4.0 * 32 * 128 * 1000 * 32));
  // MLA (absorbed): QK over 512+64, AV over 512 per head: 2*(576) + 2*(512) = 2,176 FLOPs per head
  // per context token; 128 heads x 61 layers x context 1000 = 16,988,672,000... written out:
  CHECK(llmhw::attention_flops_per_token(llmhw_test::deepseek_v3(), 1000) ==
        Approx((2.0 * 576 + 2.0 * 512) * 128 * 61 * 1000));
  // A sliding layer attends to at most the window.
  llmhw::Model m = llmhw_test::llama_8b();
  m.sliding_layers = 16;
  m.sliding_window = 100;
  CHECK(llmhw::attention_flops_per_token(m, 1000) ==
        Approx(4.0 * 32 * 128 * 1000 * 16 + 4.0 * 32 * 128 * 100 * 16));
}

TEST_CASE("model_from_size reproduces Llama 3 shapes", "[model]") {
  // 8B: hidden = cbrt(8e9 x 110 / 12.5) = cbrt(7.04e10) = 4128 -> nearest multiple of 1024 = 4096;
  // per layer 2*4096^2 + 2*4096*1024 + 3*4096*14336 + 2*4096 = 218,112,000;
  // layers = round((8e9 - 2*128256*4096) / 218,112,000) = round(31.86) = 32.
  const llmhw::Model m8 = llmhw::model_from_size(8e9);
  CHECK(m8.hidden == 4096);
  CHECK(m8.layers == 32);
  CHECK(m8.heads == 32);
  CHECK(m8.kv_heads == 8);
  CHECK(m8.head_dim == 128);
  CHECK(m8.intermediate == 14336);  // 3.5 x 4096
  CHECK(m8.vocab == 128256);
  CHECK_FALSE(m8.tied_embeddings);

  // 70B: cbrt(70e9 x 8.8) = 8506 -> 8192; intermediate 3.5 x 8192 = 28672; per layer 855,654,400;
  // layers = round((70e9 - 2,101,346,304) / 855,654,400) = round(79.35) = 79;
  // total = 79 x 855,654,400 + 2,101,346,304 + 8192 = 69,698,052,096 (0.4% under 70B).
  const llmhw::Model m70 = llmhw::model_from_size(70e9);
  CHECK(m70.hidden == 8192);
  CHECK(m70.intermediate == 28672);
  CHECK(m70.layers == 79);
  CHECK(llmhw::count_parameters(m70).total == Approx(70e9).epsilon(0.02));
  CHECK(llmhw::count_parameters(m70).total ==
        Approx(79 * (2.0 * 8192 * 8192 + 2.0 * 8192 * 1024 + 3.0 * 8192 * 28672 + 2.0 * 8192) +
               2.0 * 128256 * 8192 + 8192)
            .epsilon(1e-12));
}

TEST_CASE("model_from_size totals track the requested size", "[model]") {
  // Small models tie the embedding (below 3B) like Llama 3.2 1B and 3B.
  CHECK(llmhw::model_from_size(1e9).tied_embeddings);
  CHECK_FALSE(llmhw::model_from_size(8e9).tied_embeddings);
  double previous = 0;
  for (double size : {1e9, 3e9, 8e9, 14e9, 32e9, 70e9, 405e9, 1e12}) {
    INFO("size " << size);
    const llmhw::Model m = llmhw::model_from_size(size);
    const double total = llmhw::count_parameters(m).total;
    // The layer count is rounded, so the total lands within a few percent of the size.
    CHECK(total == Approx(size).epsilon(0.05));
    CHECK(total > previous);  // bigger size -> bigger model
    CHECK(m.heads * m.head_dim == m.hidden);
    CHECK(m.heads % m.kv_heads == 0);
    previous = total;
  }
}
