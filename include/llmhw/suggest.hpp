#pragma once
// "did you mean" for unknown names (ninja's tool table does the same).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw {

// Case-insensitive edits (insert, delete, substitute, swap two adjacent characters) from a to b.
size_t edit_distance(std::string_view a, std::string_view b);
// The names a mistyped `name` may have meant, best first: every candidate it is a prefix of
// ("h100" -> h100-nvl, h100-pcie, h100-sxm), else those at the smallest edit distance that
// still looks like a typo. Ties go to the candidate whose size token ("8b" in "llama-3.1-8b")
// is nearest the one typed ("7b" -> 8b before 70b), then alphabetically. At most kMaxSuggestions.
inline constexpr size_t kMaxSuggestions = 8;
std::vector<std::string> suggestions(std::string_view name, const std::vector<std::string>& candidates);
// The first of suggestions(), if any.
std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates);
// "did you mean 'a'?", "did you mean 'a' or 'b'?", "did you mean 'a', 'b' or 'c'?"; "" for none.
std::string did_you_mean(const std::vector<std::string>& names);

}  // namespace llmhw
