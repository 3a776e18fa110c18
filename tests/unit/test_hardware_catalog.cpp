// The shipped hardware catalog: complete, valid, and right on flagship datasheet figures.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "../cli/cli_harness.hpp"
#include "llmhw/io/loaders.hpp"

namespace fs = std::filesystem;
using llmhw::Precision;
using llmhw::test::find_hardware;

namespace {

using llmhw::test::kData;

// A figure as printed by its vendor (dense), typed here from the source named in the comment,
// never read from the data files.
struct Flagship {
  std::string id;
  double memory_gb, bandwidth_gbps;
  Precision precision;
  double dense_tflops;
  double tdp_w;  // 0 = vendor publishes none
};

}  // namespace

TEST_CASE("the catalog has every id the issue fixes, each loading cleanly", "[catalog]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  std::set<std::string> ids;
  for (const auto& hw : catalog) ids.insert(hw.id);
  for (const char* id :
       {"t4",        "l4",           "a10g",           "l40s",        "a100-40gb",  "a100-80gb", "h100-pcie",
        "h100-sxm",  "h100-nvl",     "h200-sxm",       "gh200",       "b200",       "gb200",     "b300",
        "rtx-4090",  "rtx-6000-ada", "rtx-pro-6000",   "mi250x",      "mi300x",     "mi325x",    "mi355x",
        "gaudi2",    "gaudi3",       "inferentia2",    "trainium2",   "tpu-v4",     "tpu-v5e",   "tpu-v5p",
        "tpu-v6e",   "tpu-v7",       "xeon-8480",      "xeon-8592",   "xeon-6980p", "epyc-9654", "epyc-9965",
        "graviton3", "graviton4",    "apple-m2-ultra", "apple-m4-max"}) {
    INFO(id);
    CHECK(ids.count(id) == 1);
  }
}

TEST_CASE("every shipped profile passes the schema and the ratio checks without a warning", "[catalog]") {
  for (const auto& entry : fs::directory_iterator(kData / "hardware")) {
    const auto problems = llmhw::io::check_hardware_file(entry.path());
    for (const auto& p : problems) FAIL(p.line());
    CHECK(problems.empty());
  }
}

TEST_CASE("flagship figures match their datasheets (dense)", "[catalog]") {
  const std::vector<Flagship> flagships = {
      // NVIDIA H100 datasheet (SXM5): 80 GB HBM3, 3.35 TB/s, BF16 1,979 TFLOPS *with sparsity*, up to 700 W.
      {"h100-sxm", 80, 3350, Precision::bf16, 1979.0 / 2, 700},
      {"h100-sxm", 80, 3350, Precision::fp8, 3958.0 / 2, 700},
      // NVIDIA H200 datasheet (SXM): 141 GB HBM3e, 4.8 TB/s, FP8 3,958 TFLOPS with sparsity, up to 700 W.
      {"h200-sxm", 141, 4800, Precision::fp8, 3958.0 / 2, 700},
      // NVIDIA A100 datasheet (80GB SXM): 2,039 GB/s, BF16 312 TFLOPS dense (624 sparse), 400 W.
      {"a100-80gb", 80, 2039, Precision::bf16, 312, 400},
      // NVIDIA L4 datasheet: 24 GB, 300 GB/s, FP8 485 TFLOPS with sparsity, 72 W.
      {"l4", 24, 300, Precision::fp8, 485.0 / 2, 72},
      // NVIDIA HGX B200 (per GPU): 180 GB HBM3e, 7.7 TB/s, FP8 9 PFLOPS with sparsity, 1000 W.
      {"b200", 180, 7700, Precision::fp8, 9000.0 / 2, 1000},
      // AMD Instinct MI300X datasheet: 192 GB HBM3, 5.3 TB/s, FP16/BF16 1,307.4 TFLOPS dense, 750 W.
      {"mi300x", 192, 5300, Precision::bf16, 1307.4, 750},
      // AMD Instinct MI300X datasheet: FP8 2,614.9 TFLOPS dense (5,229.8 with sparsity).
      {"mi300x", 192, 5300, Precision::fp8, 2614.9, 750},
      // Google Cloud TPU v5e system architecture: 16 GB HBM2 at 819 GBps, 197 TFLOPs bf16 per chip.
      {"tpu-v5e", 16, 819, Precision::bf16, 197, 0},
      // Google Cloud TPU v6e (Trillium): 32 GB, 1638 GBps, 918 TFLOPs bf16 per chip.
      {"tpu-v6e", 32, 1638, Precision::bf16, 918, 0},
      // Intel Gaudi 3 white paper: 128 GB HBM2e, 3.7 TB/s, MME BF16 1,835 TFLOPS, 900 W OAM.
      {"gaudi3", 128, 3670, Precision::bf16, 1835, 900},
      // NVIDIA RTX 4090: 24 GB GDDR6X at 21 Gbps x 384 bit = 1,008 GB/s, 450 W.
      {"rtx-4090", 24, 1008, Precision::bf16, 330.3 / 2, 450},
  };
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  for (const Flagship& f : flagships) {
    INFO(f.id);
    const auto& hw = find_hardware(catalog, f.id);
    CHECK(hw.memory_gb == Approx(f.memory_gb).epsilon(0.01));
    CHECK(hw.memory_bandwidth_gbps == Approx(f.bandwidth_gbps).epsilon(0.01));
    REQUIRE(hw.peak_tflops(f.precision).has_value());
    CHECK(*hw.peak_tflops(f.precision) == Approx(f.dense_tflops).epsilon(0.01));
    if (f.tdp_w > 0) CHECK(hw.tdp_w == Approx(f.tdp_w));
  }
}

TEST_CASE("CPU memory bandwidth is channels x MT/s x 8 bytes per socket", "[catalog]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  // Intel Xeon 6980P: 12 channels DDR5-6400 (Intel ARK) = 12 x 6400e6 x 8 B = 614.4 GB/s.
  CHECK(find_hardware(catalog, "xeon-6980p").memory_bandwidth_gbps == Approx(12 * 6400 * 8 / 1000.0));
  // AMD EPYC 9654: 12 channels DDR5-4800 (AMD product page) = 460.8 GB/s.
  CHECK(find_hardware(catalog, "epyc-9654").memory_bandwidth_gbps == Approx(12 * 4800 * 8 / 1000.0));
  // Intel Xeon Platinum 8480+: 8 channels DDR5-4800 = 307.2 GB/s.
  CHECK(find_hardware(catalog, "xeon-8480").memory_bandwidth_gbps == Approx(8 * 4800 * 8 / 1000.0));
}

TEST_CASE("the ratio check flags a sparse figure next to a dense one", "[catalog]") {
  const auto dir = fs::temp_directory_path() / "llmhw_sparse_test";
  fs::create_directories(dir);
  const auto file = dir / "fake-h100.json";
  // H100 with the sparse fp8 figure (3,958) next to the dense bf16 (989.4): 4x, not 2x.
  std::ofstream(file)
      << R"({"id": "fake-h100", "name": "x", "vendor": "nvidia", "kind": "gpu", "memory_gb": 80,
    "memory_bandwidth_gbps": 3350, "tflops": {"bf16": 989.4, "fp8": 3958},
    "interconnect": {"kind": "nvlink4", "gbps_per_direction": 450}, "devices_per_node": 8,
    "fast_group_sizes": [1, 2, 4, 8], "prices": [],
    "sources": {"memory_gb": "s", "memory_bandwidth_gbps": "s", "tflops": "s", "interconnect": "s",
                "devices_per_node": "s"}})";
  const auto problems = llmhw::io::check_hardware_file(file);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].warning);
  CHECK(problems[0].pointer == "/tflops/fp8");
  CHECK_THAT(problems[0].message, Catch::Matchers::Contains("4.00x bf16"));
  fs::remove_all(dir);
}
