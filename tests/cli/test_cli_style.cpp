// Table layout: every table line fits 100 columns.
#include <catch2/catch.hpp>
#include <sstream>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;

namespace {

std::vector<std::string> with_data(std::vector<std::string> args,
                                   const std::string& data = fixture_data().string()) {
  args.insert(args.begin(), {"--data-dir", data});
  return args;
}

// Characters a terminal shows: UTF-8 continuation bytes (10xxxxxx) do not start a character.
size_t columns(const std::string& line) {
  size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
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
      {"estimate", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "4", "--precision", "fp8",
       "--input-tokens", "1024", "--output-tokens", "256", "--concurrency", "64"},
      {"estimate", "--model", "405b", "--hardware", "l4", "--tp", "1", "--input-tokens", "1024",
       "--output-tokens", "256", "--concurrency", "1"},
      {"hardware", "list"},
      {"models", "list"},
      {"hardware", "show", "h100-sxm"},
      {"models", "show", "llama-3.1-70b"},
};
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
