#include "cli/speculation_flags.hpp"

#include <fmt/format.h>

#include "cli/model_lookup.hpp"
#include "llmhw/error.hpp"
#include "llmhw/prefix_cache.hpp"
#include "llmhw/text.hpp"
#include "llmhw/units.hpp"

namespace llmhw::cli {
namespace {

constexpr int kMaxDraftTokens = 16;

std::vector<std::string> split_colons(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t colon; (colon = text.find(':', start)) != std::string::npos; start = colon + 1)
    parts.push_back(text.substr(start, colon - start));
  parts.push_back(text.substr(start));
  return parts;
}

int draft_tokens(const std::string& text) {
  long k = 0;
  try {
    k = parse_count(text, "--speculative", kMaxDraftTokens);
  } catch (const Error&) {
    throw usage_error(fmt::format("--speculative: draft tokens K '{}' must be a whole number from 1 to {}",
                                  text, kMaxDraftTokens));
  }
  return static_cast<int>(k);
}

// A share in [0, 1] ("0.5"), for --prefix-cache-hit.
double share_flag(const std::string& text, const char* flag) {
  double v = -1;
  try {
    size_t used = 0;
    v = std::stod(text, &used);
    if (used != text.size()) v = -1;
  } catch (const std::exception&) {
    v = -1;
  }
  if (!(v >= 0 && v <= 1))
    throw usage_error(fmt::format("{}: '{}' is not a share from 0 to 1 (e.g. 0.5)", flag, text));
  return v;
}

}  // namespace

std::optional<Speculation> parse_speculation(const std::string& text, const std::string& acceptance,
                                             const Model& target, const std::filesystem::path& models_dir) {
  if (text.empty()) {
    if (!acceptance.empty()) throw usage_error("--acceptance: needs --speculative METHOD[:K]");
    return std::nullopt;
  }
  if (text == "none" || text == "off") {
    if (!acceptance.empty()) throw usage_error("--acceptance: --speculative none drafts nothing");
    return Speculation{};
  }
  const std::vector<std::string> parts = split_colons(text);
  SpecMethod method = SpecMethod::none;
  std::optional<Model> draft;
  std::string draft_id;
  size_t k_at = 1;
  if (parts[0] == "mtp") {
    method = SpecMethod::mtp;
    if (!has_mtp_head(target)) {
      throw usage_error(
          fmt::format("--speculative: mtp needs multi-token-prediction layers (num_nextn_predict_layers, "
                      "mtp_num_hidden_layers), and {} has none; try eagle or draft:MODEL",
                      target.id.empty() ? std::string("this model") : target.id));
    }
  } else if (parts[0] == "eagle") {
    method = SpecMethod::eagle;
  } else if (parts[0] == "draft") {
    method = SpecMethod::draft;
    if (parts.size() < 2 || parts[1].empty())
      throw usage_error("--speculative: draft needs a draft model: draft:MODEL[:K], e.g. draft:llama-3.2-1b");
    draft_id = parts[1];
    try {
      draft = resolve_model(draft_id, "", models_dir).model;
    } catch (const Error& e) {
      std::string why = e.what();
      if (why.rfind("--model: ", 0) == 0) why = why.substr(9);
      throw Error(e.code(), "--speculative: draft model: " + why);
    }
    k_at = 2;
  } else {
    throw usage_error(fmt::format(
        "--speculative: '{}' is not one of mtp, eagle, draft:MODEL (each with an optional :K), none", text));
  }
  if (parts.size() > k_at + 1)
    throw usage_error(fmt::format("--speculative: '{}' has too many ':' parts (METHOD[:K])", text));
  const int k = parts.size() > k_at ? draft_tokens(parts[k_at]) : default_draft_tokens(method);
  std::optional<double> kept;
  if (!acceptance.empty()) {
    double v = 0;
    try {
      v = parse_positive(acceptance, "--acceptance", 1e3);
    } catch (const Error&) {
      v = 0;
    }
    if (!(v >= 1.0 && v <= k + 1.0)) {
      throw usage_error(
          fmt::format("--acceptance: '{}' is not a mean of tokens kept per step from 1 to K + 1 = {}",
                      acceptance, k + 1));
    }
    kept = v;
  }
  return make_speculation(target, method, k, kept, draft ? &*draft : nullptr, draft_id);
}

void apply_prefix_cache(Workload& w, const std::string& hit, const std::string& shared_prefix) {
  if (!hit.empty()) w.prefix_cache_hit = share_flag(hit, "--prefix-cache-hit");
  if (!shared_prefix.empty()) {
    long n = 0;
    try {
      n = shared_prefix == "0" ? 0 : parse_count(shared_prefix, "--shared-prefix-tokens", 1L << 30);
    } catch (const Error&) {
      n = -1;
    }
    if (n < 0 || static_cast<double>(n) >= w.input_tokens) {
      throw usage_error(fmt::format(
          "--shared-prefix-tokens: '{}' must be a whole number of tokens below --input-tokens ({})",
          shared_prefix, text::grouped(w.input_tokens)));
    }
    w.shared_prefix_tokens = static_cast<double>(n);
  }
}

std::string speculation_note(const Speculation& s) {
  std::string what = to_string(s.method);
  if (s.method == SpecMethod::draft) what += " (" + s.draft_model + ")";
  return fmt::format(
      "speculative decoding: {}, K={} draft tokens, {:.2f} tokens kept per verification step ({}); each "
      "step verifies {} tokens per sequence after {} drafter steps",
      what, s.draft_tokens, s.acceptance, s.source, s.draft_tokens + 1, s.draft_tokens);
}

std::string prefix_cache_note(const Workload& w) {
  const double cached = cached_prompt_tokens(w, w.input_tokens);
  return fmt::format(
      "prefix cache: {} of {} prompt tokens served from the cache (hit {:g}, shared prefix {} tokens held "
      "once in the KV cache); the prefill computes {}",
      text::grouped(cached), text::grouped(w.input_tokens), w.prefix_cache_hit,
      text::grouped(shared_prefix_tokens(w)), text::grouped(new_prompt_tokens(w, w.input_tokens)));
}

}  // namespace llmhw::cli
