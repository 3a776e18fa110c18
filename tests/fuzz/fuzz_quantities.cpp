// libFuzzer harness: the parsers of quantities users type (sizes, durations, money, counts, lists).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "llmhw/error.hpp"
#include "llmhw/units.hpp"

namespace {

template <typename F>
void check(F parse) {
  try {
    const double v = parse();
    if (!std::isfinite(v) || v <= 0) std::abort();  // accepted values are finite and positive
  } catch (const llmhw::Error& e) {
    if (e.code() != llmhw::ExitCode::usage) std::abort();  // bad quantities are usage errors
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  check([&] { return llmhw::parse_model_size(text, "--model"); });
  check([&] { return llmhw::parse_duration_ms(text, "--ttft"); });
  check([&] { return llmhw::parse_budget_per_hour(text, "--budget"); });
  check([&] { return llmhw::parse_positive(text, "--qps", llmhw::kMaxQps); });
  check([&] { return static_cast<double>(llmhw::parse_count(text, "--top", 100000)); });
  try {
    for (const auto& item : llmhw::split_list(text, "--kind")) {
      if (item.empty()) std::abort();
    }
  } catch (const llmhw::Error&) {
  }
  return 0;
}
