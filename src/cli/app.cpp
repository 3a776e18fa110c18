#include "cli/app.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "llmhw/error.hpp"
#include "llmhw/suggest.hpp"
#include "llmhw/units.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <optional>

#ifndef LLMHW_VERSION
#define LLMHW_VERSION "0.0.0"
#endif

namespace llmhw::cli {

std::filesystem::path resolve_data_dir(const GlobalOptions& global) {
  namespace fs = std::filesystem;
  if (!global.data_dir.empty()) return global.data_dir;
  if (const char* env = std::getenv("LLMHW_DATA_DIR"); env && *env) return env;
  // Installed layout: <prefix>/bin/llmhw and <prefix>/share/llmhw/data.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / "share" / "llmhw" / "data";
    if (fs::is_directory(installed, ec)) return installed;
  }
  return LLMHW_SOURCE_DATA_DIR;  // a build tree runs on the checkout's data/
}

namespace {

// CLI11 reports a mistyped command as "A subcommand is required"; name it instead.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data-dir" || arg == "--hardware-file" || arg == "--calibration" || arg == "--color") {
      ++i;
      continue;
    }
    if (arg.empty() || arg[0] == '-') continue;
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == arg) return std::nullopt;
      names.push_back(sub->get_name());
    }
    auto hint = nearest_name(arg, names);
    return fmt::format("unknown command '{}'{}; commands: {}", arg,
                       hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", fmt::join(names, ", "));
  }
  return std::nullopt;
}

// CLI11 reports a mistyped option as "The following argument was not expected: --qsp"; name the
// command and suggest the nearest of its options (and the global ones, which may follow it).
std::optional<std::string> unknown_option(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<const CLI::App*> chain = {&app};
  const auto find = [&chain](const std::string& name) -> const CLI::Option* {
    for (const CLI::App* c : chain)
      if (const CLI::Option* o = c->get_option_no_throw(name)) return o;
    return nullptr;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.size() > 1 && arg[0] == '-' && !std::isdigit(static_cast<unsigned char>(arg[1]))) {
      const std::string name = arg.substr(0, arg.find('='));
      const CLI::Option* o = find(name);
      if (o) {
        if (o->get_type_size_max() > 0 && name.size() == arg.size()) ++i;  // its value follows
        continue;
      }
      std::vector<std::string> names;
      for (const CLI::App* c : chain) {
        for (const CLI::Option* opt : c->get_options())
          for (const std::string& l : opt->get_lnames()) names.push_back("--" + l);
      }
      std::string command;
      for (size_t k = 1; k < chain.size(); ++k) command += (k > 1 ? " " : "") + chain[k]->get_name();
      const std::string hint = did_you_mean(suggestions(name, names));
      return fmt::format("{}unknown option '{}'{}; `llmhw {}--help` lists the options",
                         command.empty() ? "" : command + ": ", name, hint.empty() ? "" : "; " + hint,
                         command.empty() ? "" : command + " ");
    }
    for (const CLI::App* sub : chain.back()->get_subcommands({})) {
      if (sub->get_name() == arg) {
        chain.push_back(sub);
        break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

void check_pricing(const std::string& text, const std::string& where) {
  static const std::vector<std::string> modes = {"on-demand", "spot", "reserved", "amortized-purchase"};
  if (std::find(modes.begin(), modes.end(), text) == modes.end())
    throw usage_error(fmt::format("{}: '{}' is not one of {}", where, text, fmt::join(modes, ", ")));
}

render::Format check_format(const std::string& text, const std::string& where) {
  for (render::Format f : kAllFormats)
    if (text == render::to_string(f)) return f;
  throw usage_error(fmt::format("{}: '{}' is not one of table, json, csv, markdown", where, text));
}

render::Format output_format(const std::string& text, const GlobalOptions& global, Streams& s,
                             std::initializer_list<render::Format> offered, std::string_view command) {
  const render::Format f = check_format(text);
  if (std::find(offered.begin(), offered.end(), f) != offered.end()) return f;
  std::vector<std::string_view> names;
  for (render::Format o : offered) names.push_back(render::to_string(o));
  if (global.settings.get("format").source == "flag") {
    throw usage_error(fmt::format("--format: {} is not available for `{}`; use {} or {}", text, command,
                                  fmt::join(names.begin(), names.end() - 1, ", "), names.back()));
  }
  if (!global.quiet) {
    s.err << fmt::format("llmhw: note: `{}` has no {} output (format in {}); printing a table\n", command,
                         text, global.settings.file.string());
  }
  return render::Format::table;
}

render::Style output_style(const GlobalOptions& global, const Streams& s) {
  const Setting& color = global.settings.get("color");  // validated by apply_settings
  render::Style style;
  style.quiet = global.quiet;
  if (color.value == "always") {
    style.color = true;  // asked for by flag or config file: wins over NO_COLOR, as no-color.org says
  } else if (color.value == "auto") {
    const char* no_color = std::getenv("NO_COLOR");
    style.color = s.out_is_terminal && !(no_color && *no_color);
  }
  return style;
}

std::vector<DeviceKind> parse_kinds(const std::string& text) {
  std::vector<DeviceKind> out;
  if (text.empty()) return out;
  for (const std::string& item : split_list(text, "--kind")) {
    auto k = parse_device_kind(item);
    if (!k) throw usage_error(fmt::format("--kind: '{}' is not one of cpu, gpu, tpu, accelerator", item));
    out.push_back(*k);
  }
  return out;
}

int run(int argc, const char* const* argv, Streams streams) {
  CLI::App app{"llmhw: which CPU, GPU or TPU deployment serves an LLM at a request rate, and what it costs",
               "llmhw"};
  app.set_version_flag("--version", LLMHW_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 found a deployment, 1 runtime or data error, 2 usage error, "
      "3 nothing meets the constraints.\n"
      "Defaults for flags such as --tpot, --pricing, --format and --color can be set in\n"
      "$XDG_CONFIG_HOME/llmhw/config.json (see `llmhw config show --help`); flags win.");
  GlobalOptions global;
  app.fallthrough();  // global options may follow the subcommand
  app.add_option("--data-dir", global.data_dir, "Directory with hardware/, models/ and efficiency.json")
      ->envname("LLMHW_DATA_DIR");
  app.add_option("--hardware-file", global.hardware_files,
                 "Add or override a hardware profile (repeatable); $XDG_CONFIG_HOME/llmhw/hardware/*.json "
                 "are read too");
  app.add_option("--calibration", global.calibration_files,
                 "Apply a calibration overlay written by `llmhw calibrate` (repeatable, a later one wins); "
                 "$XDG_CONFIG_HOME/llmhw/calibration/*.json are applied first");
  app.add_option("--color", global.color,
                 "Colour in table output: auto (when stdout is a terminal and NO_COLOR is not set), always "
                 "or never; always and never win over NO_COLOR");
  app.add_flag(
      "-q,--quiet", global.quiet,
      "Print the data only: no query preamble, notes, warnings, reasons or footers in tables, nothing "
      "on stderr but errors; exit codes are unchanged");
  Action action;
  setup_recommend(app, global, action);
  setup_estimate(app, global, action);
  setup_capacity(app, global, action);
  setup_hardware(app, global, action);
  setup_models(app, global, action);
  setup_validate(app, action);
  setup_config(app, global, action);
  setup_calibrate(app, global, action);
  if (auto unknown = unknown_command(app, argc, argv)) {
    streams.err << "llmhw: error: " << *unknown << "\n";
    return static_cast<int>(ExitCode::usage);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    streams.out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    streams.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    streams.out << LLMHW_VERSION << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    // Subcommand help: CLI11 throws CallForHelp from the subcommand, handled above; the rest
    // are usage errors.
    std::optional<std::string> unknown;
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) unknown = unknown_option(app, argc, argv);
    streams.err << "llmhw: error: " << unknown.value_or(e.what()) << "\n";
    return static_cast<int>(ExitCode::usage);
  }
  try {
    global.settings = load_settings(config_file());
    apply_settings(global.settings, app);
    return action(streams);
  } catch (const Error& e) {
    streams.err << "llmhw: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    streams.err << "llmhw: error: internal: " << e.what() << "\n";
    return static_cast<int>(ExitCode::runtime);
  }
}

}  // namespace llmhw::cli
