// hardware list/show, validate, user profiles (--hardware-file, $XDG_CONFIG_HOME) and the
// recommend filters, run on the frozen fixture.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;
using llmhw::test::with_data;
using nlohmann::json;

namespace {

json fixture_profile(const std::string& id) {
  return json::parse(std::ifstream(fixture_data() / "hardware" / (id + ".json")));
}

std::set<std::string> ids_in(const json& list) {
  std::set<std::string> ids;
  for (const auto& item : list) ids.insert(item.at("hardware").at("id").get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("hardware list shows every profile, filtered by kind", "[cli][hardware]") {
  const auto all = run_cli(with_data({"hardware", "list"}));
  CHECK(all.code == 0);
  for (const char* id : {"h100-sxm", "l4", "mi300x", "tpu-v6e", "xeon-6980p"})
    CHECK(all.out.find(id) != std::string::npos);
  const auto tpus = run_cli(with_data({"hardware", "list", "--kind", "tpu", "--format", "json"}));
  REQUIRE(tpus.code == 0);
  const auto doc = json::parse(tpus.out);
  REQUIRE(doc.at("hardware").size() == 1);
  CHECK(doc.at("hardware")[0] == fixture_profile("tpu-v6e"));
}

TEST_CASE("hardware show prints the profile with its sources; JSON wraps the profile itself",
          "[cli][hardware]") {
  const auto table = run_cli(with_data({"hardware", "show", "h100-sxm"}));
  CHECK(table.code == 0);
  CHECK(table.out.find("source: tflops") != std::string::npos);
  CHECK(table.out.find("on-demand $6.88/h") != std::string::npos);
  const auto js = run_cli(with_data({"hardware", "show", "h100-sxm", "--format", "json"}));
  const auto shown = json::parse(js.out);
  CHECK(shown.size() == 2);
  CHECK(shown.at("schema_version") == 1);
  CHECK(shown.at("hardware") == fixture_profile("h100-sxm"));
  const auto typo = run_cli(with_data({"hardware", "show", "h10"}));
  CHECK(typo.code == 2);
  CHECK(typo.err ==
        "llmhw: error: hardware show: unknown hardware 'h10'; did you mean 'h100-sxm'?; `llmhw hardware "
        "list` shows "
        "the catalog\n");
}

TEST_CASE("validate lists every problem and exits 1, or says valid and exits 0", "[cli][hardware]") {
  const llmhw::test::ScratchData data;
  const auto good = (data.dir / "hardware" / "l4.json").string();
  const auto ok = run_cli({"validate", good});
  CHECK(ok.code == 0);
  CHECK(ok.out == good + ": valid\n");

  json broken = fixture_profile("l4");
  broken["memory_gb"] = -24;
  broken["kind"] = "fpga";
  broken.erase("sources");
  data.write("bad.json", broken.dump());
  const auto bad_path = (data.dir / "bad.json").string();
  const auto bad = run_cli({"validate", good, bad_path});
  CHECK(bad.code == 1);
  CHECK(bad.out == good + ": valid\n" + bad_path + ": /sources: missing\n" + bad_path +
                       ": /kind: \"fpga\" is not one of cpu, gpu, tpu, accelerator\n" + bad_path +
                       ": /memory_gb: must be more than 0, got -24\n");

  const auto missing = run_cli({"validate", (data.dir / "nope.json").string()});
  CHECK(missing.code == 1);
  CHECK(missing.out == (data.dir / "nope.json").string() + ": no such file\n");
}

TEST_CASE("a hardware file adds or overrides a profile, and the override is noted", "[cli][hardware]") {
  const llmhw::test::ScratchData scratch;
  json cheaper = fixture_profile("h100-sxm");
  cheaper["prices"] = json::array({{{"pricing", "on-demand"},
                                    {"usd_per_device_hour", 1.0},
                                    {"provider", "mycloud"},
                                    {"date", "2026-11"},
                                    {"source", "our contract"}}});
  scratch.write("h100-sxm.json", cheaper.dump());
  const auto file = (scratch.dir / "h100-sxm.json").string();
  const auto r = run_cli(with_data({"recommend", "--model", "70b", "--qps", "50", "--format", "json",
                                    "--hardware-file", file, "--hardware", "h100-sxm"}));
  REQUIRE(r.code == 0);
  const auto doc = json::parse(r.out);
  CHECK(doc.at("recommendations")[0].at("cost").at("price").at("provider") == "mycloud");
  REQUIRE(doc.at("notes").size() == 1);
  CHECK(doc.at("notes")[0].get<std::string>().find("h100-sxm: profile from " + file + " overrides ") == 0);

  SECTION("the same id twice among user files is an error") {
    const auto twice =
        run_cli(with_data({"--hardware-file", file, "--hardware-file", file, "hardware", "list"}));
    CHECK(twice.code == 1);
    CHECK(twice.err ==
          "llmhw: error: " + file + ": /id: duplicate hardware id 'h100-sxm' (also in " + file + ")\n");
  }
}

TEST_CASE("profiles in $XDG_CONFIG_HOME/llmhw/hardware join the catalog", "[cli][hardware]") {
  const llmhw::test::ScratchData scratch;
  std::filesystem::create_directories(scratch.dir / "xdg" / "llmhw" / "hardware");
  json mine = fixture_profile("l4");
  mine["id"] = "my-l4";
  scratch.write("xdg/llmhw/hardware/my-l4.json", mine.dump());
  const char* old = std::getenv("XDG_CONFIG_HOME");
  const std::string saved = old ? old : "";
  ::setenv("XDG_CONFIG_HOME", (scratch.dir / "xdg").c_str(), 1);
  const auto r = run_cli(with_data({"hardware", "list"}));
  old ? ::setenv("XDG_CONFIG_HOME", saved.c_str(), 1) : ::unsetenv("XDG_CONFIG_HOME");
  CHECK(r.code == 0);
  CHECK(r.out.find("my-l4") != std::string::npos);
}

TEST_CASE("recommend filters: --vendor, --hardware, --exclude, --cloud", "[cli][hardware]") {
  auto considered = [](std::vector<std::string> extra) {
    std::vector<std::string> args = {"recommend", "--model", "8b",    "--qps", "5",
                                     "--format",  "json",    "--top", "100"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(with_data(args));
    const auto doc = json::parse(r.out);
    auto ids = ids_in(doc.at("recommendations"));
    for (const auto& id : ids_in(doc.at("rejected"))) ids.insert(id);
    return ids;
  };
  CHECK(considered({"--vendor", "amd"}) == std::set<std::string>{"mi300x"});
  CHECK(considered({"--hardware", "l4,h100-sxm"}) == std::set<std::string>{"h100-sxm", "l4"});
  CHECK(considered({"--exclude", "l4,mi300x"}) == std::set<std::string>{"h100-sxm", "tpu-v6e", "xeon-6980p"});
  // GCP offers h100-sxm, l4 and tpu-v6e in the fixture profiles' availability lists.
  const auto gcp = considered({"--cloud", "gcp"});
  CHECK(gcp.count("tpu-v6e") == 1);
  CHECK(gcp.count("mi300x") == 0);
  const auto typo = run_cli(with_data({"recommend", "--model", "8b", "--qps", "5", "--exclude", "l5"}));
  CHECK(typo.code == 2);
  CHECK(typo.err ==
        "llmhw: error: --exclude: unknown hardware 'l5'; did you mean 'l4'?; `llmhw hardware list` shows the "
        "catalog\n");
}
