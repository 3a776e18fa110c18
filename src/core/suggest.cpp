#include "llmhw/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace llmhw {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = std::max<size_t>(3, name.size() / 3) + 1;  // more differs than it shares
  for (const std::string& c : candidates) {
    // A prefix ("h100" for "h100-sxm") is as good as a typo.
    const bool prefix = c.size() > name.size() && c.compare(0, name.size(), name) == 0;
    const size_t d = prefix ? 1 : edit_distance(name, c);
    if (d < best_distance || (d == best_distance && best && c < *best)) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace llmhw
