#include "cli/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "io/json_reader.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/suggest.hpp"
#include "llmhw/units.hpp"

namespace llmhw::cli {
namespace {

void one_of(const std::string& text, const std::string& where, const std::vector<std::string>& names) {
  if (std::find(names.begin(), names.end(), text) == names.end())
    throw usage_error(fmt::format("{}: '{}' is not one of {}", where, text, fmt::join(names, ", ")));
}

// "800ms" (a mean) or "p90:800ms" (a percentile), as the flags take it.
void latency_target(const std::string& text, const std::string& where) {
  parse_latency_target(text, where);
}

void pricing(const std::string& text, const std::string& where) {
  check_pricing(text, where);
}

void format(const std::string& text, const std::string& where) {
  check_format(text, where);
}

void color(const std::string& text, const std::string& where) {
  one_of(text, where, {"auto", "always", "never"});
}

// Power usage effectiveness: facility power over IT power; 1 is the ideal, 3 a very poor site.
// The same check and messages as recommend's own --pue.
void pue(const std::string& text, const std::string& where) {
  if (parse_positive(text, where, 3.0) < 1.0)
    throw usage_error(fmt::format("{}: '{}' must be at least 1 (1 = no overhead)", where, text));
}

// USD per kWh; retail prices are cents, so 10 USD or more is a typo for cents.
void electricity_price(const std::string& text, const std::string& where) {
  if (parse_positive(text, where, 10.0) >= 10.0)
    throw usage_error(fmt::format("{}: '{}' must be less than 10 USD/kWh", where, text));
}

std::vector<std::string> keys() {
  std::vector<std::string> out;
  for (const SettingSpec& s : setting_specs()) out.emplace_back(s.key);
  return out;
}

// The JSON value as the text a flag would hold.
std::string as_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : fmt::format("{}", v.get<double>());
}

// The options of the command line as parsed: the top level, then each chosen subcommand.
std::vector<CLI::App*> parsed_chain(CLI::App& app) {
  std::vector<CLI::App*> chain = {&app};
  for (size_t i = 0; i < chain.size(); ++i) {
    for (CLI::App* sub : chain[i]->get_subcommands()) chain.push_back(sub);
  }
  return chain;
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
  static const std::vector<SettingSpec> specs = {
      {"ttft", "--ttft", "recommend: time-to-first-token target, \"800ms\" (mean) or \"p90:800ms\"",
       fmt::format("{:g}ms", kDefaultTtftMs), false, latency_target},
      {"tpot", "--tpot", "recommend: time-per-output-token target, \"40ms\" (mean) or \"p99:60ms\"",
       fmt::format("{:g}ms", kDefaultTpotMs), false, latency_target},
      {"pricing", "--pricing", "recommend: on-demand, spot, reserved or amortized-purchase", "on-demand",
       false, pricing},
      {"format", "--format", "output format: table, json, csv or markdown (table where a command lacks it)",
       "table", false, format},
      {"color", "--color", "auto (on a terminal, unless NO_COLOR is set), always or never", "auto", false,
       color},
      {"pue", "--pue", "recommend: power usage effectiveness for energy cost, 1 to 3",
       fmt::format("{:g}", kDefaultPue), true, pue},
      {"electricity_usd_per_kwh", "--electricity-price",
       "recommend: electricity price for energy cost, USD per kWh (more than 0, less than 10)",
       fmt::format("{:g}", kDefaultUsdPerKwh), true, electricity_price},
  };
  return specs;
}

const Setting& Settings::get(std::string_view key) const {
  for (const Setting& s : values)
    if (s.spec->key == key) return s;
  throw Error(ExitCode::runtime, fmt::format("internal error: no setting '{}'", key));
}

std::filesystem::path config_file() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "llmhw" / "config.json";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".config" / "llmhw" / "config.json";
  return {};
}

Settings load_settings(const std::filesystem::path& file) {
  Settings settings;
  settings.file = file;
  for (const SettingSpec& spec : setting_specs())
    settings.values.push_back({&spec, spec.default_text, "default"});
  std::error_code ec;
  if (file.empty() || !std::filesystem::exists(file, ec)) return settings;
  settings.file_found = true;
  const std::string name = file.string();
  const nlohmann::json doc = io::parse_json(io::read_text_file(file), name);
  if (!doc.is_object()) throw data_error(fmt::format("{}: /: expected an object of settings", name));
  for (const auto& [key, value] : doc.items()) {
    const std::string wanted = key;  // clang 14 cannot capture a structured binding
    auto it = std::find_if(settings.values.begin(), settings.values.end(),
                           [&](const Setting& s) { return s.spec->key == wanted; });
    if (it == settings.values.end()) {
      const auto hint = nearest_name(key, keys());
      throw data_error(fmt::format("{}: /{}: unknown setting{}; settings: {}", name, key,
                                   hint ? fmt::format(" (did you mean '{}'?)", *hint) : "",
                                   fmt::join(keys(), ", ")));
    }
    const std::string where = fmt::format("{}: /{}", name, key);
    const bool number = value.is_number() && !value.is_boolean();
    if (it->spec->number && !number) throw data_error(where + ": expected a number");
    if (!it->spec->number && !value.is_string()) throw data_error(where + ": expected a string");
    try {
      it->spec->validate(as_text(value), where);
    } catch (const Error& e) {  // a bad file is a data error, whatever the validator says
      throw data_error(e.what());
    }
    it->value = as_text(value);
    it->source = "config file " + name;
  }
  return settings;
}

void apply_settings(Settings& settings, CLI::App& app) {
  const auto chain = parsed_chain(app);
  for (Setting& s : settings.values) {
    for (CLI::App* command : chain) {
      CLI::Option* option = command->get_option_no_throw(std::string(s.spec->flag));
      if (!option) continue;
      if (option->count() > 0) {
        s.value = option->results().back();
        s.spec->validate(s.value, std::string(s.spec->flag));
        s.source = "flag";
      } else if (s.source != "default") {
        // What CLI11 itself does with a config file's value: the option then holds it as if passed.
        option->add_result(s.value);
        option->run_callback();
      }
    }
  }
}

}  // namespace llmhw::cli
