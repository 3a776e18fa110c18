#pragma once
// Runs the CLI in-process (cli::run with string streams) or as the real binary, and the helpers
// the CLI tests share (files, golden outputs, JSON answers, flags of an emitted command).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "llmhw/hardware.hpp"
#include "llmhw/model.hpp"

namespace llmhw::test {

struct CliResult {
  int code = -1;
  std::string out, err;
};

// In-process: fast, and the exact streams are visible.
CliResult run_cli(std::vector<std::string> args);
// The same with stdout taken for a terminal (what --color auto looks at).
CliResult run_cli_on_terminal(std::vector<std::string> args);
// The built binary through /bin/sh, for exit codes and stream separation as a user sees them.
CliResult run_binary(const std::string& args);
// The same with environment assignments ("LC_ALL=C LANG=C") for the process.
CliResult run_binary_env(const std::string& env, const std::string& args);

// In-process on the shipped data (--data-dir LLMHW_DATA) with --format json: the exit code must be
// `code` (the stderr is shown when it is not); the parsed stdout.
nlohmann::json run_json(std::vector<std::string> args, int code = 0);

// The whole file as text ("" when it cannot be read).
std::string read_text(const std::filesystem::path& p);
// The lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

// Compares with tests/cli/golden/<name>; LLMHW_UPDATE_GOLDEN=1 rewrites the file instead.
void check_golden(const std::string& name, const std::string& actual);

// The value after `flag` in a command line ("--flag value" or "--flag=value"); "" when absent.
std::string flag_value(const std::string& command, const std::string& flag);

// The profile `id` of a loaded hardware catalog; fails the test when there is none.
const Hardware& find_hardware(const std::vector<Hardware>& catalog, const std::string& id);
// The shipped catalog's model `id` (data/models); fails the test when there is none.
Model shipped_model(const std::string& id);

std::filesystem::path fixture_data();
// The shipped data directory (LLMHW_DATA).
inline const std::filesystem::path kData{LLMHW_DATA};
// `args` after --data-dir `data` (the fixture data unless named).
std::vector<std::string> with_data(std::vector<std::string> args,
                                   const std::string& data = fixture_data().string());
// `recommend` and `extra` on the fixture data.
std::vector<std::string> fixture_recommend(std::vector<std::string> extra);
// A daily load profile (hour,qps): 3 req/s at night (22:00-06:59), 60 in the afternoon
// (12:00-17:59), 25 in the morning and evening.
std::string day_csv();
// A scratch copy of the fixture data that a test may break; removed by the destructor.
struct ScratchData {
  ScratchData();
  ~ScratchData();
  ScratchData(const ScratchData&) = delete;
  ScratchData& operator=(const ScratchData&) = delete;
  std::filesystem::path dir;
  void write(const std::string& relative, const std::string& content) const;
};

// An environment variable set (or, with nullopt, unset) for the scope, then restored: tests of
// XDG_CONFIG_HOME, HOME and NO_COLOR must not leak into each other.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

// An empty directory, removed with its contents by the destructor.
struct TempDir {
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path dir;
  // Writes `content` to dir/relative, creating parent directories; returns the path.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;
};

}  // namespace llmhw::test
