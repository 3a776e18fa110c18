#pragma once
// The architecture of a transformer as far as memory and FLOPs are concerned.
#include <optional>
#include <string>
#include <vector>

#include "llmhw/precision.hpp"

namespace llmhw {

// Mixture-of-experts MLP (Mixtral, Qwen3-MoE, DeepSeek-V3, gpt-oss, Llama 4).
struct MoeShape {
  int experts = 0;              // routed experts per MoE layer
  int experts_per_token = 0;    // routed experts each token uses (top-k)
  int shared_experts = 0;       // experts every token uses
  int expert_intermediate = 0;  // intermediate size of one routed expert
  int shared_intermediate = 0;  // intermediate size of all shared experts together
  int dense_layers = 0;         // leading layers with a dense MLP instead (first_k_dense_replace, ...)
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

// Gated DeltaNet linear attention (Qwen3.5 / Qwen3-Next "linear_attention" layers).
struct LinearAttentionShape {
  int key_heads = 0, value_heads = 0, key_dim = 0, value_dim = 0, conv_kernel = 4;
  double state_element_bytes = 4;  // the recurrent state's precision (mamba_ssm_dtype)
};

// Mamba-2 mixer (Nemotron-H "M" layers).
struct MambaShape {
  int heads = 0, head_dim = 0, groups = 1, state_size = 0, conv_kernel = 4;
  double state_element_bytes = 4;  // mamba_ssm_cache_dtype
};

enum class Mixer { none, full_attention, sliding_attention, linear_attention, mamba };
enum class Mlp { none, dense, moe, dense_and_moe };
// One decoder block: a token mixer and an MLP, either of which a hybrid pattern may omit.
struct LayerSpec {
  Mixer mixer = Mixer::full_attention;
  Mlp mlp = Mlp::dense;
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
  // Uniform description of the layer pattern, used when `plan` is empty: of `layers`, how many
  // use a sliding window or a fixed-size state instead of full attention.
  int sliding_layers = 0;
  int sliding_window = 0;
  int state_layers = 0;
  double state_bytes_per_layer = 0;  // per sequence, when no linear_attention shape is given
  // Full-attention layers with their own shape (Gemma 4 global layers); 0 = same as the others.
  int global_head_dim = 0;
  int global_kv_heads = 0;
  bool global_shared_kv_projection = false;  // global layers use one projection for K and V (Gemma 4)
  bool attention_output_gate = false;        // q_proj also yields a gate (Qwen3.5)
  std::optional<LinearAttentionShape> linear_attention;
  std::optional<MambaShape> mamba;
  double vision_params = 0;  // multimodal encoder and projector: memory only, not decode
  // Multi-token-prediction layers (num_nextn_predict_layers, mtp_num_hidden_layers): not in the
  // counts above; speculative decoding with --speculative mtp uses them (speculative.hpp).
  int mtp_layers = 0;
  std::vector<LayerSpec> plan;  // explicit per-layer plan (hybrid models); empty = uniform
  // The checkpoint as published: "bfloat16", and e.g. "fp8", "mxfp4", "nvfp4" when quantized.
  std::string checkpoint_dtype;
  std::string quantization_method;
  std::optional<Precision> checkpoint_precision;  // of the quantized weights, if any
  // The KV cache quantization the checkpoint declares (ModelOpt kv_cache_quant_algo,
  // llm-compressor kv_cache_scheme), if any.
  std::optional<Precision> checkpoint_kv_precision;
  std::vector<std::string> warnings;  // features modelled approximately, with the assumption
};

// The per-layer plan: `plan` when given, else derived from the uniform fields.
std::vector<LayerSpec> layer_plan(const Model& model);

// Parameter counts derived from the shape; the split is what the estimator needs.
struct ParameterCount {
  double total = 0;
  double active = 0;      // used per token (MoE: top-k routed + shared experts); no vision encoder
  double embedding = 0;   // input embedding table (one row read per token)
  double lm_head = 0;     // output projection, 0 when tied to the embedding
  double per_expert = 0;  // one routed expert of one layer
  int moe_layers = 0;
  double dense_body = 0;  // mixers, dense MLPs, shared experts, routers and norms of all layers
  double vision = 0;      // multimodal encoder (in total, not in active)
};

ParameterCount count_parameters(const Model& model);

// Everything the estimator needs from a model's layer plan, derived in one pass over the layers.
// The search evaluates thousands of deployments of one model; deriving these once per model
// instead of once per formula is what keeps `recommend` in milliseconds (docs/performance.md).
struct ModelFacts {
  ParameterCount params;
  int full_attention_layers = 0;
  int tensor_parallel_syncs = 0;                // all-reduces per step: one after every mixer and every MLP
  double full_kv_values_per_token = 0;          // K and V values (or MLA latent) in full-attention layers
  double sliding_kv_values_per_token = 0;       // the same in sliding-window layers
  double state_bytes_per_sequence = 0;          // linear-attention and Mamba state
  double full_attention_flops_per_context = 0;  // per new token and earlier token, full layers
  double sliding_attention_flops_per_context = 0;  // the same in sliding layers (up to the window)
  double state_mixer_flops_per_token = 0;          // recurrent updates of state layers
  int sliding_window = 0;

  double kv_bytes_per_sequence(double context, double element_bytes) const;
  double attention_flops_per_token(double context) const;
};
ModelFacts derive_facts(const Model& model);

// Shorthands for one fact of a model (each derives the facts; call derive_facts once in loops).
int full_attention_layers(const Model& model);
int tensor_parallel_syncs(const Model& model);
// KV bytes one token adds to the cache in full-attention layers, at `element_bytes` per value.
double kv_bytes_per_token(const Model& model, double element_bytes);
// KV bytes one token adds in sliding-window layers (until the window is full).
double sliding_kv_bytes_per_token(const Model& model, double element_bytes);
// Fixed per-sequence state of linear-attention and Mamba layers, in bytes.
double state_bytes_per_sequence(const Model& model);
// KV and state bytes of one sequence of `context` tokens: full layers grow with the context,
// sliding-window layers stop at the window, state layers hold a fixed state.
double kv_bytes_per_sequence(const Model& model, double context, double element_bytes);
// FLOPs of the token mixers for one new token with `context` earlier tokens (attention's QK and
// AV; the recurrent update of state layers).
double attention_flops_per_token(const Model& model, double context);

// A dense Llama-style model of about `params` parameters (docs/estimation.md "Model sizes").
Model model_from_size(double params);

}  // namespace llmhw
