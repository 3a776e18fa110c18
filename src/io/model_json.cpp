// Models: Hugging Face config.json files and the catalog in data/models/ that embeds them.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "io/json_reader.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::io {
namespace {

constexpr int kMaxDim = 1 << 24;

// The first of several names configs use for one field.
const char* first_present(const JsonReader& r, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (r.has(n)) return n;
  }
  return nullptr;
}

// The first present name, or the first name (so that an error names the usual field).
const char* name_of(const JsonReader& r, std::initializer_list<const char*> names) {
  const char* present = first_present(r, names);
  return present ? present : *names.begin();
}

double dtype_bytes(const std::string& dtype) {
  return dtype == "float32" ? 4.0 : 2.0;
}

void read_moe(const JsonReader& r, Model& m) {
  const char* experts_key = first_present(r, {"num_local_experts", "n_routed_experts", "num_experts"});
  if (!experts_key) return;
  MoeShape e;
  e.experts = r.integer(experts_key, 1, 100000);
  const char* k_key = first_present(r, {"num_experts_per_tok", "experts_per_token", "top_k_experts"});
  if (!k_key) r.fail("num_experts_per_tok", "missing for a mixture-of-experts model");
  e.experts_per_token = r.integer(k_key, 1, e.experts);
  e.expert_intermediate =
      r.has("moe_intermediate_size") ? r.integer("moe_intermediate_size", 1, kMaxDim) : m.intermediate;
  if (e.expert_intermediate == 0) r.fail("moe_intermediate_size", "missing (no intermediate_size either)");
  e.shared_experts = r.integer_or("n_shared_experts", 0, 1024, 0);
  if (const char* key =
          first_present(r, {"shared_expert_intermediate_size", "moe_shared_expert_intermediate_size"})) {
    e.shared_intermediate = r.integer(key, 0, kMaxDim);
  }
  e.dense_layers = r.integer_or("first_k_dense_replace", 0, m.layers, 0);
  const char* step_key =
      first_present(r, {"interleave_moe_layer_step", "moe_layer_freq", "decoder_sparse_step"});
  e.layer_step = step_key ? r.integer(step_key, 1, m.layers) : 1;
  if (r.has("intermediate_size_mlp")) {
    // Llama 4: `intermediate_size` is the expert's, `intermediate_size_mlp` the dense layers', and
    // every MoE layer has one shared expert of the expert's size (modeling_llama4.py).
    m.intermediate = r.integer("intermediate_size_mlp", 1, kMaxDim);
    e.shared_experts = 1;
    e.shared_intermediate = e.expert_intermediate;
  }
  m.moe = e;
}

void read_mla(const JsonReader& r, Model& m) {
  if (!r.has("kv_lora_rank")) return;
  MlaShape a;
  a.kv_lora_rank = r.integer("kv_lora_rank", 1, 1 << 20);
  a.q_lora_rank = r.has("q_lora_rank") ? r.integer("q_lora_rank", 0, 1 << 20) : 0;
  a.qk_rope_head_dim = r.integer("qk_rope_head_dim", 0, 1 << 16);
  a.qk_nope_head_dim = r.integer("qk_nope_head_dim", 0, 1 << 16);
  a.v_head_dim = r.integer("v_head_dim", 1, 1 << 16);
  m.mla = a;
}

void read_state_shapes(const JsonReader& r, Model& m) {
  if (r.has("linear_num_value_heads")) {
    LinearAttentionShape a;
    a.value_heads = r.integer("linear_num_value_heads", 1, 1 << 16);
    a.key_heads = r.integer("linear_num_key_heads", 1, 1 << 16);
    a.key_dim = r.integer("linear_key_head_dim", 1, 1 << 16);
    a.value_dim = r.integer("linear_value_head_dim", 1, 1 << 16);
    a.conv_kernel = r.integer_or("linear_conv_kernel_dim", 1, 64, 4);
    a.state_element_bytes = dtype_bytes(r.string_or("mamba_ssm_dtype", "bfloat16"));
    m.linear_attention = a;
  }
  if (r.has("mamba_num_heads")) {
    MambaShape s;
    s.heads = r.integer("mamba_num_heads", 1, 1 << 16);
    s.head_dim = r.integer("mamba_head_dim", 1, 1 << 16);
    s.groups = r.integer_or("n_groups", 1, 1 << 16, 1);
    s.state_size = r.integer("ssm_state_size", 1, 1 << 16);
    s.conv_kernel = r.integer_or("conv_kernel", 1, 64, 4);
    s.state_element_bytes = dtype_bytes(r.string_or("mamba_ssm_cache_dtype", "float32"));
    m.mamba = s;
  }
}

// The MLP of layer i in a standard (non-hybrid) stack.
Mlp mlp_of_layer(const Model& m, const std::vector<int>& mlp_only, bool dense_and_moe, int i) {
  if (!m.moe || std::find(mlp_only.begin(), mlp_only.end(), i) != mlp_only.end()) return Mlp::dense;
  if (dense_and_moe) return Mlp::dense_and_moe;
  const MoeShape& e = *m.moe;
  if (i < e.dense_layers) return Mlp::dense;
  return (i - e.dense_layers) % e.layer_step == e.layer_step - 1 ? Mlp::moe : Mlp::dense;
}

// A layer type llmhw does not know is modelled as full attention (the most memory it could
// need), with a warning that names it.
Mixer mixer_of_type(const std::string& type, Model& m) {
  if (type == "full_attention") return Mixer::full_attention;
  if (type == "sliding_attention") return Mixer::sliding_attention;
  if (type == "linear_attention") return Mixer::linear_attention;
  const std::string warning = fmt::format("layer type '{}' is not modelled: counted as full attention", type);
  if (std::find(m.warnings.begin(), m.warnings.end(), warning) == m.warnings.end())
    m.warnings.push_back(warning);
  return Mixer::full_attention;
}

// Nemotron-H's hybrid_override_pattern: one character per block, M = Mamba-2 mixer,
// * = attention, - = dense MLP, E = MoE MLP (NemotronHConfig).
std::vector<LayerSpec> hybrid_plan(const JsonReader& r, const Model& m) {
  const std::string pattern = r.string("hybrid_override_pattern");
  if (pattern.size() != static_cast<size_t>(m.layers)) {
    r.fail("hybrid_override_pattern", fmt::format("has {} blocks for {} layers", pattern.size(), m.layers));
  }
  std::vector<LayerSpec> plan;
  for (char c : pattern) {
    switch (c) {
      case 'M':
        plan.push_back({Mixer::mamba, Mlp::none});
        break;
      case '*':
        plan.push_back({Mixer::full_attention, Mlp::none});
        break;
      case '-':
        plan.push_back({Mixer::none, Mlp::dense});
        break;
      case 'E':
        plan.push_back({Mixer::none, Mlp::moe});
        break;
      default:
        r.fail("hybrid_override_pattern", fmt::format("unknown block '{}'", c));
    }
  }
  if (!m.mamba &&
      std::any_of(plan.begin(), plan.end(), [](const LayerSpec& l) { return l.mixer == Mixer::mamba; })) {
    r.fail("mamba_num_heads", "missing for Mamba (M) blocks");
  }
  return plan;
}

std::vector<LayerSpec> layer_plan_of(const JsonReader& r, Model& m) {
  if (r.has("hybrid_override_pattern")) return hybrid_plan(r, m);
  std::vector<int> mlp_only;
  if (r.has("mlp_only_layers")) {
    for (const auto& v : r.raw("mlp_only_layers")) {
      if (!v.is_number_integer()) r.fail("mlp_only_layers", "expected whole numbers");
      mlp_only.push_back(v.get<int>());
    }
  }
  const bool dense_and_moe = r.boolean_or("enable_moe_block", false) && m.intermediate > 0;
  std::vector<std::string> types;
  if (r.has("layer_types")) {
    types = r.strings_or_empty("layer_types");
    if (types.size() != static_cast<size_t>(m.layers)) {
      r.fail("layer_types", fmt::format("has {} entries for {} layers", types.size(), m.layers));
    }
  }
  // Gemma 3 configs without layer_types: every `sliding_window_pattern`-th layer (default 6,
  // Gemma3TextConfig) is global, the others slide.
  const bool gemma3 = r.string_or("model_type", "") == "gemma3_text";
  const int pattern = gemma3 ? r.integer_or("sliding_window_pattern", 1, 1000, 6) : 0;
  std::vector<LayerSpec> plan;
  for (int i = 0; i < m.layers; ++i) {
    Mixer mixer = types.empty() ? Mixer::full_attention : mixer_of_type(types[static_cast<size_t>(i)], m);
    if (types.empty() && pattern > 0 && (i + 1) % pattern != 0) mixer = Mixer::sliding_attention;
    plan.push_back({mixer, mlp_of_layer(m, mlp_only, dense_and_moe, i)});
  }
  return plan;
}

// Transformer vision encoder from a `vision_config`: layers x (attention 4h^2 + MLP 2hi) plus a
// projector into the text model (h x hidden). Approximate, and said so.
void read_vision(const JsonReader& top, Model& m) {
  if (!top.has("vision_config") || !top.raw("vision_config").is_object()) return;
  const JsonReader v = top.object("vision_config");
  const char* layers_key = first_present(v, {"num_hidden_layers", "depth"});
  if (!layers_key || !v.has("hidden_size") || !v.has("intermediate_size")) {
    m.warnings.push_back("vision encoder: vision_config lacks its size; its weights are not counted");
    return;
  }
  const double layers = v.integer(layers_key, 1, 10000);
  const double h = v.integer("hidden_size", 1, kMaxDim);
  const double i = v.integer("intermediate_size", 1, kMaxDim);
  m.vision_params = layers * (4 * h * h + 2 * h * i + 4 * h) + h * m.hidden;
  m.warnings.push_back(
      fmt::format("vision encoder: {:.2f}B parameters estimated from vision_config (memory only; "
                  "image tokens are not modelled)",
                  m.vision_params / 1e9));
}

void read_quantization(const JsonReader& r, Model& m) {
  if (!r.has("quantization_config") || !r.raw("quantization_config").is_object()) return;
  const JsonReader q = r.object("quantization_config");
  m.quantization_method = q.string_or("quant_method", "unknown");
  if (m.quantization_method == "fp8") {
    m.checkpoint_precision = Precision::fp8;
  } else if (m.quantization_method == "mxfp4") {
    m.checkpoint_precision = Precision::fp4;
  } else if (m.quantization_method == "awq" || m.quantization_method == "gptq") {
    m.checkpoint_precision = q.integer_or("bits", 1, 16, 4) == 8 ? Precision::int8 : Precision::int4;
  } else {
    m.warnings.push_back(
        fmt::format("quantization method '{}' is not recognised: weights assumed 16-bit unless "
                    "--precision says otherwise",
                    m.quantization_method));
  }
}

// llm-compressor's kv_cache_scheme ({"num_bits": 8, "type": "float"}): an fp8 (or int8) KV cache
// with per-tensor scales in the checkpoint.
void read_kv_scheme(const JsonReader& r, Model& m) {
  if (!r.has("quantization_config") || !r.raw("quantization_config").is_object()) return;
  const JsonReader q = r.object("quantization_config");
  if (!q.has("kv_cache_scheme") || !q.raw("kv_cache_scheme").is_object()) return;
  const JsonReader kv = q.object("kv_cache_scheme");
  if (kv.integer_or("num_bits", 1, 64, 16) != 8) return;
  m.checkpoint_kv_precision = kv.string_or("type", "float") == "int" ? Precision::int8 : Precision::fp8;
}

void warn_unmodelled(const JsonReader& r, Model& m) {
  if (r.has("attention_chunk_size")) {
    m.warnings.push_back(
        "chunked local attention (attention_chunk_size) is modelled as full attention: "
        "KV cache is overestimated for long contexts");
  }
  if (const char* key = first_present(r, {"num_nextn_predict_layers", "mtp_num_hidden_layers"})) {
    m.mtp_layers = r.integer(key, 0, 64);
    m.warnings.push_back(
        fmt::format("multi-token-prediction layers ({}) are not counted unless --speculative mtp "
                    "uses them",
                    key));
  }
}

bool tied_default(const JsonReader& top, const JsonReader& text) {
  // PretrainedConfig defaults to tied embeddings, but the decoder configs llmhw reads (Llama,
  // Mistral, Qwen, DeepSeek, ...) default to untied in their own __init__; Gemma and Falcon tie.
  const std::string type = text.string_or("model_type", top.string_or("model_type", ""));
  return type.rfind("gemma", 0) == 0 || type == "falcon";
}

Model read_config(const JsonReader& top) {
  const JsonReader r = top.has("text_config") ? top.object("text_config") : top;
  Model m;
  // Llama-style names first; GPT-J / GPT-2 style (n_layer, n_embd, n_head, n_inner) and Falcon
  // (num_kv_heads, multi_query) where configs use them.
  const std::string type = r.string_or("model_type", top.string_or("model_type", ""));
  m.layers = r.integer(name_of(r, {"num_hidden_layers", "n_layer"}), 1, 10000);
  m.hidden = r.integer(name_of(r, {"hidden_size", "n_embd"}), 1, kMaxDim);
  m.heads = r.integer(name_of(r, {"num_attention_heads", "n_head"}), 1, 1 << 16);
  const char* kv_key = first_present(r, {"num_key_value_heads", "num_kv_heads"});
  m.kv_heads = kv_key ? r.integer(kv_key, 1, m.heads) : (r.boolean_or("multi_query", false) ? 1 : m.heads);
  m.head_dim = r.integer_or("head_dim", 1, 1 << 16, m.hidden / m.heads);
  // Pure-MoE configs (Qwen3.5) have no dense intermediate size; GPT-J's n_inner null means 4 x hidden.
  const bool four_x_mlp = type == "gptj" || type == "falcon" || type == "gpt2";
  m.intermediate = r.integer_or(name_of(r, {"intermediate_size", "n_inner", "ffn_hidden_size"}), 1, kMaxDim,
                                four_x_mlp ? 4 * m.hidden : 0);
  // Gemma 3 checkpoints omit vocab_size and rely on Gemma3TextConfig's default of 262,208.
  m.vocab = r.string_or("model_type", "") == "gemma3_text" ? r.integer_or("vocab_size", 1, kMaxDim, 262208)
                                                           : r.integer("vocab_size", 1, kMaxDim);
  m.tied_embeddings =
      r.boolean_or("tie_word_embeddings", top.boolean_or("tie_word_embeddings", tied_default(top, r)));
  // GPT-J, GPT-2 and Falcon use a plain two-matrix MLP; Nemotron-H's relu2 MLP is not gated either.
  m.gated_mlp = !four_x_mlp && r.string_or("mlp_hidden_act", r.string_or("hidden_act", "silu")) != "relu2";
  m.global_head_dim = r.integer_or("global_head_dim", 1, 1 << 16, 0);
  m.global_kv_heads = r.integer_or("num_global_key_value_heads", 1, 1 << 16, 0);
  m.global_shared_kv_projection = r.boolean_or("attention_k_eq_v", false);
  m.attention_output_gate = r.boolean_or("attn_output_gate", false);
  if (r.has("sliding_window") && r.raw("sliding_window").is_number())
    m.sliding_window = r.integer("sliding_window", 1, 1 << 30);
  m.checkpoint_dtype = r.string_or(
      "torch_dtype", r.string_or("dtype", top.string_or("torch_dtype", top.string_or("dtype", ""))));
  read_moe(r, m);
  if (m.intermediate == 0 && !m.moe) r.fail("intermediate_size", "missing");
  read_mla(r, m);
  // MLA configs carry no head_dim; report the query/key width per head.
  if (m.mla && !r.has("head_dim")) m.head_dim = m.mla->qk_nope_head_dim + m.mla->qk_rope_head_dim;
  read_state_shapes(r, m);
  m.plan = layer_plan_of(r, m);
  const bool has_sliding = std::any_of(
      m.plan.begin(), m.plan.end(), [](const LayerSpec& l) { return l.mixer == Mixer::sliding_attention; });
  if (has_sliding && m.sliding_window == 0) r.fail("sliding_window", "missing for sliding_attention layers");
  if (!m.linear_attention && std::any_of(m.plan.begin(), m.plan.end(), [](const LayerSpec& l) {
        return l.mixer == Mixer::linear_attention;
      })) {
    r.fail("linear_num_value_heads", "missing for linear_attention layers");
  }
  read_vision(top, m);
  read_quantization(top.has("quantization_config") ? top : r, m);
  read_kv_scheme(top.has("quantization_config") ? top : r, m);
  warn_unmodelled(r, m);
  if (top.has("audio_config")) m.warnings.push_back("audio encoder: not counted");
  return m;
}

// A sibling hf_quant_config.json (NVIDIA ModelOpt checkpoints) names the quantization.
void read_sibling_quantization(const std::filesystem::path& config, Model& m) {
  std::filesystem::path sibling = config.parent_path() / "hf_quant_config.json";
  const std::string stem = config.filename().string();
  if (const auto dot = stem.find(".config.json"); dot != std::string::npos) {
    sibling = config.parent_path() / (stem.substr(0, dot) + ".hf_quant_config.json");  // fixtures' naming
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(sibling, ec)) return;
  const nlohmann::json doc = parse_json(read_text_file(sibling), sibling.string());
  const JsonReader r(doc, sibling.string());
  const std::string algo = r.object("quantization").string_or("quant_algo", "");
  m.quantization_method = "modelopt " + algo;
  if (algo == "FP8") m.checkpoint_precision = Precision::fp8;
  if (algo == "NVFP4") m.checkpoint_precision = Precision::fp4;
  if (algo == "W4A16_AWQ" || algo == "W4A8_AWQ") m.checkpoint_precision = Precision::int4;
  const std::string kv = r.object("quantization").string_or("kv_cache_quant_algo", "");
  if (kv == "FP8") m.checkpoint_kv_precision = Precision::fp8;
  if (kv == "INT8") m.checkpoint_kv_precision = Precision::int8;
}

}  // namespace

Model parse_hf_config(const std::string& text, const std::string& name) {
  const nlohmann::json doc = parse_json(text, name);
  JsonReader r(doc, name);
  if (!doc.is_object()) r.fail_here("expected a JSON object");
  Model m = read_config(r);
  m.id = std::filesystem::path(name).filename().string();
  m.name = r.string_or("_name_or_path", m.id);
  return m;
}

Model load_hf_config(const std::filesystem::path& path) {
  Model m = parse_hf_config(read_text_file(path), path.string());
  read_sibling_quantization(path, m);
  return m;
}

std::vector<CatalogModel> list_model_catalog(const std::filesystem::path& dir) {
  const std::vector<std::filesystem::path> files = list_json_files(dir);
  std::vector<CatalogModel> catalog;
  for (const auto& f : files) {
    const std::string file = f.string();
    const nlohmann::json doc = parse_json(read_text_file(f), file);
    JsonReader r(doc, file);
    if (!doc.is_object()) r.fail_here("expected a JSON object");
    CatalogModel c;
    c.id = r.string("id");
    if (c.id != f.stem().string()) r.fail("id", fmt::format("'{}' does not match the file name", c.id));
    c.name = r.string("name");
    c.hf_id = r.string_or("hf_id", "");
    c.aliases = r.strings_or_empty("aliases");
    if (r.has("published")) {
      const JsonReader p = r.object("published");
      c.published_total = p.positive("total_parameters");
      c.published_active = p.optional_positive("active_parameters").value_or(c.published_total);
    }
    r.object("config");
    c.path = f;
    catalog.push_back(std::move(c));
  }
  return catalog;
}

Model load_catalog_model(const CatalogModel& entry) {
  const std::string file = entry.path.string();
  const nlohmann::json doc = parse_json(read_text_file(entry.path), file);
  JsonReader r(doc, file);
  Model m = read_config(r.object("config"));
  m.id = entry.id;
  m.name = entry.name;
  return m;
}

}  // namespace llmhw::io
