#include "llmhw/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmhw {
namespace {

double attention_params(const Model& m) {
  const double d = m.hidden;
  if (m.mla) {
    const MlaShape& a = *m.mla;
    const double qk_head = a.qk_nope_head_dim + a.qk_rope_head_dim;
    const double q = a.q_lora_rank > 0 ? d * a.q_lora_rank + a.q_lora_rank + a.q_lora_rank * m.heads * qk_head
                                       : d * m.heads * qk_head;
    const double kv = d * (a.kv_lora_rank + a.qk_rope_head_dim) + a.kv_lora_rank +
                      a.kv_lora_rank * m.heads * (a.qk_nope_head_dim + a.v_head_dim);
    const double o = static_cast<double>(m.heads) * a.v_head_dim * d;
    return q + kv + o;
  }
  const double q_and_o = 2.0 * d * m.heads * m.head_dim;
  const double k_and_v = 2.0 * d * m.kv_heads * m.head_dim;
  return q_and_o + k_and_v;
}

double mlp_params(const Model& m, double intermediate) {
  return (m.gated_mlp ? 3.0 : 2.0) * m.hidden * intermediate;
}

}  // namespace

ParameterCount count_parameters(const Model& m) {
  ParameterCount c;
  const double d = m.hidden;
  c.embedding = static_cast<double>(m.vocab) * d;
  c.lm_head = m.tied_embeddings ? 0.0 : c.embedding;
  const double norms_per_layer = 2.0 * d;
  double routed_total = 0, routed_active = 0;
  for (int layer = 0; layer < m.layers; ++layer) {
    c.dense_body += attention_params(m) + norms_per_layer;
    const bool moe_layer =
        m.moe && layer >= m.moe->dense_layers &&
        (layer - m.moe->dense_layers) % std::max(1, m.moe->layer_step) == std::max(1, m.moe->layer_step) - 1;
    if (!moe_layer) {
      c.dense_body += mlp_params(m, m.intermediate);
      continue;
    }
    const MoeShape& e = *m.moe;
    c.moe_layers++;
    c.per_expert = mlp_params(m, e.expert_intermediate);
    const double shared_size =
        e.shared_intermediate > 0 ? e.shared_intermediate : e.shared_experts * e.expert_intermediate;
    c.dense_body += mlp_params(m, shared_size) + d * e.experts;  // shared experts + router
    routed_total += e.experts * c.per_expert;
    routed_active += e.experts_per_token * c.per_expert;
  }
  c.dense_body += d;  // final norm
  c.total = c.embedding + c.lm_head + c.dense_body + routed_total;
  c.active = c.embedding + c.lm_head + c.dense_body + routed_active;
  return c;
}

int full_attention_layers(const Model& m) {
  return std::max(0, m.layers - m.sliding_layers - m.state_layers);
}

namespace {
// Values one token stores per attention layer: K and V for every KV head, or MLA's latent.
double kv_values_per_layer(const Model& m) {
  if (m.mla) return m.mla->kv_lora_rank + m.mla->qk_rope_head_dim;
  return 2.0 * m.kv_heads * m.head_dim;
}
}  // namespace

double kv_bytes_per_token(const Model& m, double element_bytes) {
  return full_attention_layers(m) * kv_values_per_layer(m) * element_bytes;
}

double kv_bytes_per_sequence(const Model& m, double context, double element_bytes) {
  const double windowed = m.sliding_window > 0 ? std::min<double>(context, m.sliding_window) : context;
  return kv_bytes_per_token(m, element_bytes) * context +
         m.sliding_layers * kv_values_per_layer(m) * element_bytes * windowed +
         m.state_layers * m.state_bytes_per_layer;
}

double attention_flops_per_token(const Model& m, double context) {
  // Per head: QK^T and AV each cost 2 FLOPs per multiply-add over the attended tokens.
  // MLA in decode attends over the latent (absorbed projections): kv_lora + rope for QK, kv_lora for AV.
  const double per_head_width =
      m.mla ? (2.0 * m.mla->kv_lora_rank + m.mla->qk_rope_head_dim) / 2.0 : m.head_dim;
  const double per_layer_full = 4.0 * m.heads * per_head_width * context;
  const double windowed = m.sliding_window > 0 ? std::min<double>(context, m.sliding_window) : context;
  const double per_layer_sliding = 4.0 * m.heads * per_head_width * windowed;
  return full_attention_layers(m) * per_layer_full + m.sliding_layers * per_layer_sliding;
}

Model model_from_size(double params) {
  // Llama 3 proportions (Llama 3 paper, Table 3): head_dim 128, 8 KV heads, SwiGLU MLP with
  // intermediate = 3.5 x hidden, vocabulary 128256, hidden/layers ~ 110 (8B: 128, 70B: 102,
  // 405B: 130). Per layer that is 12.5 h^2 + 2048 h parameters, so h = (P x 110 / 12.5)^(1/3),
  // rounded to a multiple of 1024 (256 below 4096); the layer count then makes up P.
  // Reproduces Llama 3 8B (h 4096, 32 layers) and 70B (h 8192, 79 layers vs 80).
  Model m;
  const double vocab = 128256;
  m.vocab = static_cast<int>(vocab);
  m.tied_embeddings = params < 3e9;  // small Llama 3.2 models tie embeddings
  const double raw_hidden = std::cbrt(params * 110.0 / 12.5);
  const double step = raw_hidden >= 4096 ? 1024.0 : 256.0;
  m.hidden = static_cast<int>(std::max(512.0, std::round(raw_hidden / step) * step));
  m.head_dim = 128;
  m.heads = m.hidden / m.head_dim;
  m.kv_heads = std::gcd(m.heads, 8);
  m.intermediate = static_cast<int>(std::round(3.5 * m.hidden / 256.0) * 256.0);
  const double h = m.hidden;
  const double per_layer =
      2.0 * h * h + 2.0 * h * m.kv_heads * m.head_dim + 3.0 * h * m.intermediate + 2.0 * h;
  const double embeddings = (m.tied_embeddings ? 1.0 : 2.0) * vocab * h;
  m.layers = static_cast<int>(std::max(1.0, std::round((params - embeddings) / per_layer)));
  const double billions = params / 1e9;
  m.id = fmt::format("dense-{:g}b", billions);
  m.name = fmt::format("{:g}B dense (Llama-style shape derived from the size)", billions);
  return m;
}

}  // namespace llmhw
