// `llmhw models list` and `models show`: what llmhw derives from a model's config.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "llmhw/estimate.hpp"
#include "llmhw/render.hpp"
#include "llmhw/render_models.hpp"
#include "llmhw/text.hpp"
#include "render/columns.hpp"
#include "render/rows.hpp"
#include "render/style.hpp"

namespace llmhw::render {
namespace {

using nlohmann::ordered_json;

// Layers by mixer and by MLP: the layer pattern in counts.
std::map<std::string, int> pattern_counts(const Model& m) {
  std::map<std::string, int> counts;
  for (const LayerSpec& l : layer_plan(m)) {
    switch (l.mixer) {
      case Mixer::full_attention:
        counts["full_attention"]++;
        break;
      case Mixer::sliding_attention:
        counts["sliding_attention"]++;
        break;
      case Mixer::linear_attention:
        counts["linear_attention"]++;
        break;
      case Mixer::mamba:
        counts["mamba"]++;
        break;
      case Mixer::none:
        break;
    }
    switch (l.mlp) {
      case Mlp::dense:
        counts["dense_mlp"]++;
        break;
      case Mlp::moe:
        counts["moe_mlp"]++;
        break;
      case Mlp::dense_and_moe:
        counts["dense_and_moe_mlp"]++;
        break;
      case Mlp::none:
        break;
    }
  }
  return counts;
}

double weights_gb(const Model& m, Precision p) {
  Deployment d;
  d.model = &m;
  d.weights = p;
  return model_weight_bytes(d) / 1e9;
}

ordered_json model_object(const ModelInfo& info) {
  const Model& m = *info.model;
  const ParameterCount c = count_parameters(m);
  ordered_json weights = ordered_json::object();
  for (Precision p : {Precision::bf16, Precision::fp8, Precision::int8, Precision::int4, Precision::fp4}) {
    weights[std::string(to_string(p))] = std::round(weights_gb(m, p) * 100) / 100;
  }
  ordered_json pattern = ordered_json::object();
  for (const auto& [k, v] : pattern_counts(m)) pattern[k] = v;
  ordered_json out = {
      {"id", m.id},
      {"name", m.name},
      {"source", info.source},
      {"hf_id", info.hf_id},
      {"aliases", info.aliases},
      {"total_parameters", std::llround(c.total)},
      {"active_parameters", std::llround(c.active)},
      {"vision_parameters", std::llround(c.vision)},
      {"published_total_parameters",
       info.published_total ? ordered_json(std::llround(*info.published_total)) : ordered_json()},
      {"published_active_parameters",
       info.published_active ? ordered_json(std::llround(*info.published_active)) : ordered_json()},
      {"layers", m.layers},
      {"hidden_size", m.hidden},
      {"attention_heads", m.heads},
      {"kv_heads", m.kv_heads},
      {"head_dim", m.head_dim},
      {"vocab_size", m.vocab},
      {"tied_embeddings", m.tied_embeddings},
      {"layer_pattern", pattern},
      {"features", model_features(m)},
      {"kv_cache_bytes_per_token", std::llround(kv_bytes_per_token(m, 2.0))},
      {"sliding_kv_cache_bytes_per_token", std::llround(sliding_kv_bytes_per_token(m, 2.0))},
      {"sliding_window", m.sliding_window > 0 ? ordered_json(m.sliding_window) : ordered_json()},
      {"state_bytes_per_sequence", std::llround(state_bytes_per_sequence(m))},
      {"weights_gb", weights},
      {"checkpoint",
       {{"dtype", m.checkpoint_dtype},
        {"quantization_method", m.quantization_method},
        {"precision", m.checkpoint_precision ? ordered_json(std::string(to_string(*m.checkpoint_precision)))
                                             : ordered_json()}}},
      {"warnings", m.warnings}};
  if (m.moe) {
    out["moe"] = {{"experts", m.moe->experts},
                  {"experts_per_token", m.moe->experts_per_token},
                  {"shared_experts", m.moe->shared_experts},
                  {"expert_intermediate_size", m.moe->expert_intermediate},
                  {"moe_layers", c.moe_layers}};
  }
  if (m.mla) {
    out["mla"] = {{"kv_lora_rank", m.mla->kv_lora_rank},
                  {"q_lora_rank", m.mla->q_lora_rank},
                  {"qk_rope_head_dim", m.mla->qk_rope_head_dim},
                  {"qk_nope_head_dim", m.mla->qk_nope_head_dim},
                  {"v_head_dim", m.mla->v_head_dim}};
  }
  return out;
}

}  // namespace

std::vector<std::string> model_features(const Model& m) {
  std::vector<std::string> f;
  const auto counts = pattern_counts(m);
  if (m.moe) f.push_back(fmt::format("MoE {}x top-{}", m.moe->experts, m.moe->experts_per_token));
  if (m.mla) f.push_back("MLA");
  if (!m.mla && m.kv_heads < m.heads) f.push_back(fmt::format("GQA {}/{}", m.kv_heads, m.heads));
  if (counts.count("sliding_attention")) f.push_back(fmt::format("sliding window {}", m.sliding_window));
  if (counts.count("linear_attention")) f.push_back("linear attention");
  if (counts.count("mamba")) f.push_back("Mamba");
  if (m.vision_params > 0) f.push_back("vision");
  if (m.checkpoint_precision) f.push_back(std::string(to_string(*m.checkpoint_precision)) + " checkpoint");
  return f;
}

std::string model_show_json(const ModelInfo& info) {
  ordered_json out = {{"schema_version", kSchemaVersion}, {"model", model_object(info)}};
  return out.dump(2) + "\n";
}

std::string models_list_json(const std::vector<ModelInfo>& models) {
  ordered_json list = ordered_json::array();
  for (const auto& info : models) list.push_back(model_object(info));
  ordered_json out = {{"schema_version", kSchemaVersion}, {"models", list}};
  return out.dump(2) + "\n";
}

Rows model_show_rows(const ModelInfo& info) {
  const Model& m = *info.model;
  const ParameterCount c = count_parameters(m);
  std::vector<std::vector<std::string>> rows;
  auto add = [&](std::string k, std::string v) { rows.push_back({std::move(k), std::move(v)}); };
  add("id", m.id);
  add("name", m.name);
  if (!info.hf_id.empty()) add("hugging face", info.hf_id);
  add("source", info.source);
  add("parameters",
      fmt::format("{} total, {} active per token{}", text::params(c.total), text::params(c.active),
                  c.vision > 0 ? fmt::format(" ({} vision encoder)", text::params(c.vision)) : ""));
  if (info.published_total) {
    add("published", fmt::format("{} total, {} active", text::params(*info.published_total),
                                 text::params(info.published_active.value_or(*info.published_total))));
  }
  add("shape",
      fmt::format("{} layers, hidden {}, {} heads ({} KV) x {}, vocab {}{}", m.layers, m.hidden, m.heads,
                  m.kv_heads, m.head_dim, m.vocab, m.tied_embeddings ? ", tied embeddings" : ""));
  std::string pattern;
  for (const auto& [k, v] : pattern_counts(m))
    pattern += (pattern.empty() ? "" : ", ") + fmt::format("{} {}", v, k);
  add("layer pattern", pattern);
  add("features", fmt::format("{}", fmt::join(model_features(m), ", ")));
  add("KV cache (16-bit)",
      fmt::format("{} bytes/token in full-attention layers", text::grouped(kv_bytes_per_token(m, 2))));
  if (m.sliding_window > 0 && sliding_kv_bytes_per_token(m, 2) > 0) {
    add("", fmt::format("+ {} bytes/token in sliding layers, up to {} tokens",
                        text::grouped(sliding_kv_bytes_per_token(m, 2)), m.sliding_window));
  }
  if (state_bytes_per_sequence(m) > 0) {
    add("", fmt::format("+ {} fixed state per sequence", text::gb(state_bytes_per_sequence(m) / 1e9)));
  }
  std::string weights;
  for (Precision p : {Precision::bf16, Precision::fp8, Precision::int4, Precision::fp4}) {
    weights += (weights.empty() ? "" : ", ") + fmt::format("{} {}", to_string(p), text::gb(weights_gb(m, p)));
  }
  add("weights", weights);
  if (!m.checkpoint_dtype.empty() || !m.quantization_method.empty()) {
    add("checkpoint",
        m.checkpoint_dtype + (m.quantization_method.empty() ? "" : ", quantized: " + m.quantization_method));
  }
  if (!info.aliases.empty()) add("aliases", fmt::format("{}", fmt::join(info.aliases, ", ")));
  for (const auto& w : m.warnings) add("warning", w);
  return rows;
}

std::string model_show_table(const ModelInfo& info) {
  return aligned(model_show_rows(info));
}

Rows models_list_rows(const std::vector<ModelInfo>& models) {
  Rows rows = {{"id", "total", "active", "KV/token", "features"}};
  for (const auto& info : models) {
    const Model& m = *info.model;
    const ParameterCount c = count_parameters(m);
    rows.push_back({m.id, text::params(c.total), text::params(c.active),
                    text::grouped(kv_bytes_per_token(m, 2) / 1024) + " KiB",
                    fmt::format("{}", fmt::join(model_features(m), ", "))});
  }
  return rows;
}

std::string models_list_table(const std::vector<ModelInfo>& models, const Style& style) {
  return list_table(
      models_list_rows(models), style,
      fmt::format("{} models; `llmhw models show ID` for details, --model SIZE (e.g. 70b) for a "
                  "Llama-style model of any size.",
                  models.size()));
}

}  // namespace llmhw::render
