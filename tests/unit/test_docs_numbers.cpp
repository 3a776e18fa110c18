// The README's counts of the shipped data (catalog models, hardware profiles, rows the
// efficiency factors were fitted to) are the data's: a count that drifts when data is added
// fails here instead of misleading a reader.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "../cli/cli_harness.hpp"

using llmhw::test::read_text;

namespace {

namespace fs = std::filesystem;

size_t json_files(const fs::path& dir) {
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) n += entry.path().extension() == ".json";
  return n;
}

// Every number the pattern's first group captures, thousands separators removed.
std::vector<long> numbers(const std::string& text, const std::string& pattern) {
  std::vector<long> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    std::string digits = (*it)[1].str();
    digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
    out.push_back(std::stol(digits));
  }
  return out;
}

}  // namespace

TEST_CASE("the README counts the shipped data as it is", "[docs]") {
  const fs::path data = LLMHW_DATA;
  const std::string readme = read_text(data.parent_path() / "README.md");
  REQUIRE(!readme.empty());
  const auto models = numbers(readme, R"((\d+) catalog models)");
  REQUIRE(!models.empty());
  for (long n : models) CHECK(n == static_cast<long>(json_files(data / "models")));
  const auto profiles = numbers(readme, R"((\d+) device profiles)");
  REQUIRE(!profiles.empty());
  for (long n : profiles) CHECK(n == static_cast<long>(json_files(data / "hardware")));
  // efficiency.json's status names the rows of the fit: "fitted on DATE by tools/calibrate to N rows".
  const auto status =
      nlohmann::json::parse(read_text(data / "efficiency.json")).at("status").get<std::string>();
  const auto fitted = numbers(status, R"(to ([\d,]+) rows)");
  REQUIRE(fitted.size() == 1);
  const auto claimed = numbers(readme, R"(tools/calibrate`?\s+to\s+([\d,]+)\s+(?:rows|measured))");
  REQUIRE(!claimed.empty());
  for (long n : claimed) CHECK(n == fitted.front());
}
