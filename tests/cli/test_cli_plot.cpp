// recommend --plot: the file is written before stdout, deterministic, and an unwritable path is a
// runtime error naming --plot. (tests/plot/check_plot.py checks the SVG's XML, points and frontier.)
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::read_text;
using llmhw::test::run_cli;
using llmhw::test::TempDir;

TEST_CASE("recommend --plot writes the same SVG bytes on every run and keeps stdout as it was",
          "[cli][plot]") {
  const TempDir tmp;
  const std::vector<std::string> base = {
      "--data-dir", fixture_data().string(), "recommend", "--model", "70b", "--qps", "50"};
  auto a = base, b = base;
  a.insert(a.end(), {"--plot", (tmp.dir / "a.svg").string()});
  b.insert(b.end(), {"--plot", (tmp.dir / "b.svg").string()});
  const auto ra = run_cli(a), rb = run_cli(b);
  REQUIRE(ra.code == 0);
  CHECK(ra.err.empty());
  CHECK(ra.out == run_cli(base).out);
  const std::string svg = read_text(tmp.dir / "a.svg");
  CHECK(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0) == 0);
  CHECK(svg == read_text(tmp.dir / "b.svg"));
}

TEST_CASE("recommend --plot to a path that cannot be written: exit 1, naming --plot, nothing on stdout",
          "[cli][plot]") {
  const auto r = run_cli({"--data-dir", fixture_data().string(), "recommend", "--model", "70b", "--qps", "50",
                          "--plot", "/nonexistent-llmhw-dir/plot.svg"});
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "llmhw: error: --plot: cannot write /nonexistent-llmhw-dir/plot.svg: No such file or directory\n");
}

TEST_CASE("recommend --plot with nothing feasible still writes a plot that says so, and exits 3",
          "[cli][plot]") {
  const TempDir tmp;
  const auto r = run_cli({"--data-dir", fixture_data().string(), "recommend", "--model", "70b", "--qps", "50",
                          "--tpot", "1ms", "--plot", (tmp.dir / "none.svg").string()});
  CHECK(r.code == 3);
  const std::string svg = read_text(tmp.dir / "none.svg");
  CHECK(svg.find("No deployment meets the constraints.") != std::string::npos);
  CHECK(svg.find("<circle class=\"point") == std::string::npos);
}

TEST_CASE("recommend --plot is one plot per query: refused with --scenarios", "[cli][plot]") {
  const auto r = run_cli({"--data-dir", fixture_data().string(), "recommend", "--model", "70b", "--scenarios",
                          "/dev/null", "--plot", "/tmp/llmhw-never-written.svg"});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "llmhw: error: --plot: one plot per query, not with --scenarios\n");
  CHECK(!std::filesystem::exists("/tmp/llmhw-never-written.svg"));
}
