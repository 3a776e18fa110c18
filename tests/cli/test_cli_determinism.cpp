// Same input, same bytes out: whatever the locale, the order of files in a directory, or the run.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "cli_harness.hpp"

using llmhw::test::run_binary;
using llmhw::test::run_cli;

TEST_CASE("output does not depend on the locale", "[cli][determinism]") {
  const std::string args = "--data-dir " + llmhw::test::fixture_data().string() +
                           " recommend --model llama-3.1-70b --qps 12.5 --format json";
  const auto c = llmhw::test::run_binary_env("LC_ALL=C", args);
  REQUIRE(c.code == 0);
  // Locales with a decimal comma and grouping; a locale the machine lacks falls back to C, which
  // must give the same bytes too.
  for (const char* locale : {"C.UTF-8", "POSIX", "de_DE.UTF-8", "fr_FR.UTF-8"}) {
    INFO(locale);
    const auto r = llmhw::test::run_binary_env(std::string("LC_ALL=") + locale + " LANG=" + locale, args);
    CHECK(r.code == 0);
    CHECK(r.out == c.out);
  }
}

TEST_CASE("output does not depend on the order files were written to a directory", "[cli][determinism]") {
  const llmhw::test::ScratchData forward;
  const llmhw::test::ScratchData backward;
  // Rewrite the second copy's profiles in reverse name order, so that directory listings differ.
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(backward.dir / "hardware"))
    files.push_back(e.path());
  std::sort(files.rbegin(), files.rend());
  for (const auto& f : files) {
    const auto copy = f.string() + ".tmp";
    std::filesystem::rename(f, copy);
    std::filesystem::rename(copy, f);
  }
  const std::vector<std::string> args = {"recommend", "--model", "8b", "--qps", "40", "--format", "json"};
  auto with = [&](const std::filesystem::path& dir) {
    std::vector<std::string> a = {"--data-dir", dir.string()};
    a.insert(a.end(), args.begin(), args.end());
    return run_cli(a);
  };
  const auto a = with(forward.dir), b = with(backward.dir);
  REQUIRE(a.code == 0);
  CHECK(a.out == b.out);
}
