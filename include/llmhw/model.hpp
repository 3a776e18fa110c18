#pragma once
// The architecture of a transformer as far as memory and FLOPs are concerned.
#include <optional>
#include <string>
#include <vector>

namespace llmhw {

// Mixture-of-experts MLP (Mixtral, Qwen3-MoE, DeepSeek-V3, gpt-oss, Llama 4).
struct MoeShape {
  int experts = 0;              // routed experts per MoE layer
  int experts_per_token = 0;    // routed experts each token uses (top-k)
  int shared_experts = 0;       // experts every token uses
  int expert_intermediate = 0;  // intermediate size of one routed expert
  int shared_intermediate = 0;  // intermediate size of all shared experts together
  int dense_layers = 0;         // layers with a dense MLP instead (first_k_dense_replace, ...)
  int layer_step = 1;           // every n-th layer is MoE (Llama 4 Maverick: 2)
};

// Multi-head latent attention (DeepSeek-V2/V3): the KV cache holds a compressed latent.
struct MlaShape {
  int kv_lora_rank = 0;
  int q_lora_rank = 0;  // 0 = queries are not low-rank
  int qk_rope_head_dim = 0;
  int qk_nope_head_dim = 0;
  int v_head_dim = 0;
};

struct Model {
  std::string id, name;
  int layers = 0;
  int hidden = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int intermediate = 0;  // dense MLP intermediate size
  int vocab = 0;
  bool tied_embeddings = false;
  bool gated_mlp = true;  // SwiGLU-style: three matrices per MLP (gate, up, down)
  std::optional<MoeShape> moe;
  std::optional<MlaShape> mla;
  // Layer pattern: of `layers`, how many use a sliding window or a fixed-size state
  // (linear attention / Mamba) instead of full attention.
  int sliding_layers = 0;
  int sliding_window = 0;
  int state_layers = 0;
  double state_bytes_per_layer = 0;   // per sequence, at the state's own precision
  std::vector<std::string> warnings;  // features modelled approximately, with the assumption
};

// Parameter counts derived from the shape; the split is what the estimator needs.
struct ParameterCount {
  double total = 0;
  double active = 0;      // used per token (MoE: top-k routed + shared experts)
  double embedding = 0;   // input embedding table (one row read per token)
  double lm_head = 0;     // output projection, 0 when tied to the embedding
  double per_expert = 0;  // one routed expert of one layer
  int moe_layers = 0;
  double dense_body = 0;  // attention, dense MLPs, shared experts, routers and norms of all layers
};

ParameterCount count_parameters(const Model& model);

int full_attention_layers(const Model& model);
// KV bytes one token adds to the cache in full-attention layers, at `element_bytes` per value.
double kv_bytes_per_token(const Model& model, double element_bytes);
// KV and state bytes of one sequence of `context` tokens: full layers grow with the context,
// sliding-window layers stop at the window, state layers hold a fixed state.
double kv_bytes_per_sequence(const Model& model, double context, double element_bytes);
// Attention FLOPs of one new token attending to `context` earlier tokens (QK and AV).
double attention_flops_per_token(const Model& model, double context);

// A dense Llama-style model of about `params` parameters (docs/estimation.md "Model sizes").
Model model_from_size(double params);

}  // namespace llmhw
