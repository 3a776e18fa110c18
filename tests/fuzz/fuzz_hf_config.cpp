// libFuzzer harness: the Hugging Face config.json loader and everything derived from a model.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const llmhw::Model m = llmhw::io::parse_hf_config(text, "fuzz/config.json");
    const llmhw::ParameterCount c = llmhw::count_parameters(m);
    const double kv = llmhw::kv_bytes_per_sequence(m, 4096, 2);
    // Derived figures of a model that loaded must be finite and non-negative.
    if (!std::isfinite(c.total) || c.total < 0 || !std::isfinite(kv) || kv < 0) std::abort();
  } catch (const llmhw::Error&) {
  }
  return 0;
}
