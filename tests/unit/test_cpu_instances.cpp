// CPU instance sizes beyond Graviton (issue 23): AWS c7a and GCP c3d on the Genoa profile, GCP n4
// and c4 and Azure Dsv6 on the Emerald Rapids profile. A slice takes the instance of its size with
// the lowest price per core, and an instance sold with SMT off states its cores.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "../cli/cli_harness.hpp"
#include "llmhw/calibration.hpp"
#include "llmhw/error.hpp"
#include "llmhw/fleet.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"

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
  // Azure's Standard_D8s_v6 (32 GiB, 4 cores) stays beside it: see the Azure test below.
  REQUIRE(s.prices.size() == 2);
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

TEST_CASE(
    "Azure Dsv6 sells Emerald Rapids at a higher price per core than GCP n4: a slice rents n4 unless "
    "only Azure is allowed",
    "[slice][instances][azure]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const llmhw::Hardware& emr = find(catalog, "xeon-8592");
  // 8 vCPUs = 4 cores on all three (SMT). Per core, by hand: n4-standard-8 $0.3628 / 4 = $0.0907,
  // c4-standard-8 $0.39534 / 4 = $0.0988, Standard_D8s_v6 $0.403 / 4 = $0.1008 (Azure Retail
  // Prices, eastus, 2026-09-26). The slice takes n4's 32 GiB, and keeps every price of the same
  // cores and memory: D8s_v6 (32 GiB) stays, c4-standard-8 (30 GiB) does not.
  const llmhw::Hardware s = llmhw::slice(emr, 8);
  CHECK(s.memory_gb == Approx(34.36));
  std::vector<std::string> types;
  for (const auto& p : s.prices) types.push_back(p.instance_type);
  CHECK(types == std::vector<std::string>{"n4-standard-8", "Standard_D8s_v6"});
  // Shopping around every provider rents the cheaper n4; --cloud azure rents the Dsv6.
  const auto any = llmhw::cheapest_rental(s, llmhw::PriceBasis{}, 1, 1, 1);
  REQUIRE(any);
  CHECK(any->price->instance_type == "n4-standard-8");
  CHECK(any->usd_per_hour == Approx(0.3628));
  const auto azure = llmhw::cheapest_rental(s, llmhw::PriceBasis{"on-demand", {"azure"}}, 3, 1, 1);
  REQUIRE(azure);
  CHECK(azure->price->instance_type == "Standard_D8s_v6");
  CHECK(azure->instances == 3);
  CHECK(azure->usd_per_hour == Approx(3 * 0.403));
  // Dsv6 adds no size the GCP shapes lack (2 to 96 vCPUs; D128s_v6 and D192s_v6 are not listed).
  CHECK(llmhw::sellable_vcpus(emr) == std::vector<int>{2, 4, 8, 16, 24, 32, 48, 64, 80, 96});
}

TEST_CASE(
    "recommend --cloud azure --kind cpu rents the Dsv6 size that meets TPOT; without it the same "
    "slice rents GCP n4",
    "[slice][instances][azure][recommend]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const auto calibration = llmhw::io::load_calibration(kData / "efficiency.json");
  const llmhw::Model m = llmhw::test::shipped_model("qwen3-0.6b");
  llmhw::Query q;
  q.model_text = m.id;
  q.qps = 0.2;
  q.workload = {1024, 256};  // recommend's default lengths; targets TTFT 1 s, TPOT 50 ms
  q.kinds = {llmhw::DeviceKind::cpu};
  q.providers = {"azure"};
  const auto azure = llmhw::recommend(q, m, catalog, calibration);
  REQUIRE(!azure.recommendations.empty());
  const llmhw::Evaluation& top = azure.recommendations.front().evaluation;
  // Azure sells only Emerald Rapids among the catalog's CPUs (Dsv6).
  CHECK(top.deployment.hardware->id == "xeon-8592@16vcpu");
  REQUIRE(top.price);
  CHECK(top.price->instance_type == "Standard_D16s_v6");
  CHECK(top.total_cost_per_hour == Approx(0.806));
  // Why 16 vCPUs and not 8, by hand, on the per-kind CPU defaults (no x86 CPU is calibrated:
  // bandwidth efficiency 0.6, 5 ms per step). 8 vCPUs are 4 of the 64 cores: 358.4 x 4/64 = 22.4
  // GB/s x 0.6 = 13.4 GB/s. One decode step streams the Q8_0 weights, 0.596 B x 1.0625 bytes =
  // 0.633 GB (47 ms), and the KV cache of one 1,280-token request, 28 layers x 8 KV heads x 128 x
  // 2 (K, V) x 2 bytes x 1,280 = 147 MB (11 ms), plus 5 ms: 63 ms > 50 ms even at one request. 16
  // vCPUs stream twice as fast: 24 + 5 + 5 = 34 ms.
  const llmhw::Hardware eight = llmhw::slice(llmhw::test::find_hardware(catalog, "xeon-8592"), 8);
  llmhw::Deployment d = top.deployment;
  d.hardware = &eight;
  CHECK(llmhw::decode_step(d, 1, 1280, calibration.for_hardware(eight)).total_s() * 1e3 ==
        Approx(63).epsilon(0.05));
  CHECK(llmhw::decode_step(top.deployment, 1, 1280, calibration.for_hardware(*top.deployment.hardware))
                .total_s() *
            1e3 ==
        Approx(34).epsilon(0.05));
  // Shopping around every cloud, the same 16-vCPU Emerald Rapids slice rents n4-standard-16
  // ($0.7256/h < $0.806/h).
  q.providers.clear();
  const auto any = llmhw::recommend(q, m, catalog, calibration);
  bool found = false;
  for (const auto& r : any.recommendations) {
    if (r.evaluation.deployment.hardware->id != "xeon-8592@16vcpu") continue;
    found = true;
    REQUIRE(r.evaluation.price);
    CHECK(r.evaluation.price->instance_type == "n4-standard-16");
    CHECK(r.evaluation.total_cost_per_hour == Approx(0.7256));
  }
  CHECK(found);
}
