#pragma once
// --speculative, --acceptance, --prefix-cache-hit and --shared-prefix-tokens, shared by estimate
// and recommend: declared, parsed and checked against the model and the prompt length.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>

#include "llmhw/estimate.hpp"

namespace llmhw::cli {

// Declares the four flags on `cmd`, in this order, into the option struct's `speculative`,
// `acceptance`, `prefix_cache_hit` and `shared_prefix_tokens` strings. `speculative_help` is the
// command's own description of --speculative (recommend's has a default that estimate lacks).
template <class Options>
void add_speculation_flags(CLI::App& cmd, Options& o, const std::string& speculative_help) {
  cmd.add_option("--speculative", o.speculative, speculative_help);
  cmd.add_option("--acceptance", o.acceptance,
                 "Mean tokens kept per speculative step, 1 to K+1 (default: the method's published figure)");
  cmd.add_option("--prefix-cache-hit", o.prefix_cache_hit,
                 "Share of prompt tokens served from the prefix cache, 0 to 1 (default 0)");
  cmd.add_option("--shared-prefix-tokens", o.shared_prefix_tokens,
                 "Prompt tokens every request shares (a system prompt): cached, held once in the KV cache");
}

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
