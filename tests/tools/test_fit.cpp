// The calibration machinery (src/core/observations.cpp, src/core/fit.cpp, tools/observations_io.cpp):
// CSV reading, mapping, quantiles, and that the fit recovers known efficiencies from data the
// estimator generated.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "llmhw/fit.hpp"
#include "llmhw/io/loaders.hpp"
#include "observations_io.hpp"

namespace fs = std::filesystem;
using namespace llmhw;
using namespace llmhw::tools;

namespace {

Catalogs small_catalogs() {
  Catalogs c;
  for (const auto& entry : io::list_model_catalog(fs::path(LLMHW_TEST_FIXTURES) / "data" / "models")) {
    c.models[entry.id] = io::load_catalog_model(entry);
  }
  for (Hardware& hw : io::load_hardware_dir(fs::path(LLMHW_TEST_FIXTURES) / "data" / "hardware"))
    c.hardware[hw.id] = hw;
  return c;
}

// The efficiencies the synthetic rows are generated with, which a fit must recover.
Efficiency synthetic_truth() {
  Efficiency truth;
  truth.memory_bandwidth = 0.7, truth.decode_compute = 0.45, truth.prefill_compute = 0.55;
  truth.step_overhead_ms = 0, truth.layer_overhead_us = 60, truth.wave_synchronization = 0.5,
  truth.usable_memory_fraction = 0.9, truth.reserve_gb = 2, truth.collective_latency_us = 10;
  return truth;
}

Calibration synthetic_calibration() {
  Calibration calibration;
  calibration.engines["*"] = {1024, 8192};
  return calibration;
}

// A grid of TensorRT-LLM benchmark rows (osl 256): every model x tp x concurrency x isl x metric
// on one device.
struct Grid {
  std::vector<const char*> models;
  std::vector<int> tps;
  std::vector<double> concurrencies, isls;
  std::vector<const char*> metrics;
  const char* hardware = "h100-sxm";
};

// The grid's rows, each valued at the estimator's own prediction at `truth`; deployments that do
// not fit are left out.
std::vector<Observation> generated_rows(const Catalogs& catalogs, const Calibration& calibration,
                                        const Efficiency& truth, const Grid& grid) {
  std::vector<Observation> rows;
  for (const char* model : grid.models) {
    for (int tp : grid.tps) {
      for (double concurrency : grid.concurrencies) {
        for (double isl : grid.isls) {
          for (const char* metric : grid.metrics) {
            Observation o;
            o.id = std::to_string(rows.size()), o.model = model, o.hardware = grid.hardware;
            o.engine = "trtllm", o.metric = metric, o.tp = tp, o.devices = tp, o.isl = isl, o.osl = 256;
            o.concurrency = concurrency, o.mapped = true;
            const Prediction p = predict(o, catalogs, truth, calibration.limits("trtllm"));
            if (!p.ok) continue;
            o.value = p.value;
            rows.push_back(o);
          }
        }
      }
    }
  }
  return rows;
}

std::vector<const Observation*> pointers_to(const std::vector<Observation>& rows) {
  std::vector<const Observation*> pointers;
  for (const auto& o : rows) pointers.push_back(&o);
  return pointers;
}

}  // namespace

TEST_CASE("observations.csv rows are read with quotes, empty fields and 'max'", "[tools]") {
  const fs::path file = fs::temp_directory_path() / "llmhw_obs_test.csv";
  std::ofstream(file)
      << "obs_id,source,source_row,model,hardware,engine,precision,kv_precision,tp,pp,dp,moe_tp,moe_ep,"
         "devices,isl,osl,concurrency,metric,value,status,note\n"
         "s1-ttft,serving,1,llama-3.1-8b,h100-sxm,trtllm,bf16,bf16,2,1,,0,0,2,1024,128,8,ttft_ms,190.9,"
         "mapped,\n"
         "p7,published,r7,llama-3.1-70b,h100-sxm,vllm,fp8,fp8,4,1,1,4,1,8,128,2048,max,"
         "output_tokens_per_s,5000,mapped,\"note, with a comma\"\n"
         "s9-tpot,serving,9,llama-3.1-8b,h100-sxm,trtllm,bf16,bf16,2,1,,0,0,2,1024,128,8,tpot_ms,7.9,"
         "excluded,repeated configuration: s1 is kept\n";
  const auto rows = read_observations(file);
  fs::remove(file);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].mapped);
  CHECK_FALSE(rows[0].excluded);
  // Excluded rows map (tools/accuracy predicts them) but calibrate leaves them out.
  CHECK(rows[2].mapped);
  CHECK(rows[2].excluded);
  CHECK(rows[0].dp == 1);  // empty -> 1
  CHECK(rows[0].moe_ep == 1);
  CHECK(rows[0].concurrency == 8.0);
  CHECK(rows[0].value == Approx(190.9));
  CHECK_FALSE(rows[1].concurrency.has_value());
  CHECK(rows[1].note == "note, with a comma");
  CHECK(rows[1].precision == Precision::fp8);
  CHECK(rows[1].devices == 8);
}

TEST_CASE("ratio quantiles interpolate between sorted ratios", "[tools]") {
  Observation a, b, c;
  a.metric = b.metric = c.metric = "tpot_ms";
  a.value = 10, b.value = 20, c.value = 40;
  // measured / predicted: 10/10 = 1, 20/10 = 2, 40/10 = 4 -> p50 = 2, p75 = 2 + 0.5 x (4 - 2) = 3.
  const std::vector<Scored> scored = {{&a, 10, false}, {&b, 10, false}, {&c, 10, false}};
  CHECK(ratio_quantile(scored, "tpot_ms", 0.5) == Approx(2.0));
  CHECK(ratio_quantile(scored, "tpot_ms", 0.75) == Approx(3.0));
  CHECK(ratio_quantile(scored, "ttft_ms", 0.5) == 1.0);  // no rows of that metric
  // |10/10 - 1| = 0, |10/20 - 1| = 0.5, |10/40 - 1| = 0.75 -> mean 0.4167.
  CHECK(mean_absolute_percentage_error(scored) == Approx((0 + 0.5 + 0.75) / 3));
}

TEST_CASE("the fit recovers the efficiencies that generated the data", "[tools][fit]") {
  const Catalogs catalogs = small_catalogs();
  const Calibration calibration = synthetic_calibration();
  const Efficiency truth = synthetic_truth();
  // 70B at bf16 does not fit two 80 GB devices: those rows are left out.
  const std::vector<Observation> rows = generated_rows(catalogs, calibration, truth,
                                                       {{"llama-3.1-8b", "llama-3.1-70b"},
                                                        {2, 4, 8},
                                                        {1, 8, 64, 256},
                                                        {128, 1024, 4096},
                                                        {"ttft_ms", "tpot_ms", "output_tokens_per_s"}});
  REQUIRE(rows.size() > 150);
  const std::vector<const Observation*> pointers = pointers_to(rows);
  Efficiency start = truth;
  start.memory_bandwidth = 0.9, start.decode_compute = 0.8, start.prefill_compute = 0.8;
  start.layer_overhead_us = 10, start.wave_synchronization = 1.0;
  const FitResult r = fit_efficiency(pointers, catalogs, calibration, start);
  CHECK(r.rows == static_cast<int>(rows.size()));
  CHECK(r.loss < 0.01);  // the loss is the mean relative error: under 1%
  CHECK(r.efficiency.memory_bandwidth == Approx(truth.memory_bandwidth).epsilon(0.05));
  CHECK(r.efficiency.prefill_compute == Approx(truth.prefill_compute).epsilon(0.05));
  CHECK(r.efficiency.step_overhead_ms == 0);  // the fixed cost is fitted per layer
  CHECK(r.efficiency.layer_overhead_us == Approx(truth.layer_overhead_us).epsilon(0.1));
}

TEST_CASE("the fit recovers the share of link bandwidth collectives reach", "[tools][fit]") {
  // L4 (PCIe 4, 32 GB/s per direction) at TP 1, 2 and 4 with collectives at 40% of the link:
  // the TP rows carry the all-reduces, the TP 1 rows pin the rest.
  const Catalogs catalogs = small_catalogs();
  const Calibration calibration = synthetic_calibration();
  Efficiency truth = synthetic_truth();
  truth.interconnect_bandwidth = 0.4;
  const std::vector<Observation> rows = generated_rows(catalogs, calibration, truth,
                                                       {{"llama-3.1-8b"},
                                                        {1, 2, 4},
                                                        {1, 16, 128},
                                                        {128, 2048},
                                                        {"ttft_ms", "tpot_ms", "output_tokens_per_s"},
                                                        "l4"});
  REQUIRE(rows.size() > 40);
  Efficiency start = truth;
  start.interconnect_bandwidth = 1.0;
  const FitResult r = fit_efficiency(pointers_to(rows), catalogs, calibration, start);
  CHECK(r.loss < 0.01);
  CHECK(r.efficiency.interconnect_bandwidth == Approx(0.4).epsilon(0.1));
}

TEST_CASE("the prior's penalty is the sum of weight x squared log ratio", "[tools]") {
  Prior prior;
  prior.centres = {{&Efficiency::quantized_share, 0.5, 0.02, "quantized_share"},
                   {&Efficiency::prefill_compute, 0.6, 0.1, "prefill_compute"}};
  Efficiency e;
  e.quantized_share = 1.0, e.prefill_compute = 0.6;
  // ln(1.0 / 0.5)^2 = 0.4805 at weight 0.02, ln(0.6 / 0.6)^2 = 0 -> 0.00961.
  const double ln2_squared = std::log(2.0) * std::log(2.0);
  CHECK(prior.penalty(e) == Approx(0.02 * ln2_squared));
  e.quantized_share = 0.25;  // a factor 2 below the centre costs as much as a factor 2 above
  CHECK(prior.penalty(e) == Approx(0.02 * ln2_squared));
  e.prefill_compute = 1.2;  // each factor at its own weight
  CHECK(prior.penalty(e) == Approx(0.02 * ln2_squared + 0.1 * ln2_squared));
  e.quantized_share = 0;  // floored at 0.01, not infinite
  CHECK(std::isfinite(prior.penalty(e)));
  CHECK(Prior{}.penalty(e) == 0);
}

TEST_CASE("an engine-wide centre is the evidence-weighted geometric mean", "[tools]") {
  // 120 ms from 100 closed-loop rows and 164 ms from 300: exp((100 ln 120 + 300 ln 164) / 400)
  // = exp((478.75 + 1529.96) / 400) = exp(5.0218) = 151.7 ms; the plain mean would be 142, the
  // row-weighted arithmetic mean 153.
  CHECK(pooled_centre({{120.0, 100.0}, {164.0, 300.0}}, 100.0) == Approx(151.7).epsilon(0.001));
  CHECK(pooled_centre({{0.2, 1.0}, {0.8, 1.0}}, 0.5) == Approx(0.4));  // sqrt(0.2 x 0.8)
  // No evidence, or evidence of no weight: the global centre.
  CHECK(pooled_centre({}, 100.0) == 100.0);
  CHECK(pooled_centre({{120.0, 0.0}}, 100.0) == 100.0);
}

TEST_CASE("a prior holds a factor the rows leave flat and leaves the others to the data", "[tools][fit]") {
  // Every row at bf16: the share of prefill work at a narrow precision's peak has no effect on
  // any prediction, so the data leave it anywhere; the prior's centre decides it.
  const Catalogs catalogs = small_catalogs();
  const Calibration calibration = synthetic_calibration();
  const Efficiency truth = synthetic_truth();
  const std::vector<Observation> rows =
      generated_rows(catalogs, calibration, truth,
                     {{"llama-3.1-8b"}, {1, 2, 4}, {1, 16, 128}, {256, 2048}, {"ttft_ms", "tpot_ms"}});
  REQUIRE(rows.size() == 3 * 3 * 2 * 2);  // every deployment fits
  const std::vector<const Observation*> pointers = pointers_to(rows);
  Efficiency start = truth;
  start.memory_bandwidth = 0.9, start.prefill_compute = 0.8, start.quantized_share = 0.95;
  Prior prior;
  prior.centres = {{&Efficiency::quantized_share, 0.3, 0.001, "quantized_share"}};
  const FitResult with_prior = fit_efficiency(pointers, catalogs, calibration, start, prior);
  CHECK(with_prior.efficiency.quantized_share == Approx(0.3).epsilon(0.05));
  CHECK(with_prior.efficiency.memory_bandwidth == Approx(truth.memory_bandwidth).epsilon(0.05));
  CHECK(with_prior.efficiency.prefill_compute == Approx(truth.prefill_compute).epsilon(0.05));
  // Without it the flat factor stays far from 0.3 (wherever the search leaves it).
  const FitResult without = fit_efficiency(pointers, catalogs, calibration, start);
  CHECK(std::abs(without.efficiency.quantized_share - 0.3) > 0.2);
}
