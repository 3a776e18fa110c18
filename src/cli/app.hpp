#pragma once
// The command line: parses argv, runs one subcommand, prints, and maps errors to exit codes.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/config.hpp"
#include "llmhw/hardware.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::cli {

// Where results and errors go; tests pass string streams.
struct Streams {
  std::ostream& out;
  std::ostream& err;
  std::istream* in = nullptr;    // standard input when null
  bool out_is_terminal = false;  // colour in --color auto
};

// Options every subcommand shares.
struct GlobalOptions {
  std::string data_dir;                     // --data-dir, else $LLMHW_DATA_DIR, else next to the binary
  std::vector<std::string> hardware_files;  // --hardware-file, repeatable
  std::string color;                        // --color; its effective value is settings.get("color")
  bool quiet = false;                       // --quiet
  Settings settings;                        // config file and flags, after parsing

  // --calibration, repeatable (cli/overlays.hpp)
  std::vector<std::string> calibration_files;
};

std::filesystem::path resolve_data_dir(const GlobalOptions& global);

// Each subcommand registers its options and returns the action to run after parsing; the
// action returns the exit code.
using Action = std::function<int(Streams&)>;
void setup_recommend(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_hardware(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_models(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_estimate(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_capacity(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_validate(CLI::App& app, Action& action);
void setup_config(CLI::App& app, const GlobalOptions& global, Action& action);
void setup_calibrate(CLI::App& app, const GlobalOptions& global, Action& action);

inline constexpr std::initializer_list<render::Format> kAllFormats = {
    render::Format::table, render::Format::json, render::Format::csv, render::Format::markdown};
// The one check of a format name: table, json, csv or markdown, else a usage error naming
// `where` (--format, or the config file's key).
render::Format check_format(const std::string& text, const std::string& where = "--format");
// on-demand, spot, reserved or amortized-purchase (or a usage error naming `where`).
void check_pricing(const std::string& text, const std::string& where = "--pricing");
// The format a command prints: --format (or the config file's "format") checked, and among the
// formats the command offers. A format the command lacks is a usage error when passed as a flag;
// from the config file it falls back to table with a note on stderr (none with --quiet).
render::Format output_format(const std::string& text, const GlobalOptions& global, Streams& s,
                             std::initializer_list<render::Format> offered, std::string_view command);
// Colour and verbosity for table output: --color always|never (flag or config file) decide;
// auto colours a terminal unless NO_COLOR is set to anything non-empty (no-color.org).
render::Style output_style(const GlobalOptions& global, const Streams& s);
// "a,b" -> device kinds, or a usage error naming --kind.
std::vector<DeviceKind> parse_kinds(const std::string& text);

int run(int argc, const char* const* argv, Streams streams);

}  // namespace llmhw::cli
