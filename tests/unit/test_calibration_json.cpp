// Reading data/efficiency.json (src/io/calibration_json.cpp): the link share is optional (the
// datasheet, 1, when absent) and, like every efficiency, may not exceed the datasheet.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"

namespace fs = std::filesystem;

namespace {

// The fixture efficiency.json with by_kind.gpu.interconnect_bandwidth set (or left out when
// `share` is negative), written to a temporary file.
fs::path efficiency_with_link_share(double share) {
  nlohmann::json doc;
  std::ifstream(fs::path(LLMHW_TEST_FIXTURES) / "data" / "efficiency.json") >> doc;
  if (share >= 0) doc["by_kind"]["gpu"]["interconnect_bandwidth"] = share;
  const fs::path file = fs::temp_directory_path() / "llmhw_efficiency_link_test.json";
  std::ofstream(file) << doc.dump(2);
  return file;
}

}  // namespace

TEST_CASE("efficiency.json: interconnect_bandwidth is optional and at most the datasheet", "[io]") {
  const fs::path absent = efficiency_with_link_share(-1);
  CHECK(llmhw::io::load_calibration(absent).gpu.interconnect_bandwidth == 1.0);

  const fs::path half = efficiency_with_link_share(0.5);
  CHECK(llmhw::io::load_calibration(half).gpu.interconnect_bandwidth == 0.5);

  const fs::path above = efficiency_with_link_share(1.5);
  try {
    llmhw::io::load_calibration(above);
    FAIL("a link share above 1 was accepted");
  } catch (const llmhw::Error& e) {
    CHECK(e.code() == llmhw::ExitCode::runtime);
    CHECK_THAT(e.what(), Catch::Contains("interconnect_bandwidth") && Catch::Contains("at most 1"));
  }
  fs::remove(above);
}
