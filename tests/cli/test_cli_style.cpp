// Table layout and presentation: every table line fits 100 columns; colour only where asked for
// (--color, NO_COLOR, a terminal) and never in JSON, CSV or Markdown; --quiet prints data only.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;
using llmhw::test::run_cli_on_terminal;
using llmhw::test::ScopedEnv;
using llmhw::test::with_data;

namespace {

// Characters a terminal shows: UTF-8 continuation bytes (10xxxxxx) do not start a character.
size_t columns(const std::string& line) {
  size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

bool has_escape(const std::string& text) {
  return text.find('\x1b') != std::string::npos;
}

// The text without ANSI colour sequences (ESC [ digits m).
std::string strip_colour(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i = text.find('m', i);
      continue;
    }
    out += text[i];
  }
  return out;
}

const std::string kShippedData = LLMHW_DATA;

}  // namespace

TEST_CASE("every line of the table outputs fits in 100 columns", "[cli][style]") {
  const std::vector<std::vector<std::string>> commands = {
      {"recommend", "--model", "70b", "--qps", "50"},
      {"recommend", "--model", "8b", "--qps", "2", "--top", "100"},
      {"recommend", "--model", "llama-3.1-70b", "--qps", "30", "--top", "100", "--budget", "1/h"},
      {"recommend", "--model", "405b", "--qps", "5", "--pricing", "amortized-purchase", "--top", "100"},
      {"recommend", "--model", "70b", "--qps", "50", "--tpot", "1ms"},
      {"recommend", "--model", "70b", "--qps", "20", "--ttft", "p90:800ms", "--tpot", "p99:60ms",
       "--input-tokens", "512..4096", "--e2e", "p90:30s", "--explain"},
      {"recommend", "--model", "8b", "--qps", "100", "--optimize", "latency", "--all", "--explain"},
      {"estimate", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "4", "--precision", "fp8",
       "--input-tokens", "1024", "--output-tokens", "256", "--concurrency", "64"},
      {"estimate", "--model", "405b", "--hardware", "l4", "--tp", "1", "--input-tokens", "1024",
       "--output-tokens", "256", "--concurrency", "1"},
      {"hardware", "list"},
      {"models", "list"},
      {"hardware", "show", "h100-sxm"},
      {"models", "show", "llama-3.1-70b"},
      {"config", "show"}};
  // The shipped catalog has the longest ids, names and sources.
  auto shipped = commands;
  shipped.push_back({"recommend", "--model", "deepseek-v3", "--qps", "30", "--top", "100"});
  shipped.push_back({"models", "show", "qwen3.5-397b-a17b"});
  shipped.push_back({"hardware", "show", "rtx-pro-6000"});
  for (const auto& [data, list] :
       {std::pair(fixture_data().string(), commands), std::pair(kShippedData, shipped)}) {
    for (const auto& args : list) {
      const auto r = run_cli(with_data(args, data));
      std::string command;
      for (const auto& a : args) command += " " + a;
      INFO(data << ":" << command);
      CHECK((r.code == 0 || r.code == 3));
      CHECK(!r.out.empty());
      std::istringstream in(r.out);
      for (std::string line; std::getline(in, line);) {
        INFO(line);
        CHECK(columns(line) <= 100);
      }
    }
  }
}

TEST_CASE("color always colours tables, even piped and with NO_COLOR; the text is unchanged",
          "[cli][style]") {
  const ScopedEnv no_color("NO_COLOR", "1");
  const auto plain = run_cli(with_data({"recommend", "--model", "70b", "--qps", "50"}));
  const auto colour = run_cli(with_data({"--color", "always", "recommend", "--model", "70b", "--qps", "50"}));
  REQUIRE(colour.code == 0);
  CHECK(!has_escape(plain.out));
  CHECK(has_escape(colour.out));
  CHECK(colour.out.find("\x1b[1m#") != std::string::npos);    // bold header row
  CHECK(colour.out.find("\x1b[32m1 ") != std::string::npos);  // the recommended row in green
  CHECK(strip_colour(colour.out) == plain.out);
  for (const auto& cmd : std::vector<std::vector<std::string>>{{"hardware", "list", "--color", "always"},
                                                               {"models", "list", "--color", "always"}}) {
    const auto r = run_cli(with_data(cmd));
    CHECK(has_escape(r.out));
    auto without = cmd;
    without.resize(2);
    CHECK(strip_colour(r.out) == run_cli(with_data(without)).out);
  }
}

TEST_CASE("auto colours a terminal unless NO_COLOR is set to something; never and pipes stay plain",
          "[cli][style]") {
  const std::vector<std::string> args = {"recommend", "--model", "70b", "--qps", "50"};
  {
    const ScopedEnv unset("NO_COLOR", std::nullopt);
    CHECK(has_escape(run_cli_on_terminal(with_data(args)).out));
    CHECK(!has_escape(run_cli(with_data(args)).out));  // not a terminal
    auto never = args;
    never.insert(never.end(), {"--color", "never"});
    CHECK(!has_escape(run_cli_on_terminal(with_data(never)).out));
  }
  {
    const ScopedEnv empty("NO_COLOR", "");  // empty means unset (no-color.org)
    CHECK(has_escape(run_cli_on_terminal(with_data(args)).out));
  }
  {
    const ScopedEnv set("NO_COLOR", "yes");
    CHECK(!has_escape(run_cli_on_terminal(with_data(args)).out));
  }
}

TEST_CASE("the binary writing to a pipe: no colour under auto", "[cli][style]") {
  const auto r =
      llmhw::test::run_binary_env("-u NO_COLOR", "--data-dir " + fixture_data().string() + " hardware list");
  CHECK(r.code == 0);
  CHECK(!has_escape(r.out));
  CHECK(r.out.rfind("id ", 0) == 0);
}

TEST_CASE("JSON, CSV and Markdown never contain colour", "[cli][style]") {
  for (const char* format : {"json", "csv", "markdown"}) {
    INFO(format);
    const auto r = run_cli_on_terminal(
        with_data({"--color", "always", "recommend", "--model", "70b", "--qps", "50", "--format", format}));
    CHECK(r.code == 0);
    CHECK(!has_escape(r.out));
    CHECK(!has_escape(
        run_cli_on_terminal(with_data({"--color", "always", "hardware", "list", "--format", format})).out));
  }
}

TEST_CASE("color takes auto, always or never", "[cli][style]") {
  const auto r = run_cli(with_data({"--color", "sometimes", "hardware", "list"}));
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "llmhw: error: --color: 'sometimes' is not one of auto, always, never\n");
}

TEST_CASE("quiet prints the data only and keeps the exit code", "[cli][style]") {
  // Aggregated layouts only: a disaggregated row's wider layout cell wraps the last column.
  const std::vector<std::string> args = {"recommend", "--model", "70b", "--qps", "50", "--no-disaggregated"};
  const auto full = run_cli(with_data(args));
  auto q = args;
  q.push_back("--quiet");
  const auto quiet = run_cli(with_data(q));
  REQUIRE(quiet.code == full.code);
  CHECK(quiet.err.empty());
  // Only the ranked table: its header row first, every row also in the full output.
  CHECK(quiet.out.rfind("#  hardware", 0) == 0);
  for (const char* gone : {"Why:", "Rejected:", "Efficiency factors", "targets:", "more feasible"})
    CHECK(quiet.out.find(gone) == std::string::npos);
  std::istringstream in(quiet.out);
  size_t rows = 0;
  for (std::string line; std::getline(in, line); ++rows)
    CHECK(full.out.find(line + "\n") != std::string::npos);
  auto json_args = args;
  json_args.insert(json_args.end(), {"--format", "json"});
  const auto feasible =
      nlohmann::json::parse(run_cli(with_data(json_args)).out).at("feasible_count").get<size_t>();
  // The ranking and the costs: each a header and a row per recommendation (--top 10), with a
  // blank line and "Cost:" between them.
  CHECK(rows == 2 * (1 + std::min<size_t>(feasible, 10)) + 2);
  // Nothing feasible: the answer is the rejections, and exit 3 stays.
  const auto none = run_cli(with_data({"-q", "recommend", "--model", "70b", "--qps", "50", "--tpot", "1ms"}));
  CHECK(none.code == 3);
  CHECK(none.out.find("No deployment meets the constraints.") == 0);
  CHECK(none.out.find("Rejected:") != std::string::npos);
  // Other commands drop their footers and notes; JSON is unchanged.
  CHECK(run_cli(with_data({"hardware", "list", "-q"})).out.find("profiles;") == std::string::npos);
  CHECK(run_cli(with_data({"models", "list", "-q"})).out.find("models;") == std::string::npos);
  // More requests than the KV cache holds: a note says so (the evidence is a row, not a note).
  const std::vector<std::string> est = {"estimate", "--model",        "8b",  "--hardware",
                                        "l4",       "--input-tokens", "512", "--output-tokens",
                                        "128",      "--concurrency",  "100"};
  auto est_q = est;
  est_q.push_back("-q");
  const auto e = run_cli(with_data(est_q));
  CHECK(e.out.rfind("memory ", 0) == 0);
  CHECK(e.out.find("note:") == std::string::npos);
  CHECK(run_cli(with_data(est)).out.find("note:") != std::string::npos);
  auto as_json = args, as_json_q = args;
  as_json.insert(as_json.end(), {"--format", "json"});
  as_json_q.insert(as_json_q.end(), {"--format", "json", "-q"});
  CHECK(run_cli(with_data(as_json)).out == run_cli(with_data(as_json_q)).out);
}

TEST_CASE("help documents --quiet, --color and the formats", "[cli][style]") {
  const auto top = run_cli({"--help"});
  CHECK(top.out.find("-q,--quiet") != std::string::npos);
  CHECK(top.out.find("--color") != std::string::npos);
  CHECK(top.out.find("NO_COLOR") != std::string::npos);
  CHECK(run_cli({"recommend", "--help"}).out.find("table, json, csv or markdown") != std::string::npos);
}
