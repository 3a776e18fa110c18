#include "llmhw/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <tuple>

namespace llmhw {
namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool is_prefix_of(std::string_view prefix, std::string_view s) {
  return s.size() > prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(),
                                                [](char a, char b) { return lower(a) == lower(b); });
}

// The first model-size token in a name: "7b" in "llama-3.1-7b" (7e9), "235b" in "qwen3-235b-a22b";
// a number followed by m, b or t and then the end or a non-alphanumeric character.
std::optional<double> size_token(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])) ||
        (i > 0 && std::isalnum(static_cast<unsigned char>(s[i - 1])) &&
         !std::isdigit(static_cast<unsigned char>(s[i - 1])) && s[i - 1] != '.')) {
      continue;
    }
    size_t j = i;
    while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    if (j < s.size() && (j + 1 == s.size() || !std::isalnum(static_cast<unsigned char>(s[j + 1])))) {
      const char unit = lower(s[j]);
      const double scale = unit == 'm' ? 1e6 : unit == 'b' ? 1e9 : unit == 't' ? 1e12 : 0;
      if (scale > 0) {
        try {
          return std::stod(std::string(s.substr(i, j - i))) * scale;
        } catch (...) {
          return std::nullopt;  // "1.2.3b"
        }
      }
    }
    i = j;
  }
  return std::nullopt;
}

// How far a candidate's size token is from the typed one (0 when the typed name has none).
double size_gap(const std::optional<double>& typed, std::string_view candidate) {
  if (!typed) return 0;
  const auto other = size_token(candidate);
  return other && *other > 0 && *typed > 0 ? std::fabs(std::log(*other / *typed)) : 1e9;
}

}  // namespace

// Levenshtein distance with adjacent transpositions counted as one edit (optimal string
// alignment, Damerau 1964): "qsp" is one slip from "qps", as near as a dropped letter.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = lower(a[i - 1]) == lower(b[j - 1]);
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same ? 0 : 1)});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::vector<std::string> suggestions(std::string_view name, const std::vector<std::string>& candidates) {
  if (name.empty()) return {};
  const auto typed = size_token(name);
  // (is not a prefix match, edit distance, size gap, name): prefix matches first, all of them.
  using Key = std::tuple<bool, size_t, double, std::string>;
  std::vector<Key> keys;
  const size_t limit = std::max<size_t>(3, name.size() / 3);  // more differs than it shares
  for (const std::string& c : candidates) {
    const bool prefix = is_prefix_of(name, c);
    const size_t d = edit_distance(name, c);
    if (prefix || d <= limit) keys.emplace_back(!prefix, prefix ? 0 : d, size_gap(typed, c), c);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> out;
  for (const Key& k : keys) {
    const Key& best = keys.front();
    // Every prefix match; else the candidates as close as the best.
    if (std::get<0>(k) != std::get<0>(best) || std::get<1>(k) != std::get<1>(best)) break;
    if (out.size() == kMaxSuggestions) break;
    out.push_back(std::get<3>(k));
  }
  return out;
}

std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  auto all = suggestions(name, candidates);
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::string did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string out = "did you mean ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += "'" + names[i] + "'";
  }
  return out + "?";
}

}  // namespace llmhw
