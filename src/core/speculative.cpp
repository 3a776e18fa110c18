// Speculative decoding: the drafter, the published acceptance defaults and the drafter's weights
// (docs/estimation.md "Speculative decoding"). The step it changes is in estimate.cpp.
#include "llmhw/speculative.hpp"

#include <algorithm>
#include <cctype>

namespace llmhw {
namespace {

// Mean tokens kept per step when the i-th draft token is accepted with probability p_first for
// i = 1 and p_later for each later one, given all before it were (a chain, as MTP and EAGLE with
// top-k 1 draft): 1 (the target's own token) + p_first (1 + p_later + ... + p_later^(K-1)).
double chain_acceptance(double p_first, double p_later, int k) {
  double kept = 1, reach = p_first;
  for (int i = 1; i <= k; ++i) {
    kept += reach;
    reach *= p_later;
  }
  return kept;
}

std::string family_of(const Model& m) {
  std::string id = m.id;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* f : {"deepseek", "glm", "qwen", "llama", "gpt-oss", "mistral", "mixtral", "gemma"}) {
    if (id.find(f) != std::string::npos) return f;
  }
  return "";
}

}  // namespace

const char* to_string(SpecMethod m) {
  switch (m) {
    case SpecMethod::none:
      return "none";
    case SpecMethod::mtp:
      return "mtp";
    case SpecMethod::eagle:
      return "eagle";
    case SpecMethod::draft:
      return "draft";
  }
  return "?";
}

int default_draft_tokens(SpecMethod m) {
  switch (m) {
    case SpecMethod::mtp:
      return 1;  // DeepSeek-V3 trains one MTP module (depth 1); vLLM's deepseek_mtp examples use 1
    case SpecMethod::eagle:
      return 3;  // SGLang's EAGLE examples: --speculative-num-steps 3, topk 1, 4 draft tokens
    case SpecMethod::draft:
      return 4;  // Chen et al. 2023 (arXiv:2302.01318) draft K = 4 tokens per step
    case SpecMethod::none:
      break;
  }
  return 0;
}

AcceptanceDefault default_acceptance(const Model& target, SpecMethod m, int k) {
  const std::string family = family_of(target);
  AcceptanceDefault d;
  if (m == SpecMethod::mtp) {
    // DeepSeek-V3 technical report (arXiv:2412.19437, sec. 5.4.3): the second token's acceptance
    // rate is 85-90% (0.875 taken). Reused autoregressively beyond depth 1 the module accepts
    // less: the original DeepSeek-V3-0324 MTP module keeps 3.20 tokens per step at K = 7
    // (nebius/MTP-DeepSeek-V3-0324 model card, temperature 0), which a chain with 0.875 first
    // and 0.615 for each later draft token reproduces.
    d.acceptance = chain_acceptance(0.875, 0.615, k);
    d.source =
        "DeepSeek-V3 report (85-90% second-token acceptance), later depths from the DeepSeek-V3 "
        "MTP module's 3.20 tokens/step at K=7";
    if (family != "deepseek")
      d.source += "; no published figure for this family's MTP layers, DeepSeek-V3's used";
  } else if (m == SpecMethod::eagle) {
    // EAGLE-3 (arXiv:2503.01840); the public yuhuili/EAGLE3-LLaMA3.1-Instruct-8B head keeps 2.77
    // tokens per step on MT-bench at K = 7 (and RedHat's Llama-3.3-70B EAGLE-3 head 2.88), as
    // measured in the nebius/EAGLE3-Llama-3.3-70B-Instruct model card: a chain with 0.65 per token.
    d.acceptance = chain_acceptance(0.65, 0.65, k);
    d.source = "EAGLE-3 Llama-3.1-8B head: 2.77 tokens/step on MT-bench at K=7 (0.65 per draft token)";
    if (family != "llama") d.source += "; no published figure for this family, Llama's used";
  } else if (m == SpecMethod::draft) {
    // Leviathan et al. 2023 (arXiv:2211.17192, table 3): drafts 10-100x smaller than the target
    // reach alpha of about 0.5-0.8 per token; 0.6 taken.
    d.acceptance = chain_acceptance(0.6, 0.6, k);
    d.source = "Leviathan et al. 2023: per-token acceptance 0.5-0.8 for small draft models (0.6 taken)";
  }
  return d;
}

bool has_mtp_head(const Model& m) {
  return m.mtp_layers > 0;
}

Model head_drafter(const Model& target, SpecMethod m) {
  Model d = target;
  d.id = target.id + "-" + to_string(m) + "-head";
  d.layers = 1;
  d.sliding_layers = 0;
  d.state_layers = 0;
  d.linear_attention.reset();
  d.mamba.reset();
  d.vision_params = 0;
  const bool moe_layer = m == SpecMethod::mtp && target.moe.has_value();
  if (moe_layer) d.moe->dense_layers = 0;
  // An EAGLE head is one dense Llama-style decoder layer; for a target without a dense MLP width
  // (pure MoE) it is taken as 3 x hidden (an approximation: heads differ per checkpoint).
  if (!moe_layer) {
    d.moe.reset();
    if (d.intermediate <= 0) d.intermediate = 3 * d.hidden;
  }
  d.plan = {LayerSpec{Mixer::full_attention, moe_layer ? Mlp::moe : Mlp::dense}};
  d.mtp_layers = 0;
  d.warnings.clear();
  return d;
}

Speculation make_speculation(const Model& target, SpecMethod m, int draft_tokens,
                             std::optional<double> acceptance, const Model* draft,
                             const std::string& draft_id) {
  Speculation s;
  s.method = m;
  if (m == SpecMethod::none) return s;
  s.draft_tokens = draft_tokens;
  if (acceptance) {
    s.acceptance = *acceptance;
    s.source = "--acceptance";
  } else {
    const AcceptanceDefault d = default_acceptance(target, m, draft_tokens);
    s.acceptance = d.acceptance;
    s.source = d.source;
  }
  if (m == SpecMethod::draft && draft) {
    s.drafter = std::make_shared<const Model>(*draft);
    s.draft_model = draft_id;
    s.shares_embedding = false;
  } else {
    s.drafter = std::make_shared<const Model>(head_drafter(target, m));
  }
  s.drafter_facts = std::make_shared<const ModelFacts>(derive_facts(*s.drafter));
  return s;
}

double drafter_parameters(const Speculation& s) {
  if (!s.active()) return 0;
  const ParameterCount& c = s.drafter_facts->params;
  return s.shares_embedding ? c.total - c.embedding - c.lm_head - c.vision : c.total;
}

}  // namespace llmhw
