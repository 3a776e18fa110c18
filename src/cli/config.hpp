#pragma once
// User defaults: $XDG_CONFIG_HOME/llmhw/config.json (else ~/.config/llmhw/config.json), e.g.
//   {"ttft": "800ms", "tpot": "40ms", "pricing": "spot", "format": "json", "color": "never"}
// One table lists every setting: its key, the flag it is the default of, a description, the
// built-in default and a validator. After parsing, every option of the chosen command whose
// flag a setting names takes the file's value unless the user passed it: flags win over the
// file, the file over the built-in default. A new flag gets its default from the file by adding
// its row to the table (the flag is found by name).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::cli {

struct SettingSpec {
  std::string_view key;   // in config.json
  std::string_view flag;  // the option it is the default of, on any command that has it
  std::string_view description;
  std::string default_text;  // "" = not set (the command's own behaviour)
  bool number = false;       // a JSON number in the file; otherwise a JSON string
  // Throws an Error naming `where` (the flag, or "file: /key") if the text is not a valid value.
  void (*validate)(const std::string& text, const std::string& where);
};
const std::vector<SettingSpec>& setting_specs();

struct Setting {
  const SettingSpec* spec = nullptr;
  std::string value;   // as text; "" = not set
  std::string source;  // "default", "config file PATH" or "flag"
};

struct Settings {
  std::filesystem::path file;  // where the config file is looked for ("" = no home directory)
  bool file_found = false;
  std::vector<Setting> values;  // in the order of setting_specs()
  // The setting with this key (a key not in the table is a programming error).
  const Setting& get(std::string_view key) const;
};

// $XDG_CONFIG_HOME/llmhw/config.json, else $HOME/.config/llmhw/config.json, else "".
std::filesystem::path config_file();
// The built-in defaults overlaid with the file, if it exists. Unknown keys and bad values are
// data errors naming the file and the JSON pointer.
Settings load_settings(const std::filesystem::path& file);
// Fills the options of the parsed commands that the user did not pass from the file and records
// each setting's source ("flag" for a passed option).
void apply_settings(Settings& settings, CLI::App& app);

}  // namespace llmhw::cli
