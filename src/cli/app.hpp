#pragma once
// The command line: parses argv, runs one subcommand, prints, and maps errors to exit codes.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "llmhw/hardware.hpp"

namespace llmhw::cli {

// Where results and errors go; tests pass string streams.
struct Streams {
  std::ostream& out;
  std::ostream& err;
  std::istream* in = nullptr;  // standard input when null
};

// Options every subcommand shares.
struct GlobalOptions {
  std::string data_dir;                     // --data-dir, else $LLMHW_DATA_DIR, else next to the binary
  std::vector<std::string> hardware_files;  // --hardware-file, repeatable
};

std::filesystem::path resolve_data_dir(const GlobalOptions& global);

// Each subcommand registers its options and returns the action to run after parsing; the
// action returns the exit code.
using Action = std::function<int(Streams&)>;
void setup_recommend(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_hardware(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_models(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_estimate(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_validate(CLI::App& app, Action& action);

// "table" or "json" (or a usage error naming --format).
void check_format(const std::string& format);
// "a,b" -> device kinds, or a usage error naming --kind.
std::vector<DeviceKind> parse_kinds(const std::string& text);

int run(int argc, const char* const* argv, Streams streams);

}  // namespace llmhw::cli
