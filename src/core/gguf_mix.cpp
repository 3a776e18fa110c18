// Bits per weight of llama.cpp's K-quant files, from the tensor mix llama-quantize writes.
// Sources (ggml-org/llama.cpp @c392e50, 2025-02-20):
// - block sizes, ggml/src/ggml-common.h: Q3_K 110 bytes per 256 weights (line 273: fp16 d +
//   QK_K/4 + QK_K/8 + 12 scales) = 3.4375 bits; Q4_K 144 bytes (line 290) = 4.5; Q5_K 176 bytes
//   (line 308) = 5.5; Q6_K 210 bytes (line 320) = 6.5625; and the 32-weight blocks Q4_0 18 bytes
//   (line 166) = 4.5, Q5_0 22 (line 187) = 5.5, Q5_1 24 (line 201) = 6.0, Q8_0 34 (line 208) = 8.5,
//   IQ4_NL 18 (line 404) = 4.5.
// - per-tensor types, src/llama-quant.cpp, llama_tensor_get_type: use_more_bits (lines 129-131):
//   layer i of n takes more bits when i < n/8, i >= 7n/8 or (i - n/8) % 3 == 2; the output tensor
//   (or the tied embedding acting as it) is Q6_K, Q8_0 when its rows do not split into 256-weight
//   blocks (lines 150-166); attn_v: Q3_K_M Q5_K in the first two layers, else Q4_K (228-230),
//   Q4_K_M Q6_K where use_more_bits (235-236); ffn_down: Q3_K_M Q5_K in the first n/16 layers, else
//   Q4_K (279-283), Q4_K_M Q6_K where use_more_bits (291-298); attn_output: Q3_K_M Q4_K (326);
//   every other tensor, the untied embedding included, takes the file's base type, Q3_K or Q4_K
//   (lines 484-488). A tensor whose rows (ne[0], its input width) do not divide into 256 falls
//   back: Q3_K to IQ4_NL, Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to Q8_0 (lines 369-398).
// - tools/quantize (examples/quantize/quantize.cpp lines 36 and 43): Q3_K and Q4_K are aliases
//   for Q3_K_M and Q4_K_M.
// Not modelled: the 8-expert rules (Mixtral: attn_v and attn_k at Q8_0), the 70B rule (attn_v
// Q4_K -> Q5_K in llama.cpp's "70B" model type: +0.01 bits per weight), Falcon's rules.
#include "llmhw/gguf_mix.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace llmhw {
namespace {

enum class Block { q3_k, q4_k, q5_k, q6_k, q4_0, q8_0 };

// Bits per weight of a block type in a tensor whose rows are `cols` wide, with llama.cpp's
// fallback for rows that do not divide into 256-weight super-blocks.
double bits(Block b, long cols) {
  const bool whole = cols % 256 == 0;
  switch (b) {
    case Block::q3_k:
      return whole ? 110.0 * 8 / 256 : 18.0 * 8 / 32;  // IQ4_NL
    case Block::q4_k:
      return whole ? 144.0 * 8 / 256 : 22.0 * 8 / 32;  // Q5_0
    case Block::q5_k:
      return whole ? 176.0 * 8 / 256 : 24.0 * 8 / 32;  // Q5_1
    case Block::q6_k:
      return whole ? 210.0 * 8 / 256 : 34.0 * 8 / 32;  // Q8_0
    case Block::q4_0:
      return 18.0 * 8 / 32;
    case Block::q8_0:
      return 34.0 * 8 / 32;
  }
  return 16;
}

bool use_more_bits(int i, int n) {
  return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

// The layer tensors' types in layer i of n (one transformer block: q, k, v, o, MLP).
struct LayerTypes {
  Block q, k, v, o, gate_up, down;
};

LayerTypes layer_types(GgufFileType t, int i, int n) {
  switch (t) {
    case GgufFileType::q4_k_m: {
      const Block more = use_more_bits(i, n) ? Block::q6_k : Block::q4_k;
      return {Block::q4_k, Block::q4_k, more, Block::q4_k, Block::q4_k, more};
    }
    case GgufFileType::q3_k_m:
      return {Block::q3_k, Block::q3_k, i < 2 ? Block::q5_k : Block::q4_k,
              Block::q4_k, Block::q3_k, i < n / 16 ? Block::q5_k : Block::q4_k};
    case GgufFileType::q4_0:
      return {Block::q4_0, Block::q4_0, Block::q4_0, Block::q4_0, Block::q4_0, Block::q4_0};
    case GgufFileType::q8_0:
      break;
  }
  return {Block::q8_0, Block::q8_0, Block::q8_0, Block::q8_0, Block::q8_0, Block::q8_0};
}

bool modelled(const Model& m) {
  if (m.moe || m.mla || m.linear_attention || m.mamba || m.attention_output_gate) return false;
  if (m.global_head_dim > 0 || m.global_kv_heads > 0) return false;
  for (const LayerSpec& l : layer_plan(m)) {
    const bool attention = l.mixer == Mixer::full_attention || l.mixer == Mixer::sliding_attention;
    if (!attention || l.mlp != Mlp::dense) return false;
  }
  return m.layers > 0 && m.hidden > 0 && m.heads > 0 && m.head_dim > 0 && m.intermediate > 0;
}

}  // namespace

std::string_view to_string(GgufFileType t) {
  switch (t) {
    case GgufFileType::q8_0:
      return "Q8_0";
    case GgufFileType::q4_0:
      return "Q4_0";
    case GgufFileType::q4_k_m:
      return "Q4_K_M";
    case GgufFileType::q3_k_m:
      return "Q3_K_M";
  }
  return "?";
}

std::optional<GgufFileType> parse_gguf_file_type(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper == "Q8_0") return GgufFileType::q8_0;
  if (upper == "Q4_0") return GgufFileType::q4_0;
  if (upper == "Q4_K_M" || upper == "Q4_K") return GgufFileType::q4_k_m;
  if (upper == "Q3_K_M" || upper == "Q3_K") return GgufFileType::q3_k_m;
  return std::nullopt;
}

Precision gguf_precision(GgufFileType t) {
  return t == GgufFileType::q8_0 ? Precision::int8 : Precision::int4;
}

std::optional<GgufBytes> gguf_layout(const Model& m, GgufFileType t) {
  if (!modelled(m)) return std::nullopt;
  const double h = m.hidden, q_width = static_cast<double>(m.heads) * m.head_dim;
  const double kv_width = static_cast<double>(m.kv_heads > 0 ? m.kv_heads : m.heads) * m.head_dim;
  const double mlp = static_cast<double>(m.intermediate) * h;
  const double up_matrices = m.gated_mlp ? 2 : 1;
  double params = 0, bit_sum = 0;
  for (int i = 0; i < m.layers; ++i) {
    const LayerTypes ty = layer_types(t, i, m.layers);
    // ne[0] (the row width) is the input width: hidden for q, k, v, gate and up, the attention
    // width for o, the intermediate size for down.
    bit_sum += h * q_width * bits(ty.q, m.hidden) +
               h * kv_width * (bits(ty.k, m.hidden) + bits(ty.v, m.hidden)) +
               q_width * h * bits(ty.o, m.heads * m.head_dim) +
               up_matrices * mlp * bits(ty.gate_up, m.hidden) + mlp * bits(ty.down, m.intermediate);
    params += 2 * h * q_width + 2 * h * kv_width + (up_matrices + 1) * mlp;
  }
  // The output tensor: Q6_K (Q8_0 stays Q8_0); its rows are `hidden` wide.
  const double head = t == GgufFileType::q8_0 ? bits(Block::q8_0, m.hidden) : bits(Block::q6_k, m.hidden);
  const Block base = t == GgufFileType::q4_k_m   ? Block::q4_k
                     : t == GgufFileType::q3_k_m ? Block::q3_k
                     : t == GgufFileType::q4_0   ? Block::q4_0
                                                 : Block::q8_0;
  const double embedding = bits(base, m.hidden);
  return GgufBytes{to_string(t).data(), bit_sum / params / 8, head / 8, embedding / 8};
}

}  // namespace llmhw
