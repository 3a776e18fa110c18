// Daily load profiles from CSV (recommend --load-profile). Errors name the file and line.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>

#include "llmhw/error.hpp"
#include "llmhw/io/load_profile.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::io {
namespace {

std::string trim(std::string s) {
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), space));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), space).base(), s.end());
  return s;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(trim(f));
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

std::optional<double> number(const std::string& text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// "7" or "7.5" (hour column) or "07:30" (time column) -> hours after midnight.
std::optional<double> start_hours(const std::string& text, bool clock) {
  if (!clock) return number(text);
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto h = number(text.substr(0, colon)), m = number(text.substr(colon + 1));
  if (!h || !m || *h != std::floor(*h) || *m != std::floor(*m) || *m < 0 || *m >= 60) return std::nullopt;
  return *h + *m / 60.0;
}

}  // namespace

LoadProfile parse_load_profile(const std::string& text, const std::string& path) {
  LoadProfile profile;
  profile.source = path;
  std::istringstream in(text);
  std::string line;
  long number_of_line = 0;
  bool clock = false, header = false;
  const auto fail = [&](const std::string& what) {
    return data_error(fmt::format("{}:{}: {}", path, number_of_line, what));
  };
  while (std::getline(in, line)) {
    ++number_of_line;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const std::vector<std::string> f = fields(line);
    if (!header) {
      if (f.size() != 2 || (f[0] != "hour" && f[0] != "time") || f[1] != "qps")
        throw fail(fmt::format("expected the header 'hour,qps' or 'time,qps', got '{}'", trim(line)));
      clock = f[0] == "time";
      header = true;
      continue;
    }
    if (f.size() != 2 || f[0].empty() || f[1].empty())
      throw fail(fmt::format("expected 2 columns ({},qps), got '{}'", clock ? "time" : "hour", trim(line)));
    const auto start = start_hours(f[0], clock);
    if (!start || *start < 0 || *start >= 24) {
      throw fail(fmt::format("{} '{}' is not {}", clock ? "time" : "hour", f[0],
                             clock ? "a time of day from 00:00 to 23:59" : "an hour from 0 to 23"));
    }
    const auto qps = number(f[1]);
    if (!qps) throw fail(fmt::format("qps '{}' is not a number", f[1]));
    if (*qps < 0) throw fail(fmt::format("qps '{}' is negative", f[1]));
    if (*qps > 1e9) throw fail(fmt::format("qps '{}' is more than 1e9 requests/s", f[1]));
    if (!profile.periods.empty() && *start <= profile.periods.back().start_h) {
      throw fail(fmt::format("{} '{}' {} the line before's; periods must be in increasing time order",
                             clock ? "time" : "hour", f[0],
                             *start == profile.periods.back().start_h ? "repeats" : "comes before"));
    }
    profile.periods.push_back({*start, 0, *qps, number_of_line});
  }
  if (!header) throw data_error(fmt::format("{}: empty; expected the header 'hour,qps' or 'time,qps'", path));
  if (profile.periods.empty()) throw data_error(fmt::format("{}: no periods after the header", path));
  // Each period lasts until the next one starts; the last until the first, a day later.
  for (size_t i = 0; i < profile.periods.size(); ++i) {
    const double next = i + 1 < profile.periods.size() ? profile.periods[i + 1].start_h
                                                       : profile.periods.front().start_h + 24;
    profile.periods[i].hours = next - profile.periods[i].start_h;
  }
  if (std::all_of(profile.periods.begin(), profile.periods.end(), [](const Period& p) { return p.qps == 0; }))
    throw data_error(fmt::format("{}: every period is at 0 qps; there is nothing to serve", path));
  return profile;
}

LoadProfile load_load_profile(const std::string& path) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const Error& e) {
    throw data_error(fmt::format("--load-profile: {}", e.what()));
  }
  return parse_load_profile(text, path);
}

}  // namespace llmhw::io
