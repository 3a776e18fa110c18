#include "llmhw/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmhw {
namespace {

// Head width and KV heads of a layer's attention (Gemma 4's global layers differ).
int head_dim_of(const Model& m, Mixer mixer) {
  return mixer == Mixer::full_attention && m.global_head_dim > 0 ? m.global_head_dim : m.head_dim;
}
int kv_heads_of(const Model& m, Mixer mixer) {
  return mixer == Mixer::full_attention && m.global_kv_heads > 0 ? m.global_kv_heads : m.kv_heads;
}

double attention_params(const Model& m, Mixer mixer) {
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
  const double hd = head_dim_of(m, mixer);
  const double q_and_o = (m.attention_output_gate ? 3.0 : 2.0) * d * m.heads * hd;
  const bool shared = mixer == Mixer::full_attention && m.global_shared_kv_projection;
  const double k_and_v = (shared ? 1.0 : 2.0) * d * kv_heads_of(m, mixer) * hd;
  return q_and_o + k_and_v;
}

// Gated DeltaNet: q, k, v and the output gate z from one input projection, the per-head decay
// and beta projections, a causal convolution over q, k, v, and the output projection.
double linear_attention_params(const Model& m) {
  const LinearAttentionShape& a = *m.linear_attention;
  const double d = m.hidden;
  const double key_total = static_cast<double>(a.key_heads) * a.key_dim;
  const double value_total = static_cast<double>(a.value_heads) * a.value_dim;
  const double in_proj = d * (2 * key_total + 2 * value_total) + d * 2.0 * a.value_heads;
  const double conv = (2 * key_total + value_total) * a.conv_kernel;
  return in_proj + conv + value_total * d + 2.0 * a.value_heads + a.value_dim;
}

// Mamba-2: one input projection to x, z, B, C and dt, a causal convolution over x, B, C, the
// per-head A, D and dt bias, a gated norm and the output projection.
double mamba_params(const Model& m) {
  const MambaShape& s = *m.mamba;
  const double d = m.hidden;
  const double inner = static_cast<double>(s.heads) * s.head_dim;
  const double bc = 2.0 * s.groups * s.state_size;
  return d * (2 * inner + bc + s.heads) + (inner + bc) * (s.conv_kernel + 1) + 3.0 * s.heads + inner +
         inner * d;
}

double mixer_params(const Model& m, Mixer mixer) {
  switch (mixer) {
    case Mixer::none:
      return 0;
    case Mixer::full_attention:
    case Mixer::sliding_attention:
      return attention_params(m, mixer);
    case Mixer::linear_attention:
      return m.linear_attention ? linear_attention_params(m) : attention_params(m, mixer);
    case Mixer::mamba:
      return m.mamba ? mamba_params(m) : 0;
  }
  return 0;
}

double mlp_params(const Model& m, double intermediate) {
  return (m.gated_mlp ? 3.0 : 2.0) * m.hidden * intermediate;
}

bool uniform_moe_layer(const Model& m, int layer) {
  if (!m.moe || layer < m.moe->dense_layers) return false;
  const int step = std::max(1, m.moe->layer_step);
  return (layer - m.moe->dense_layers) % step == step - 1;
}

// Values one token stores per attention layer: K and V for every KV head, or MLA's latent.
double kv_values_per_layer(const Model& m, Mixer mixer) {
  if (m.mla) return m.mla->kv_lora_rank + m.mla->qk_rope_head_dim;
  return 2.0 * kv_heads_of(m, mixer) * head_dim_of(m, mixer);
}

double linear_attention_state_bytes(const Model& m) {
  if (!m.linear_attention) return m.state_bytes_per_layer;
  const LinearAttentionShape& a = *m.linear_attention;
  const double recurrent =
      static_cast<double>(a.value_heads) * a.key_dim * a.value_dim * a.state_element_bytes;
  const double conv_window =
      (a.conv_kernel - 1.0) *
      (2.0 * a.key_heads * a.key_dim + static_cast<double>(a.value_heads) * a.value_dim) * 2.0;
  return recurrent + conv_window;
}

double mamba_state_bytes(const Model& m) {
  if (!m.mamba) return m.state_bytes_per_layer;
  const MambaShape& s = *m.mamba;
  const double inner = static_cast<double>(s.heads) * s.head_dim;
  const double ssm = inner * s.state_size * s.state_element_bytes;
  const double conv_window = (s.conv_kernel - 1.0) * (inner + 2.0 * s.groups * s.state_size) * 2.0;
  return ssm + conv_window;
}

}  // namespace

namespace {

// The spec of layer i of a model without an explicit plan.
LayerSpec uniform_layer(const Model& m, int i) {
  const int full = std::max(0, m.layers - m.sliding_layers - m.state_layers);
  LayerSpec l;
  l.mixer = i < full ? Mixer::full_attention
                     : (i < full + m.sliding_layers ? Mixer::sliding_attention : Mixer::linear_attention);
  l.mlp = uniform_moe_layer(m, i) ? Mlp::moe : Mlp::dense;
  return l;
}

// Calls fn for every layer's spec without building a plan (the estimator's hot path).
template <typename Fn>
void for_each_layer(const Model& m, Fn fn) {
  if (!m.plan.empty()) {
    for (const LayerSpec& l : m.plan) fn(l);
    return;
  }
  for (int i = 0; i < m.layers; ++i) fn(uniform_layer(m, i));
}

}  // namespace

std::vector<LayerSpec> layer_plan(const Model& m) {
  std::vector<LayerSpec> plan;
  for_each_layer(m, [&](const LayerSpec& l) { plan.push_back(l); });
  return plan;
}

ParameterCount count_parameters(const Model& m) {
  ParameterCount c;
  const double d = m.hidden;
  c.embedding = static_cast<double>(m.vocab) * d;
  c.lm_head = m.tied_embeddings ? 0.0 : c.embedding;
  double routed_total = 0, routed_active = 0;
  for_each_layer(m, [&](const LayerSpec& layer) {
    c.dense_body += mixer_params(m, layer.mixer) + (layer.mixer != Mixer::none ? d : 0.0);  // + its norm
    if (layer.mlp == Mlp::none) return;
    c.dense_body += d;  // the MLP's norm
    if (layer.mlp == Mlp::dense || layer.mlp == Mlp::dense_and_moe)
      c.dense_body += mlp_params(m, m.intermediate);
    if (layer.mlp == Mlp::dense || !m.moe) return;
    const MoeShape& e = *m.moe;
    c.moe_layers++;
    c.per_expert = mlp_params(m, e.expert_intermediate);
    const double shared =
        e.shared_intermediate > 0 ? e.shared_intermediate : e.shared_experts * e.expert_intermediate;
    c.dense_body += mlp_params(m, shared) + d * e.experts;  // shared experts + router
    routed_total += e.experts * c.per_expert;
    routed_active += e.experts_per_token * c.per_expert;
  });
  c.dense_body += d;  // final norm
  c.vision = m.vision_params;
  c.total = c.embedding + c.lm_head + c.dense_body + routed_total + c.vision;
  c.active = c.embedding + c.lm_head + c.dense_body + routed_active;
  return c;
}

namespace {

// Per new token, the mixer FLOPs of one layer: attention's QK^T and AV cost 2 FLOPs per
// multiply-add per head over the attended tokens (per earlier token: 4 x heads x width; MLA in
// decode attends over the latent with absorbed projections: kv_lora + rope for QK, kv_lora for
// AV); state layers update and read a fixed state (delta rule: key_dim x value_dim per value
// head; selective scan: head_dim x state_size per head).
double attention_flops_per_context(const Model& m, Mixer mixer) {
  const double width =
      m.mla ? (2.0 * m.mla->kv_lora_rank + m.mla->qk_rope_head_dim) / 2.0 : head_dim_of(m, mixer);
  return 4.0 * m.heads * width;
}
double state_mixer_flops(const Model& m, Mixer mixer) {
  if (mixer == Mixer::linear_attention && m.linear_attention) {
    const auto& a = *m.linear_attention;
    return 6.0 * a.value_heads * a.key_dim * a.value_dim;
  }
  if (mixer == Mixer::mamba && m.mamba) return 6.0 * m.mamba->heads * m.mamba->head_dim * m.mamba->state_size;
  return 0;
}

}  // namespace

ModelFacts derive_facts(const Model& m) {
  ModelFacts f;
  f.params = count_parameters(m);
  f.sliding_window = m.sliding_window;
  for_each_layer(m, [&](const LayerSpec& l) {
    f.tensor_parallel_syncs += (l.mixer != Mixer::none) + (l.mlp != Mlp::none);
    if (l.mixer == Mixer::full_attention) {
      f.full_attention_layers++;
      f.full_kv_values_per_token += kv_values_per_layer(m, l.mixer);
      f.full_attention_flops_per_context += attention_flops_per_context(m, l.mixer);
    } else if (l.mixer == Mixer::sliding_attention) {
      f.sliding_kv_values_per_token += kv_values_per_layer(m, l.mixer);
      f.sliding_attention_flops_per_context += attention_flops_per_context(m, l.mixer);
    } else if (l.mixer == Mixer::linear_attention) {
      f.state_bytes_per_sequence += linear_attention_state_bytes(m);
      f.state_mixer_flops_per_token += state_mixer_flops(m, l.mixer);
    } else if (l.mixer == Mixer::mamba) {
      f.state_bytes_per_sequence += mamba_state_bytes(m);
      f.state_mixer_flops_per_token += state_mixer_flops(m, l.mixer);
    }
  });
  return f;
}

double ModelFacts::kv_bytes_per_sequence(double context, double element_bytes) const {
  const double windowed = sliding_window > 0 ? std::min<double>(context, sliding_window) : context;
  return (full_kv_values_per_token * context + sliding_kv_values_per_token * windowed) * element_bytes +
         state_bytes_per_sequence;
}

double ModelFacts::attention_flops_per_token(double context) const {
  const double windowed = sliding_window > 0 ? std::min<double>(context, sliding_window) : context;
  return full_attention_flops_per_context * context + sliding_attention_flops_per_context * windowed +
         state_mixer_flops_per_token;
}

int full_attention_layers(const Model& m) {
  return derive_facts(m).full_attention_layers;
}
int tensor_parallel_syncs(const Model& m) {
  return derive_facts(m).tensor_parallel_syncs;
}
double kv_bytes_per_token(const Model& m, double element_bytes) {
  return derive_facts(m).full_kv_values_per_token * element_bytes;
}
double sliding_kv_bytes_per_token(const Model& m, double element_bytes) {
  return derive_facts(m).sliding_kv_values_per_token * element_bytes;
}
double state_bytes_per_sequence(const Model& m) {
  return derive_facts(m).state_bytes_per_sequence;
}
double kv_bytes_per_sequence(const Model& m, double context, double element_bytes) {
  return derive_facts(m).kv_bytes_per_sequence(context, element_bytes);
}
double attention_flops_per_token(const Model& m, double context) {
  return derive_facts(m).attention_flops_per_token(context);
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
  m.checkpoint_dtype = "bfloat16";
  return m;
}

}  // namespace llmhw
