#pragma once
// Benchmark result files -> BenchRun (llmhw/user_calibration.hpp), with the format detected from
// the keys: vLLM `bench serve --save-result` JSON, SGLang `bench_serving` JSONL (one run a line),
// NVIDIA GenAI-Perf `profile_export_genai_perf.json`, AIPerf `profile_export_aiperf.json` and
// GuideLLM's report (`guidellm benchmark --output-path results.json`, one run per benchmark).
// Errors name the file (and line) and the field.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/user_calibration.hpp"

namespace llmhw::io {

struct BenchFile {
  std::string path;    // as given
  std::string format;  // of its runs
  std::string sha256;  // of its bytes, hex
  std::vector<BenchRun> runs;
};

BenchFile read_bench_file(const std::filesystem::path& path);
// The same from text already read (tests); `path` names it in errors.
BenchFile parse_bench_text(const std::string& text, const std::string& path);

// SHA-256 (FIPS 180-4) of the bytes, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace llmhw::io
