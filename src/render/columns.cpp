#include "render/columns.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmhw::render {

std::string aligned(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return "";
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      out += i + 1 == r.size() || i >= width.size() ? r[i] : fmt::format("{:<{}}  ", r[i], width[i]);
    }
    out += "\n";
  }
  return out;
}

}  // namespace llmhw::render
