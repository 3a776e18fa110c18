// llmhw config show: every setting, its effective value and where it comes from.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/app.hpp"
#include "llmhw/render.hpp"
#include "llmhw/render_formats.hpp"
#include "render/columns.hpp"
#include "render/style.hpp"

namespace llmhw::cli {
namespace {

std::string shown(const Setting& s) {
  return s.value.empty() ? "-" : s.value;
}

std::string config_json(const Settings& settings) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Setting& s : settings.values) {
    nlohmann::ordered_json value;  // null when not set
    if (!s.value.empty()) value = s.value;
    if (s.spec->number && !s.value.empty()) value = nlohmann::ordered_json::parse(s.value, nullptr, false);
    if (value.is_discarded()) value = s.value;
    list.push_back({{"name", s.spec->key},
                    {"value", value},
                    {"source", s.source},
                    {"flag", s.spec->flag},
                    {"description", s.spec->description}});
  }
  nlohmann::ordered_json out = {{"schema_version", render::kSchemaVersion},
                                {"config_file", settings.file.string()},
                                {"config_file_found", settings.file_found},
                                {"settings", list}};
  return out.dump(2) + "\n";
}

std::vector<std::vector<std::string>> config_rows(const Settings& settings, bool with_flags) {
  std::vector<std::vector<std::string>> rows = {{"setting", "value", "source"}};
  if (with_flags) rows.front() = {"setting", "value", "source", "flag", "description"};
  for (const Setting& s : settings.values) {
    rows.push_back({std::string(s.spec->key), shown(s), s.source});
    if (with_flags)
      rows.back().insert(rows.back().end(), {std::string(s.spec->flag), std::string(s.spec->description)});
  }
  return rows;
}

int run_show(const std::string& format_text, const GlobalOptions& global, Streams& s) {
  const render::Format format = output_format(format_text, global, s, kAllFormats, "config show");
  const render::Style style = output_style(global, s);
  const Settings& settings = global.settings;
  switch (format) {
    case render::Format::json:
      s.out << config_json(settings);
      break;
    case render::Format::csv:
      s.out << render::csv_table(config_rows(settings, true));
      break;
    case render::Format::markdown:
      s.out << render::markdown_table(config_rows(settings, true));
      break;
    case render::Format::table:
      if (!style.quiet) {
        const std::string file = settings.file.empty()
                                     ? "none (no $XDG_CONFIG_HOME or $HOME)"
                                     : settings.file.string() + (settings.file_found ? "" : " (not found)");
        s.out << render::wrap("config file: " + file, render::kTableWidth, "", "  ") << "\n";
      }
      s.out << render::styled_table(config_rows(settings, false), style);
      break;
  }
  return 0;
}

// The keys, flags and defaults of the settings table, for --help.
std::string settings_help() {
  std::string out = "Settings (key in config.json, the flag it is the default of, built-in default):\n";
  for (const SettingSpec& spec : setting_specs()) {
    out += fmt::format("  {:<24}{:<20}{}\n", spec.key, spec.flag,
                       spec.default_text.empty() ? "not set" : spec.default_text);
    out += fmt::format("      {}\n", spec.description);
  }
  return out;
}

}  // namespace

void setup_config(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* cmd = app.add_subcommand("config", "Show the settings from the config file and their sources");
  cmd->require_subcommand(1);
  auto format = std::make_shared<std::string>("table");
  auto* show = cmd->add_subcommand("show", "Print every setting, its effective value and its source");
  show->add_option("--format", *format, "table, json, csv or markdown")->capture_default_str();
  show->footer(
      "The config file is $XDG_CONFIG_HOME/llmhw/config.json, else ~/.config/llmhw/config.json: one\n"
      "JSON object of settings. A setting is the default of its flag on every command that has the\n"
      "flag; a flag on the command line wins. Sources: default, config file PATH, or flag. An unknown\n"
      "key or a bad value is an error naming the file and the key (exit 1).\n\n" +
      settings_help() +
      "\nColour: --color always or never (flag or file) wins over NO_COLOR; auto colours a terminal\n"
      "unless NO_COLOR is set (no-color.org).\n\n"
      "Examples:\n"
      "  mkdir -p ~/.config/llmhw\n"
      "  echo '{\"ttft\": \"800ms\", \"tpot\": \"40ms\", \"pricing\": \"spot\"}' > "
      "~/.config/llmhw/config.json\n"
      "  llmhw config show\n"
      "  llmhw config show --format json | jq '.settings[] | select(.source != \"default\")'\n"
      "  llmhw --color never config show");
  show->callback([&action, format, &global] {
    action = [format, &global](Streams& s) { return run_show(*format, global, s); };
  });
}

}  // namespace llmhw::cli
