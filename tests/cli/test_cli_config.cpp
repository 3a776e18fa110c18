// The defaults file $XDG_CONFIG_HOME/llmhw/config.json (else ~/.config/llmhw/config.json): its
// values become the defaults of their flags, flags win, mistakes name the file and the key, and
// `config show` says where each value comes from.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;
using llmhw::test::ScopedEnv;
using llmhw::test::TempDir;
using llmhw::test::with_data;
using nlohmann::json;

namespace {

// A temporary XDG_CONFIG_HOME holding llmhw/config.json with the given text.
struct ConfigHome {
  TempDir home;
  std::filesystem::path file;
  ScopedEnv xdg;
  explicit ConfigHome(const std::string& config)
      : file(home.write("llmhw/config.json", config)), xdg("XDG_CONFIG_HOME", home.dir.string()) {}
};

json setting(const json& shown, const std::string& name) {
  for (const auto& s : shown.at("settings"))
    if (s.at("name") == name) return s;
  FAIL("no setting " << name);
  return {};
}

}  // namespace

TEST_CASE("config file values are the defaults of their flags; flags win", "[cli][config]") {
  const ConfigHome config(R"({"ttft": "800ms", "tpot": "40ms", "pricing": "spot", "format": "json",
                             "color": "never"})");
  const auto r = run_cli(with_data({"recommend", "--model", "8b", "--qps", "5"}));
  REQUIRE(r.code == 0);
  const auto q = json::parse(r.out).at("query");  // JSON: the file's format
  CHECK(q.at("ttft_ms") == 800);
  CHECK(q.at("tpot_ms") == 40);
  CHECK(q.at("pricing") == "spot");
  const auto flags = run_cli(
      with_data({"recommend", "--model", "8b", "--qps", "5", "--tpot", "30ms", "--pricing", "on-demand"}));
  const auto fq = json::parse(flags.out).at("query");
  CHECK(fq.at("ttft_ms") == 800);
  CHECK(fq.at("tpot_ms") == 30);
  CHECK(fq.at("pricing") == "on-demand");
  const auto table = run_cli(with_data({"recommend", "--model", "8b", "--qps", "5", "--format", "table"}));
  CHECK(table.out.find("targets: TTFT <= 800 ms, TPOT <= 40 ms;") != std::string::npos);
}

TEST_CASE("pue, electricity price and percentile targets from the config file reach recommend",
          "[cli][config]") {
  const ConfigHome config(R"({"pue": 1.5, "electricity_usd_per_kwh": 0.25, "ttft": "p90:800ms"})");
  const auto r = run_cli(with_data({"recommend", "--model", "8b", "--qps", "5", "--format", "json"}));
  REQUIRE(r.code == 0);
  const auto q = json::parse(r.out).at("query");
  CHECK(q.at("pue") == 1.5);
  CHECK(q.at("electricity_usd_per_kwh") == 0.25);
  CHECK(q.at("ttft_ms") == 800);
  CHECK(q.at("ttft_percentile") == 90);
  const auto flag = run_cli(with_data({"recommend", "--model", "8b", "--qps", "5", "--format", "json",
                                       "--pue", "1.1", "--electricity-price", "0.05"}));
  CHECK(json::parse(flag.out).at("query").at("pue") == 1.1);
  CHECK(json::parse(flag.out).at("query").at("electricity_usd_per_kwh") == 0.05);
}

TEST_CASE("without XDG_CONFIG_HOME the file is ~/.config/llmhw/config.json", "[cli][config]") {
  const TempDir home;
  home.write(".config/llmhw/config.json", R"({"tpot": "45ms", "format": "json"})");
  const ScopedEnv no_xdg("XDG_CONFIG_HOME", std::nullopt);
  const ScopedEnv h("HOME", home.dir.string());
  const auto r = run_cli(with_data({"recommend", "--model", "8b", "--qps", "5"}));
  REQUIRE(r.code == 0);
  CHECK(json::parse(r.out).at("query").at("tpot_ms") == 45);
}

TEST_CASE("config show: every setting with its value and source", "[cli][config]") {
  const ConfigHome config(R"({"tpot": "40ms", "pue": 1.3, "format": "csv"})");
  const auto r = run_cli({"--color", "never", "config", "show", "--format", "json"});
  REQUIRE(r.code == 0);
  const auto shown = json::parse(r.out);
  CHECK(shown.at("config_file") == config.file.string());
  CHECK(shown.at("config_file_found") == true);
  const std::string from_file = "config file " + config.file.string();
  CHECK(setting(shown, "tpot").at("value") == "40ms");
  CHECK(setting(shown, "tpot").at("source") == from_file);
  CHECK(setting(shown, "pue").at("value") == 1.3);
  CHECK(setting(shown, "pue").at("source") == from_file);
  CHECK(setting(shown, "format").at("value") == "json");  // the flag, over the file's csv
  CHECK(setting(shown, "format").at("source") == "flag");
  CHECK(setting(shown, "color").at("value") == "never");
  CHECK(setting(shown, "color").at("source") == "flag");
  CHECK(setting(shown, "ttft").at("source") == "default");
  CHECK(setting(shown, "pricing").at("value") == "on-demand");
  CHECK(setting(shown, "electricity_usd_per_kwh").at("value") == 0.1);  // the built-in default
  CHECK(setting(shown, "electricity_usd_per_kwh").at("source") == "default");
  CHECK(shown.at("settings").size() == 7);
  const auto table = run_cli({"config", "show", "--format", "table"});
  CHECK(table.out.find("tpot                     40ms       " + from_file) != std::string::npos);
  CHECK(table.out.find("ttft                     1000ms     default") != std::string::npos);
}

TEST_CASE("config show --help lists the settings with examples", "[cli][config]") {
  const auto r = run_cli({"config", "show", "--help"});
  CHECK(r.code == 0);
  for (const char* text :
       {"XDG_CONFIG_HOME", "electricity_usd_per_kwh", "--electricity-price", "pue", "Examples:"})
    CHECK(r.out.find(text) != std::string::npos);
}

TEST_CASE("a config file's format that a command lacks falls back to a table, noted unless quiet",
          "[cli][config]") {
  const ConfigHome config(R"({"format": "csv"})");
  const auto r = run_cli(with_data({"hardware", "show", "h100-sxm"}));
  CHECK(r.code == 0);
  CHECK(r.out.rfind("id ", 0) == 0);
  CHECK(r.err == "llmhw: note: `hardware show` has no csv output (format in " + config.file.string() +
                     "); printing a table\n");
  const auto quiet = run_cli(with_data({"hardware", "show", "h100-sxm", "-q"}));
  CHECK(quiet.code == 0);
  CHECK(quiet.err.empty());
  CHECK(run_cli(with_data({"hardware", "list"})).out.rfind("id,name,", 0) == 0);  // where it exists, CSV
}

TEST_CASE("config file mistakes name the file and the key, exit 1", "[cli][config]") {
  struct Case {
    std::string config, message;
  };
  const std::vector<Case> cases = {
      {R"({"ttfb": "800ms"})",
       "/ttfb: unknown setting (did you mean 'ttft'?); settings: ttft, tpot, pricing, format, color, pue, "
       "electricity_usd_per_kwh"},
      {R"({"tpot": "40"})", "/tpot: '40' needs a unit (ms or s), e.g. 40ms"},
      {R"({"tpot": 40})", "/tpot: expected a string"},
      {R"({"pricing": "cheap"})",
       "/pricing: 'cheap' is not one of on-demand, spot, reserved, amortized-purchase"},
      {R"({"format": "yaml"})", "/format: 'yaml' is not one of table, json, csv, markdown"},
      {R"({"color": true})", "/color: expected a string"},
      {R"({"pue": 0.9})", "/pue: '0.9' must be at least 1 (1 = no overhead)"},
      {R"({"pue": 3.5})", "/pue: '3.5' is above the limit of 3"},
      {R"({"pue": "1.2"})", "/pue: expected a number"},
      {R"({"electricity_usd_per_kwh": 0})", "/electricity_usd_per_kwh: must be > 0, got '0'"},
      {R"({"electricity_usd_per_kwh": 12})", "/electricity_usd_per_kwh: '12' is above the limit of 10"},
      {R"({"electricity_usd_per_kwh": 10})", "/electricity_usd_per_kwh: '10' must be less than 10 USD/kWh"},
      {R"({"ttft": "q90:800ms"})", "/ttft: 'q90:800ms' is not a target (expected e.g. 800ms or p90:800ms)"},
      {R"(["tpot"])", "/: expected an object of settings"},
  };
  for (const Case& c : cases) {
    INFO(c.config);
    const ConfigHome config(c.config);
    const auto r = run_cli(with_data({"hardware", "list"}));
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err == "llmhw: error: " + config.file.string() + ": " + c.message + "\n");
  }
  const ConfigHome broken("{\"tpot\": ");
  CHECK(run_cli({"config", "show"}).err.find(broken.file.string() + ": invalid JSON") != std::string::npos);
}

TEST_CASE("valid pue and electricity price are accepted", "[cli][config]") {
  const ConfigHome config(R"({"pue": 1, "electricity_usd_per_kwh": 0.12})");
  const auto r = run_cli({"config", "show", "--format", "json"});
  REQUIRE(r.code == 0);
  const auto shown = json::parse(r.out);
  CHECK(setting(shown, "pue").at("value") == 1);
  CHECK(setting(shown, "electricity_usd_per_kwh").at("value") == 0.12);
}
