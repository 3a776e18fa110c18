#pragma once
// --speculative, --acceptance, --prefix-cache-hit and --shared-prefix-tokens, shared by estimate
// and recommend: parsed and checked against the model and the prompt length.
#include <filesystem>
#include <optional>
#include <string>

#include "llmhw/estimate.hpp"

namespace llmhw::cli {

// "" = not asked (nullopt); "none" or "off" = a speculation with SpecMethod::none; "mtp[:K]",
// "eagle[:K]", "draft:MODEL[:K]" otherwise. `acceptance` "" = the published default.
std::optional<Speculation> parse_speculation(const std::string& text, const std::string& acceptance,
                                             const Model& target, const std::filesystem::path& models_dir);

// Sets the workload's prefix-cache fields from the flags ("" = unset), checked against its prompt.
void apply_prefix_cache(Workload& w, const std::string& hit, const std::string& shared_prefix);

// A note for the output: "speculative decoding: mtp, K=1, 1.88 tokens kept per step (source)".
std::string speculation_note(const Speculation& s);
std::string prefix_cache_note(const Workload& w);

}  // namespace llmhw::cli
