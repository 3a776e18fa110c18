// CPU instance sizes beyond Graviton (issue 23): AWS c7a and GCP c3d on the Genoa profile, GCP n4
// and c4 on the Emerald Rapids profile. A slice takes the instance of its size with the lowest
// price per core, and an instance sold with SMT off states its cores.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "../cli/cli_harness.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"

namespace fs = std::filesystem;
using llmhw::Precision;

namespace {

using llmhw::test::kData;

const llmhw::Hardware& find(const std::vector<llmhw::Hardware>& catalog, const std::string& id) {
  for (const auto& hw : catalog) {
    if (hw.id == id) return hw;
  }
  FAIL("no profile " << id);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("an AWS c7a vCPU is a whole Genoa core: 8 vCPUs get 8 of the 96 cores", "[slice][instances]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const llmhw::Hardware& genoa = find(catalog, "epyc-9654");
  // 8 vCPUs: c7a.2xlarge ($0.41056/h, 8 cores) against c3d-standard-8 ($0.363192/h, 4 cores with
  // SMT): $0.0513 against $0.0908 per core.
  const llmhw::Hardware s = llmhw::slice(genoa, 8);
  CHECK(s.cpu.cores == 8);
  CHECK(s.vcpus == 8);
  CHECK(s.memory_gb == Approx(17.18));  // 16 GiB
  // No per-core bandwidth for Genoa: the cores' share of 12 x 4800 MT/s x 8 B = 460.8 GB/s.
  CHECK(s.memory_bandwidth_gbps == Approx(460.8 * 8 / 96));
  CHECK(*s.peak_tflops(Precision::bf16) == Approx(14.75 * 8 / 96));
  REQUIRE(s.prices.size() == 1);
  CHECK(s.prices[0].instance_type == "c7a.2xlarge");
  CHECK(s.prices[0].usd_per_device_hour == Approx(0.41056));
  // 96 vCPUs of c7a.24xlarge are the whole socket's cores.
  CHECK(llmhw::slice(genoa, 96).cpu.cores == 96);
  CHECK(llmhw::slice(genoa, 96).memory_bandwidth_gbps == Approx(460.8));
}

TEST_CASE("a GCP c3d vCPU is one of a Genoa core's two threads", "[slice][instances]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  // 30 vCPUs are sold only as c3d-standard-30: 15 cores, 120 GiB, $1.36197/h.
  const llmhw::Hardware s = llmhw::slice(find(catalog, "epyc-9654"), 30);
  CHECK(s.cpu.cores == 15);
  CHECK(s.memory_gb == Approx(128.85));
  CHECK(s.memory_bandwidth_gbps == Approx(460.8 * 15 / 96));
  REQUIRE(s.prices.size() == 1);
  CHECK(s.prices[0].instance_type == "c3d-standard-30");
  CHECK(s.prices[0].usd_per_device_hour == Approx(1.36197));
}

TEST_CASE("Emerald Rapids sells as GCP n4 and c4; the cheaper per core wins a size", "[slice][instances]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const llmhw::Hardware& emr = find(catalog, "xeon-8592");
  // 8 vCPUs = 4 cores either way: n4-standard-8 ($0.3628/h, 32 GiB) beats c4-standard-8 ($0.39534).
  const llmhw::Hardware s = llmhw::slice(emr, 8);
  CHECK(s.cpu.cores == 4);
  CHECK(s.memory_gb == Approx(34.36));
  CHECK(s.memory_bandwidth_gbps == Approx(358.4 * 4 / 64));
  REQUIRE(s.prices.size() == 1);
  CHECK(s.prices[0].instance_type == "n4-standard-8");
  // 96 vCPUs only as c4-standard-96 (48 of the 64 cores).
  const llmhw::Hardware big = llmhw::slice(emr, 96);
  CHECK(big.cpu.cores == 48);
  REQUIRE(big.prices.size() == 1);
  CHECK(big.prices[0].instance_type == "c4-standard-96");
  CHECK(llmhw::sellable_vcpus(emr) == std::vector<int>{2, 4, 8, 16, 24, 32, 48, 64, 80, 96});
}

TEST_CASE("a price's cores must fit its vCPUs and one socket", "[slice][instances]") {
  const fs::path dir = fs::temp_directory_path() / "llmhw_test_cpu_instances";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ifstream in(kData / "hardware" / "epyc-9654.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // c7a.2xlarge claims 16 cores for its 8 vCPUs: more cores than vCPUs.
  const std::string from = "\"vcpus\": 8,\n      \"cores\": 8,";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), "\"vcpus\": 8,\n      \"cores\": 16,");
  std::ofstream(dir / "epyc-9654.json") << text;
  CHECK_THROWS_WITH(llmhw::io::load_hardware_dir(dir),
                    Catch::Contains("cores") && Catch::Contains("16 cores for 8 vCPUs"));
  fs::remove_all(dir);
}
