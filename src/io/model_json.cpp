// Models: Hugging Face config.json files and the catalog in data/models/ that embeds them.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "io/json_reader.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::io {
namespace {

// The first of several names configs use for one field.
const char* first_present(const JsonReader& r, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (r.has(n)) return n;
  }
  return nullptr;
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
      r.has("moe_intermediate_size") ? r.integer("moe_intermediate_size", 1, 1 << 24) : m.intermediate;
  e.shared_experts = r.integer_or("n_shared_experts", 0, 1024, 0);
  if (r.has("shared_expert_intermediate_size")) {
    e.shared_intermediate = r.integer("shared_expert_intermediate_size", 0, 1 << 24);
  } else if (r.has("moe_shared_expert_intermediate_size")) {
    e.shared_intermediate = r.integer("moe_shared_expert_intermediate_size", 0, 1 << 24);
  }
  e.dense_layers = r.integer_or("first_k_dense_replace", 0, m.layers, 0);
  e.layer_step = r.integer_or(
      "interleave_moe_layer_step", 1, m.layers,
      r.integer_or("moe_layer_freq", 1, m.layers, r.integer_or("decoder_sparse_step", 1, m.layers, 1)));
  if (r.has("intermediate_size_mlp")) {
    // Llama 4: `intermediate_size` is the expert's, `intermediate_size_mlp` the dense layers', and
    // every MoE layer has one shared expert of the expert's size (modeling_llama4.py).
    m.intermediate = r.integer("intermediate_size_mlp", 1, 1 << 24);
    e.shared_experts = 1;
    e.shared_intermediate = e.expert_intermediate;
  }
  if (r.has("mlp_only_layers") && r.array_size("mlp_only_layers") > 0) {
    m.warnings.push_back("mlp_only_layers is not modelled: those layers are counted as MoE layers");
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

// Gated DeltaNet (Qwen3.5 "linear_attention") state per sequence: one value_dim x key_dim
// matrix per value head, plus the causal-convolution window over q, k and v.
double linear_attention_state_bytes(const JsonReader& r) {
  const double v_heads = r.integer("linear_num_value_heads", 1, 1 << 16);
  const double k_heads = r.integer("linear_num_key_heads", 1, 1 << 16);
  const double k_dim = r.integer("linear_key_head_dim", 1, 1 << 16);
  const double v_dim = r.integer("linear_value_head_dim", 1, 1 << 16);
  const double conv = r.integer_or("linear_conv_kernel_dim", 1, 64, 4);
  const double state_bytes = r.string_or("mamba_ssm_dtype", "bfloat16") == "float32" ? 4.0 : 2.0;
  return v_heads * k_dim * v_dim * state_bytes + (conv - 1) * (2 * k_heads * k_dim + v_heads * v_dim) * 2.0;
}

void read_layer_types(const JsonReader& r, Model& m) {
  if (!r.has("layer_types")) return;
  const size_t n = r.array_size("layer_types");
  if (n != static_cast<size_t>(m.layers))
    r.fail("layer_types", fmt::format("has {} entries for {} layers", n, m.layers));
  const std::vector<std::string> types = r.strings_or_empty("layer_types");
  for (const std::string& t : types) {
    if (t == "sliding_attention") {
      m.sliding_layers++;
    } else if (t == "linear_attention") {
      m.state_layers++;
    } else if (t != "full_attention") {
      r.fail("layer_types", fmt::format("unknown layer type '{}'", t));
    }
  }
  if (m.sliding_layers > 0) m.sliding_window = r.integer("sliding_window", 1, 1 << 30);
  if (m.state_layers > 0) {
    m.state_bytes_per_layer = linear_attention_state_bytes(r);
    m.warnings.push_back("linear-attention layers: parameters counted as full attention layers");
  }
}

void warn_unmodelled(const JsonReader& r, Model& m) {
  if (r.has("hybrid_override_pattern")) {
    r.fail("hybrid_override_pattern", "Mamba hybrid layer patterns (Nemotron-H) are not modelled yet");
  }
  if (r.has("attention_chunk_size")) {
    m.warnings.push_back(
        "chunked local attention (attention_chunk_size) is modelled as full attention: "
        "KV cache is overestimated for long contexts");
  }
  if (r.has("global_head_dim") || r.has("num_global_key_value_heads")) {
    m.warnings.push_back(
        "global layers' own head_dim / KV heads are not modelled: all attention layers use "
        "head_dim and num_key_value_heads");
  }
}

Model read_config(const JsonReader& top) {
  const JsonReader r = top.has("text_config") ? top.object("text_config") : top;
  Model m;
  m.layers = r.integer("num_hidden_layers", 1, 10000);
  m.hidden = r.integer("hidden_size", 1, 1 << 20);
  m.heads = r.integer("num_attention_heads", 1, 1 << 16);
  m.kv_heads = r.integer_or("num_key_value_heads", 1, m.heads, m.heads);
  m.head_dim = r.integer_or("head_dim", 1, 1 << 16, m.hidden / m.heads);
  // Pure-MoE configs (Qwen3.5) have no dense intermediate size; read_moe needs one only as the
  // expert size of configs without moe_intermediate_size.
  m.intermediate = r.integer_or("intermediate_size", 1, 1 << 24, 0);
  m.vocab = r.integer("vocab_size", 1, 1 << 24);
  // PretrainedConfig's default for tie_word_embeddings is true.
  m.tied_embeddings = r.boolean_or("tie_word_embeddings", top.boolean_or("tie_word_embeddings", true));
  read_moe(r, m);
  if (m.intermediate == 0 && (!m.moe || m.moe->expert_intermediate == 0))
    r.fail("intermediate_size", "missing");
  read_mla(r, m);
  read_layer_types(r, m);
  warn_unmodelled(r, m);
  return m;
}

}  // namespace

Model load_hf_config(const std::filesystem::path& path) {
  const std::string file = path.string();
  const nlohmann::json doc = parse_json(read_text_file(path), file);
  JsonReader r(doc, file);
  if (!doc.is_object()) r.fail_here("expected a JSON object");
  Model m = read_config(r);
  m.id = path.stem().string();
  m.name = path.filename().string();
  return m;
}

std::vector<CatalogModel> list_model_catalog(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw data_error(fmt::format("{}: not a directory", dir.string()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
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
