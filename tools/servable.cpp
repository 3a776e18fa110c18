// "Runs the engine could serve" (issue #18): a closed-loop TTFT is a steady-state serving number
// only when the engine ran every request the client kept in flight and the mean is what those
// requests saw. Two rules, each from the row's own record, none from how far off it is:
//
// 1. Beyond the engine's capacity: the concurrency exceeds what the engine runs at once by
//    llmhw's engine model (its max_batch per dp group; the KV cache under its admission rule,
//    Prediction::engine_capacity). The client's extra requests wait in the engine's queue and the
//    measured TTFT is mostly that wait, which depends on KV precision and memory fraction the
//    rows do not record (docs/accuracy.md "Coverage").
// 2. Mean set by a stall: the source records the median beside the mean and the mean is more
//    than 5x the median (the factor the far-off count uses). Across InferenceX's 501 runs with
//    both, mean / median is 1.5 at the median and 4.0 at the 90th percentile. Of the mapped runs,
//    12 exceed 5: nine SGLang B200 DeepSeek-R1 runs of 2025-11/12 (5.7-16.3), whose p99 TTFTs are
//    67-99 s while their medians are 0.45-1.5 s: a few requests stalled for about a minute (a
//    start-up or JIT stall), which no queue at 4-64 requests produces; and three at 5.0-5.5
//    (p99 4-9 s). A row of another source with the same configuration and the same mean TTFT
//    (to 0.01 ms) is the same run and counts the same.
#include "servable.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>

#include "observations_io.hpp"

namespace llmhw::tools {
namespace {

constexpr double kStallFactor = 5.0;

// `key=value; ...` fields of an InferenceX notes cell.
std::map<std::string, std::string> note_fields(const std::string& notes) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  while (at < notes.size()) {
    size_t end = notes.find("; ", at);
    if (end == std::string::npos) end = notes.size();
    const std::string part = notes.substr(at, end - at);
    const size_t eq = part.find('=');
    if (eq != std::string::npos) out[part.substr(0, eq)] = part.substr(eq + 1);
    at = end + 2;
  }
  return out;
}

double number(const std::string& s) {
  try {
    return s.empty() ? 0.0 : std::stod(s);
  } catch (const std::exception&) {
    return 0.0;
  }
}

// A run's identity across sources: what was served, and the mean TTFT it measured.
std::string run_key(const Observation& o) {
  return fmt::format("{}|{}|{}|{}|{}", o.hardware, o.engine, o.isl, o.osl, o.concurrency.value_or(0));
}

}  // namespace

Servability::Servability(const std::filesystem::path& inferencex_csv, const std::vector<Observation>& obs) {
  std::ifstream in(inferencex_csv);
  if (!in) return;
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_csv(line);
  const auto column = [&](const std::string& name) {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    return header.size();
  };
  const size_t mean_col = column("ttft_ms_mean"), notes_col = column("notes");
  // normalize_calibration.py numbers InferenceX rows from 1 in file order: x<row>-ttft.
  for (int row = 1; std::getline(in, line); ++row) {
    const std::vector<std::string> f = split_csv(line);
    if (mean_col >= f.size() || notes_col >= f.size()) continue;
    const auto notes = note_fields(f[notes_col]);
    const auto median = notes.find("median_ttft_ms");
    TtftDistribution d{number(f[mean_col]), median == notes.end() ? 0.0 : number(median->second), 0.0};
    if (const auto p99 = notes.find("p99_ttft_ms"); p99 != notes.end()) d.p99_ms = number(p99->second);
    if (d.mean_ms > 0 && d.median_ms > 0) by_id_[fmt::format("x{}-ttft", row)] = d;
  }
  // Repeats of those runs in other sources (the serving sweeps carry some InferenceX runs).
  std::multimap<std::string, const TtftDistribution*> runs;
  for (const Observation& o : obs) {
    const auto it = by_id_.find(o.id);
    if (it != by_id_.end()) runs.emplace(run_key(o), &it->second);
  }
  for (const Observation& o : obs) {
    if (o.metric != "ttft_ms" || by_id_.count(o.id)) continue;
    const auto [first, last] = runs.equal_range(run_key(o));
    for (auto it = first; it != last; ++it) {
      if (std::fabs(it->second->mean_ms - o.value) <= 0.01) {
        by_id_[o.id] = *it->second;
        break;
      }
    }
  }
}

std::optional<NotServable> Servability::check(const Observation& o, const Prediction& p) const {
  if (o.metric != "ttft_ms" || !o.concurrency) return std::nullopt;
  if (p.engine_capacity > 0 && *o.concurrency > static_cast<double>(p.engine_capacity)) {
    return NotServable{kBeyondCapacity,
                       fmt::format("{:g} requests, the engine runs {}", *o.concurrency, p.engine_capacity)};
  }
  const auto it = by_id_.find(o.id);
  if (it != by_id_.end() && it->second.mean_ms > kStallFactor * it->second.median_ms) {
    const TtftDistribution& d = it->second;
    return NotServable{kStall, fmt::format("mean {:.0f} ms, median {:.0f} ms, p99 {:.0f} ms", d.mean_ms,
                                           d.median_ms, d.p99_ms)};
  }
  return std::nullopt;
}

}  // namespace llmhw::tools
