#include "render/columns.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "render/style.hpp"

namespace llmhw::render {
namespace {

std::string trim_right(std::string s) {
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

}  // namespace

std::vector<std::string> aligned_rows(const std::vector<std::vector<std::string>>& rows, size_t width) {
  std::vector<std::string> out;
  if (rows.empty()) return out;
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < widths.size(); ++i)
      widths[i] = std::max(widths[i], display_width(r[i]));
  }
  for (const auto& r : rows) {
    if (r.empty()) {
      out.push_back("\n");
      continue;
    }
    std::string prefix;
    for (size_t i = 0; i + 1 < r.size(); ++i) {
      const size_t w = i < widths.size() ? widths[i] : display_width(r[i]);
      prefix += r[i] + std::string(w - display_width(r[i]) + 2, ' ');
    }
    const std::string& last = r.back();
    const size_t used = display_width(prefix);
    if (width == 0 || last.empty() || used + display_width(last) <= width) {
      out.push_back(trim_right(prefix + last) + "\n");
    } else {
      out.push_back(wrap(last, width, prefix, std::string(used, ' ')));
    }
  }
  return out;
}

std::string aligned(const std::vector<std::vector<std::string>>& rows, size_t width) {
  std::string out;
  for (const std::string& row : aligned_rows(rows, width)) out += row;
  return out;
}

std::string layout_cell(const Deployment& d) {
  std::string out = fmt::format("TP{}", d.tp);
  if (d.pp > 1) out += fmt::format(" PP{}", d.pp);
  if (d.moe_ep > 1) out += fmt::format(" EP{}", d.moe_ep);
  if (d.speculation.active())
    out += fmt::format(" {}{}", to_string(d.speculation.method), d.speculation.draft_tokens);
  return out;
}

}  // namespace llmhw::render
