#pragma once
// Runs the CLI in-process (cli::run with string streams) or as the real binary.
#include <filesystem>
#include <string>
#include <vector>

namespace llmhw::test {

struct CliResult {
  int code = -1;
  std::string out, err;
};

// In-process: fast, and the exact streams are visible.
CliResult run_cli(std::vector<std::string> args);
// The built binary through /bin/sh, for exit codes and stream separation as a user sees them.
CliResult run_binary(const std::string& args);
// The same with environment assignments ("LC_ALL=C LANG=C") for the process.
CliResult run_binary_env(const std::string& env, const std::string& args);

std::filesystem::path fixture_data();
// A scratch copy of the fixture data that a test may break; removed by the destructor.
struct ScratchData {
  ScratchData();
  ~ScratchData();
  ScratchData(const ScratchData&) = delete;
  ScratchData& operator=(const ScratchData&) = delete;
  std::filesystem::path dir;
  void write(const std::string& relative, const std::string& content) const;
};

}  // namespace llmhw::test
