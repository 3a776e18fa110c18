#pragma once
// "did you mean" for unknown names (ninja's tool table does the same).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw {

size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a distance that still looks like a typo, if any.
std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace llmhw
