// Evidence tiers (Calibration::resolve, src/core/calibration.cpp): which efficiency and band a
// device is predicted with, on hand-built calibrations whose answers can be read off by hand;
// and --confidence p90 (src/core/sizing.cpp, rules.cpp), which checks the targets against the
// band's high end.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"
#include "test_shapes.hpp"

using Catch::Matchers::Contains;
using llmhw::Evidence;

namespace {

llmhw::Hardware device(const std::string& id, const std::string& vendor, double bandwidth_gbps,
                       llmhw::DeviceKind kind = llmhw::DeviceKind::gpu) {
  llmhw::Hardware hw = llmhw_test::round_gpu(id);
  hw.vendor = vendor;
  hw.kind = kind;
  hw.memory_bandwidth_gbps = bandwidth_gbps;
  return hw;
}

llmhw::Bounds bounds(llmhw::Band ttft, llmhw::Band tpot, llmhw::Band throughput = {0.9, 1.1}) {
  return {ttft, tpot, throughput};
}

llmhw::FittedEfficiency fit(const std::string& group, std::vector<std::string> hardware,
                            double bandwidth_share, const llmhw::Bounds& b, const std::string& engine = "*") {
  llmhw::FittedEfficiency f;
  f.group = group;
  f.hardware = std::move(hardware);
  f.engine = engine;
  f.efficiency = llmhw_test::realistic();
  f.efficiency.memory_bandwidth = bandwidth_share;  // tells the entries apart
  f.bounds = b;
  f.rows = 100;
  return f;
}

// Kind defaults with shares no fit uses, and the GPU band [0.5, 2.0] / [0.6, 1.6].
llmhw::Calibration defaults() {
  llmhw::Calibration c;
  c.gpu = c.cpu = c.tpu = c.accelerator = llmhw_test::realistic();
  c.gpu.memory_bandwidth = 0.11;
  c.cpu.memory_bandwidth = 0.12;
  c.gpu_bounds = bounds({0.5, 2.0}, {0.6, 1.6}, {0.6, 1.6});
  c.cpu_bounds = bounds({0.3, 3.0}, {0.5, 2.0}, {0.4, 2.5});
  return c;
}

// Two NVIDIA groups and one AMD group. "hopper" lists h-nvl, which had no rows of its own.
llmhw::Calibration cross_vendor() {
  llmhw::Calibration c = defaults();
  c.fitted.push_back(fit("ampere", {"a100"}, 0.71, bounds({0.8, 1.3}, {0.85, 1.2})));
  llmhw::FittedEfficiency hopper =
      fit("hopper", {"h100", "h200", "h-nvl"}, 0.72, bounds({0.7, 3.0}, {0.9, 1.1}));
  hopper.measured_hardware = {"h100", "h200"};
  c.fitted.push_back(hopper);
  c.fitted.push_back(
      fit("hopper", {"h100", "h200", "h-nvl"}, 0.73, bounds({0.8, 1.2}, {0.95, 1.05}), "trtllm"));
  c.fitted.push_back(fit("cdna3", {"mi300x"}, 0.74, bounds({0.6, 1.5}, {0.8, 1.4})));
  return c;
}

// Bandwidths as on the datasheets (GB/s): A100 80GB 2039, H100 SXM 3350, H200 4800, H100 NVL
// 3900, T4 320, L40S 864, MI300X 5300, MI325X 6000; Gaudi 3 3700; Grace 500 (an NVIDIA CPU).
std::vector<llmhw::Hardware> catalog() {
  return {device("a100", "nvidia", 2039),  device("h100", "nvidia", 3350),
          device("h200", "nvidia", 4800),  device("h-nvl", "nvidia", 3900),
          device("t4", "nvidia", 320),     device("l40s", "nvidia", 864),
          device("mi300x", "amd", 5300),   device("mi325x", "amd", 6000),
          device("gaudi3", "intel", 3700), device("grace", "nvidia", 500, llmhw::DeviceKind::cpu)};
}

const llmhw::Hardware& profile_named(const std::vector<llmhw::Hardware>& hws, const std::string& id) {
  return *std::find_if(hws.begin(), hws.end(), [&](const llmhw::Hardware& h) { return h.id == id; });
}

void check_band(const llmhw::Band& b, double low, double high) {
  CHECK(b.low == low);
  CHECK(b.high == high);
}

}  // namespace

TEST_CASE("widen: the lower low and the higher high, band by band", "[calibration][evidence]") {
  check_band(llmhw::widen(llmhw::Band{0.8, 1.2}, llmhw::Band{0.5, 2.0}), 0.5, 2.0);
  check_band(llmhw::widen(llmhw::Band{0.4, 1.5}, llmhw::Band{0.5, 2.0}), 0.4, 2.0);
  check_band(llmhw::widen(llmhw::Band{0.7, 3.0}, llmhw::Band{0.5, 2.0}), 0.5, 3.0);
  const llmhw::Bounds w =
      llmhw::widen(bounds({0.7, 3.0}, {0.9, 1.1}, {0.95, 1.7}), bounds({0.5, 2.0}, {0.6, 1.6}));
  check_band(w.ttft, 0.5, 3.0);
  check_band(w.tpot, 0.6, 1.6);
  check_band(w.throughput, 0.9, 1.7);
}

TEST_CASE("resolve: a device with rows in its group's fit is measured, with the fit's band",
          "[calibration][evidence]") {
  const llmhw::Calibration c = cross_vendor();
  const auto hws = catalog();
  const llmhw::Resolution r = c.resolve(profile_named(hws, "h100"), "", hws);
  CHECK(r.evidence == Evidence::measured);
  CHECK(r.efficiency == &c.fitted[1].efficiency);  // the any-engine hopper fit
  check_band(r.bounds.ttft, 0.7, 3.0);
  check_band(r.bounds.tpot, 0.9, 1.1);
  CHECK_THAT(r.basis, Contains("100 calibration rows") && Contains("hopper"));
  // An engine with its own fit gets that one.
  const llmhw::Resolution trt = c.resolve(profile_named(hws, "h100"), "trtllm", hws);
  CHECK(trt.evidence == Evidence::measured);
  CHECK(trt.efficiency->memory_bandwidth == 0.73);
  check_band(trt.bounds.tpot, 0.95, 1.05);
  // Without measured_hardware (older files) every device of the list counts as measured.
  CHECK(c.resolve(profile_named(hws, "a100"), "", hws).evidence == Evidence::measured);
}

TEST_CASE("resolve: a device listed in a group without rows of its own is family, band widened",
          "[calibration][evidence]") {
  const llmhw::Calibration c = cross_vendor();
  const auto hws = catalog();
  const llmhw::Resolution r = c.resolve(profile_named(hws, "h-nvl"), "", hws);
  CHECK(r.evidence == Evidence::family);
  CHECK(r.efficiency->memory_bandwidth == 0.72);
  // hopper's band joined with the GPU default: TTFT [min(0.7, 0.5), max(3.0, 2.0)],
  // TPOT [min(0.9, 0.6), max(1.1, 1.6)], throughput [min(0.9, 0.6), max(1.1, 1.6)].
  check_band(r.bounds.ttft, 0.5, 3.0);
  check_band(r.bounds.tpot, 0.6, 1.6);
  check_band(r.bounds.throughput, 0.6, 1.6);
  CHECK_THAT(r.basis, Contains("h100, h200") && Contains("band widened"));
}

TEST_CASE("resolve: a family band written by calibrate replaces the widening", "[calibration][evidence]") {
  llmhw::Calibration c = cross_vendor();
  c.fitted[1].family_bounds = bounds({0.6, 3.5}, {0.8, 1.3}, {0.7, 1.4});
  const auto hws = catalog();
  const llmhw::Resolution r = c.resolve(profile_named(hws, "h-nvl"), "", hws);
  CHECK(r.evidence == Evidence::family);
  check_band(r.bounds.ttft, 0.6, 3.5);
  check_band(r.bounds.tpot, 0.8, 1.3);
  check_band(r.bounds.throughput, 0.7, 1.4);
}

TEST_CASE("resolve: a device outside every group borrows the nearest calibrated device of its vendor",
          "[calibration][evidence]") {
  const llmhw::Calibration c = cross_vendor();
  const auto hws = catalog();
  // T4 (320 GB/s): A100 at 2039 is nearer than H100 (3350) or H200 (4800): |ln(2039/320)| = 1.85
  // against 2.35 and 2.71. H-NVL is in a group but has no rows: not a sibling to borrow from.
  const llmhw::Resolution t4 = c.resolve(profile_named(hws, "t4"), "", hws);
  CHECK(t4.evidence == Evidence::family);
  CHECK(t4.efficiency == &c.fitted[0].efficiency);
  check_band(t4.bounds.ttft, 0.5, 2.0);  // ampere [0.8, 1.3] joined with [0.5, 2.0]
  check_band(t4.bounds.tpot, 0.6, 1.6);  // ampere [0.85, 1.2] joined with [0.6, 1.6]
  CHECK_THAT(t4.basis, Contains("a100") && Contains("nvidia gpu"));
  // MI325X borrows MI300X's fit, the only calibrated AMD GPU: its TPOT band [0.8, 1.4] joined
  // with the GPU default's [0.6, 1.6].
  const llmhw::Resolution mi = c.resolve(profile_named(hws, "mi325x"), "", hws);
  CHECK(mi.evidence == Evidence::family);
  CHECK(mi.efficiency->memory_bandwidth == 0.74);
  check_band(mi.bounds.tpot, 0.6, 1.6);
  CHECK_THAT(mi.basis, Contains("mi300x"));
}

TEST_CASE("resolve: never across vendors or kinds; without a sibling, the datasheet defaults",
          "[calibration][evidence]") {
  const llmhw::Calibration c = cross_vendor();
  const auto hws = catalog();
  // Gaudi 3's bandwidth (3700) is nearest H-NVL's and H100's, but no Intel device is calibrated.
  const llmhw::Resolution gaudi = c.resolve(profile_named(hws, "gaudi3"), "", hws);
  CHECK(gaudi.evidence == Evidence::datasheet);
  CHECK(gaudi.efficiency == &c.gpu);
  check_band(gaudi.bounds.ttft, 0.5, 2.0);
  check_band(gaudi.bounds.tpot, 0.6, 1.6);
  CHECK_THAT(gaudi.basis, Contains("no calibrated intel gpu"));
  // Grace is NVIDIA, but a CPU: the calibrated NVIDIA devices are GPUs.
  const llmhw::Resolution grace = c.resolve(profile_named(hws, "grace"), "", hws);
  CHECK(grace.evidence == Evidence::datasheet);
  CHECK(grace.efficiency == &c.cpu);
  check_band(grace.bounds.tpot, 0.5, 2.0);
  // Without AMD fits, MI300X and MI325X fall back to the defaults, not to NVIDIA's fits.
  llmhw::Calibration no_amd = cross_vendor();
  no_amd.fitted.pop_back();
  CHECK(no_amd.resolve(profile_named(hws, "mi300x"), "", hws).evidence == Evidence::datasheet);
  CHECK(no_amd.resolve(profile_named(hws, "mi325x"), "", hws).evidence == Evidence::datasheet);
  CHECK(no_amd.resolve(profile_named(hws, "mi325x"), "", hws).efficiency == &no_amd.gpu);
}

TEST_CASE("resolve: equally near siblings are chosen by group name, whatever the catalog order",
          "[calibration][evidence]") {
  llmhw::Calibration c = defaults();
  c.fitted.push_back(fit("zeta", {"up"}, 0.61, bounds({0.8, 1.2}, {0.9, 1.1})));
  c.fitted.push_back(fit("alpha", {"down"}, 0.62, bounds({0.8, 1.2}, {0.9, 1.1})));
  // 1000 GB/s sits as far (in ratio) from 2000 as from 500.
  std::vector<llmhw::Hardware> hws = {device("up", "v", 2000), device("down", "v", 500),
                                      device("mid", "v", 1000)};
  CHECK(c.resolve(hws[2], "", hws).efficiency->memory_bandwidth == 0.62);
  std::reverse(hws.begin(), hws.end());
  CHECK(c.resolve(hws[0], "", hws).efficiency->memory_bandwidth == 0.62);
}

TEST_CASE("efficiency.json: measured_hardware and family_bounds are optional and checked", "[io][evidence]") {
  nlohmann::json doc;
  std::ifstream(std::filesystem::path(LLMHW_TEST_FIXTURES) / "data" / "efficiency.json") >> doc;
  nlohmann::json entry = doc.at("by_kind").at("gpu");
  entry["hardware"] = {"h100-sxm", "h100-nvl"};
  entry["engine"] = "*";
  entry["rows"] = 10;
  entry["bounds"] = {{"ttft", {0.8, 1.25}}, {"tpot", {0.9, 1.1}}, {"throughput", {0.9, 1.1}}};
  const auto load = [&doc](const nlohmann::json& fitted) {
    doc["fitted"] = nlohmann::json::array({fitted});
    const auto file = std::filesystem::temp_directory_path() / "llmhw_efficiency_evidence_test.json";
    std::ofstream(file) << doc.dump(2);
    return llmhw::io::load_calibration(file);
  };
  // Absent (files written before the fields existed): every listed device measured, no family band.
  const llmhw::Calibration old = load(entry);
  CHECK(old.fitted.front().measured_hardware.empty());
  CHECK(old.fitted.front().measured_on("h100-nvl"));
  CHECK(!old.fitted.front().family_bounds);

  nlohmann::json with = entry;
  with["group"] = "hopper";
  with["measured_hardware"] = {"h100-sxm"};
  with["family_bounds"] = {{"ttft", {0.6, 2.5}}, {"tpot", {0.7, 1.5}}, {"throughput", {0.7, 1.4}}};
  const llmhw::Calibration c = load(with);
  const llmhw::FittedEfficiency& f = c.fitted.front();
  CHECK(f.group == "hopper");
  CHECK(f.measured_on("h100-sxm"));
  CHECK(!f.measured_on("h100-nvl"));
  REQUIRE(f.family_bounds);
  check_band(f.family_bounds->tpot, 0.7, 1.5);

  // A measured device the entry does not list, or a band below 1, is an error naming the field.
  nlohmann::json stray = with;
  stray["measured_hardware"] = {"b200"};
  CHECK_THROWS_WITH(load(stray), Contains("measured_hardware") && Contains("b200"));
  nlohmann::json bad_band = with;
  bad_band["family_bounds"]["tpot"] = {1.2, 1.5};
  CHECK_THROWS_WITH(load(bad_band), Contains("tpot"));
}

TEST_CASE("confidence p90: targets are checked at prediction x the band's high end",
          "[recommend][evidence]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  llmhw::Hardware gpu = llmhw_test::round_gpu("only-gpu");
  gpu.fast_group_sizes = {1};
  llmhw::Calibration c = defaults();
  c.gpu = llmhw_test::realistic();
  c.gpu_bounds = bounds({0.8, 1.0}, {0.8, 1.25});  // TTFT's high end 1: only TPOT is tightened
  llmhw::Query q;
  q.model_text = "test";
  q.qps = 20;
  q.workload = {1024, 256};
  q.precisions = {llmhw::Precision::bf16};
  q.ttft_ms = 10'000;
  q.tpot_ms = 50;
  q.disaggregated = false;  // the aggregated layout's sizing under the band (not a layout change)

  // The recommendations point into the catalog: it must outlive them.
  const std::vector<llmhw::Hardware> gpus{gpu};
  const llmhw::RecommendResult expected = llmhw::recommend(q, m, gpus, c);
  REQUIRE(expected.recommendations.size() == 1);
  const llmhw::Recommendation& base = expected.recommendations.front();
  CHECK(base.evidence == Evidence::datasheet);
  check_band(base.bounds.tpot, 0.8, 1.25);

  llmhw::Query pessimistic = q;
  pessimistic.confidence = llmhw::Confidence::p90;
  const llmhw::RecommendResult p90 = llmhw::recommend(pessimistic, m, gpus, c);
  REQUIRE(p90.recommendations.size() == 1);
  // predicted x 1.25 <= 50 ms is predicted <= 40 ms: the same sizing as a 40 ms target.
  llmhw::Query forty = q;
  forty.tpot_ms = 40;
  const llmhw::RecommendResult at_forty = llmhw::recommend(forty, m, gpus, c);
  REQUIRE(at_forty.recommendations.size() == 1);
  const llmhw::Evaluation& e = p90.recommendations.front().evaluation;
  CHECK(e.replicas == at_forty.recommendations.front().evaluation.replicas);
  CHECK(e.capacity.concurrency == at_forty.recommendations.front().evaluation.capacity.concurrency);
  // Each replica then takes fewer requests, so the fleet needs more of them.
  CHECK(e.capacity.concurrency < base.evaluation.capacity.concurrency);
  CHECK(e.replicas > base.evaluation.replicas);
  CHECK(e.at_load.tpot_s * 1.25 * 1e3 <= 50.0);
  CHECK_THAT(p90.recommendations.front().reasons[2], Contains("checked at"));

  // A target between the prediction at one request and 1.25x it passes as expected, and under
  // p90 is rejected, naming the band.
  llmhw::Query tight = q;
  tight.qps = 0.01;
  const llmhw::Evaluation light = llmhw::evaluate(base.evaluation.deployment, tight, c.gpu);
  REQUIRE(light.replicas == 1);
  tight.tpot_ms = light.at_load.tpot_s * 1e3 * 1.1;
  const llmhw::RecommendResult loose = llmhw::recommend(tight, m, gpus, c);
  CHECK(loose.recommendations.size() == 1);
  tight.confidence = llmhw::Confidence::p90;
  const llmhw::RecommendResult rejected = llmhw::recommend(tight, m, gpus, c);
  CHECK(rejected.recommendations.empty());
  REQUIRE(rejected.rejected.size() == 1);
  CHECK(rejected.rejected.front().rule == "meets-tpot");
  CHECK_THAT(rejected.rejected.front().reasons.front(), Contains("band high end: 1.25x"));
}

TEST_CASE("recommend: each recommendation carries its device's evidence and band", "[recommend][evidence]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Calibration c = cross_vendor();
  const auto known = catalog();
  llmhw::Query q;
  q.model_text = "test";
  q.qps = 1;
  q.workload = {1024, 256};
  q.ttft_ms = 10'000;
  q.tpot_ms = 200;
  // Searched: H100 (measured), T4 (family: A100) and Gaudi 3 (datasheet); the siblings come
  // from `known`, the whole catalog.
  const std::vector<llmhw::Hardware> searched = {profile_named(known, "h100"), profile_named(known, "t4"),
                                                 profile_named(known, "gaudi3")};
  const llmhw::RecommendResult r = llmhw::recommend(q, m, searched, c, SIZE_MAX, nullptr, known);
  REQUIRE(r.recommendations.size() == 3);
  for (const llmhw::Recommendation& rec : r.recommendations) {
    const std::string& id = rec.evaluation.deployment.hardware->id;
    const Evidence want = id == "h100" ? Evidence::measured
                          : id == "t4" ? Evidence::family
                                       : Evidence::datasheet;
    CHECK(rec.evidence == want);
    CHECK_THAT(rec.reasons.back(), !Contains("evidence"));  // the rank reason stays last
    CHECK(std::any_of(rec.reasons.begin(), rec.reasons.end(), [&](const std::string& s) {
      return s.rfind(std::string("evidence: ") + std::string(llmhw::to_string(want)), 0) == 0;
    }));
  }
  // Searched alone, T4 finds no sibling: the defaults.
  const llmhw::RecommendResult alone = llmhw::recommend(q, m, {profile_named(known, "t4")}, c);
  REQUIRE(alone.recommendations.size() == 1);
  CHECK(alone.recommendations.front().evidence == Evidence::datasheet);
}
