// libFuzzer harness: the whole CLI path from argv to output, on the frozen fixture data. The
// input is split into arguments at newlines; the first line picks the subcommand's arguments.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::vector<std::string> args = {"llmhw", "--data-dir", LLMHW_FUZZ_DATA};
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '\n') {
      args.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  args.push_back(current);
  if (args.size() > 40) return 0;
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = llmhw::cli::run(static_cast<int>(argv.size()), argv.data(), {out, err});
  // Exit codes are a contract; no output ever prints a NaN or an infinity as a value.
  if (code < 0 || code > 3) std::abort();
  // (Commands echo what the user typed, so only inputs without those letters are checked.)
  const std::string o = out.str();
  const std::string in(reinterpret_cast<const char*>(data), size);
  if (in.find("nan") != std::string::npos || in.find("inf") != std::string::npos) return 0;
  for (const char* bad : {": nan", ": -nan", ": inf", ": -inf", " nan ", " inf ", "(nan", "(inf"}) {
    if (o.find(bad) != std::string::npos) std::abort();
  }
  return 0;
}
