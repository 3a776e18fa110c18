// libFuzzer harness: the hardware profile loader (schema check, semantic checks, typed read).
#include <cstddef>
#include <cstdint>
#include <string>

#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    llmhw::io::parse_hardware_profile(text, "fuzz/h100-sxm.json");
  } catch (const llmhw::Error&) {  // a clear error is the right answer to bad input
  }
  return 0;
}
