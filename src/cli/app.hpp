#pragma once
// The command line: parses argv, runs one subcommand, prints, and maps errors to exit codes.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace llmhw::cli {

// Where results and errors go; tests pass string streams.
struct Streams {
  std::ostream& out;
  std::ostream& err;
};

// Options every subcommand shares.
struct GlobalOptions {
  std::string data_dir;  // --data-dir, else $LLMHW_DATA_DIR, else next to the binary
};

std::filesystem::path resolve_data_dir(const GlobalOptions& global);

// Each subcommand registers its options and returns the action to run after parsing; the
// action returns the exit code.
using Action = std::function<int(Streams&)>;
void setup_recommend(CLI::App& app, const GlobalOptions& global, Action& action);

int run(int argc, const char* const* argv, Streams streams);

}  // namespace llmhw::cli
