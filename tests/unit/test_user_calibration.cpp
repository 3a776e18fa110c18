// `llmhw calibrate`: reading benchmark files, refusing bad ones, the fit on one deployment's runs
// and the overlay it writes and estimate applies. The runs are tests/fixtures/calibration/
// (vLLM bench-serve files made from data/calibration/serving_ttft_tpot.csv; see its README).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../cli/cli_harness.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/bench_results.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/io/overlay.hpp"
#include "llmhw/user_calibration.hpp"

namespace fs = std::filesystem;
using namespace llmhw;
using llmhw::test::run_cli;

namespace {

const fs::path kOverlayRuns = fs::path(LLMHW_TEST_FIXTURES) / "calibration" / "vllm-qwen3-32b-h100-tp2";

std::string run_file(const std::string& name) {
  return (kOverlayRuns / (name + ".json")).string();
}

// Eight closed-loop runs to fit on and seven others to predict: both prompt lengths, all three
// output lengths, concurrency 8 to 128. Left out: the five runs whose TTFT is dominated by the
// queue for KV-cache room (4096-token prompts at concurrency 64 and 128, TTFT 2-59 s), which
// depend on the engine's admission policy more than on the factors fitted here.
const std::vector<std::string> kTrain = {"i1024-o128-c8",    "i1024-o128-c64", "i1024-o512-c32",
                                         "i1024-o1024-c128", "i4096-o128-c8",  "i4096-o128-c32",
                                         "i4096-o512-c16",   "i4096-o1024-c32"};
const std::vector<std::string> kTest = {"i1024-o128-c16",  "i1024-o512-c128", "i1024-o1024-c8",
                                        "i1024-o1024-c32", "i4096-o128-c16",  "i4096-o512-c32",
                                        "i4096-o1024-c8"};

struct Setup {
  tools::Catalogs catalogs;
  Calibration shipped;
  CalibrationTarget target;
  Efficiency start;
};

Setup real_setup() {
  Setup s;
  const fs::path data = LLMHW_DATA;
  for (const auto& entry : io::list_model_catalog(data / "models")) {
    if (entry.id == "qwen3-32b") s.catalogs.models[entry.id] = io::load_catalog_model(entry);
  }
  std::vector<Hardware> catalog = io::load_hardware_dir(data / "hardware");
  for (const Hardware& hw : catalog) s.catalogs.hardware[hw.id] = hw;
  s.shipped = io::load_calibration(data / "efficiency.json");
  s.target.model = "qwen3-32b";
  s.target.hardware = "h100-sxm";
  s.target.engine = "vllm";
  s.target.tp = 2;
  s.start = *s.shipped.resolve(s.catalogs.hardware.at("h100-sxm"), "vllm", catalog).efficiency;
  return s;
}

std::vector<BenchRun> read_runs(const std::vector<std::string>& names) {
  std::vector<BenchRun> runs;
  for (const std::string& n : names) {
    const io::BenchFile f = io::read_bench_file(run_file(n));
    runs.insert(runs.end(), f.runs.begin(), f.runs.end());
  }
  return runs;
}

double mape(const std::vector<double>& predicted, const std::vector<double>& measured) {
  double sum = 0;
  for (size_t i = 0; i < predicted.size(); ++i) sum += std::abs(predicted[i] / measured[i] - 1);
  return sum / static_cast<double>(predicted.size());
}

std::string overlay_error(const std::string& text, const std::string& name = "run.json") {
  try {
    io::parse_bench_text(text, name);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sha256 matches the FIPS 180-4 examples", "[calibrate]") {
  CHECK(io::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(io::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(io::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("a vLLM bench serve file is detected and its lengths come from the token totals", "[calibrate]") {
  const io::BenchFile f = io::read_bench_file(run_file("i4096-o512-c16"));
  REQUIRE(f.runs.size() == 1);
  CHECK(f.format == "vllm-bench-serve");
  const BenchRun& r = f.runs.front();
  CHECK(r.input_tokens / r.completed == Approx(4096));
  CHECK(r.output_tokens / r.completed == Approx(512));
  CHECK(r.max_concurrency == 16);
  CHECK_FALSE(r.request_rate);  // "inf"
  CHECK(r.metadata.at("hardware") == "h100-sxm");
  CHECK(r.metadata.at("tensor_parallel_size") == "2");
}

TEST_CASE("SGLang JSONL with Python's Infinity, and GenAI-Perf exports, are read", "[calibrate]") {
  const std::string sglang =
      R"({"backend": "sglang", "request_rate": Infinity, "max_concurrency": 4, "duration": 10.0, "completed": 8,)"
      R"( "total_input_tokens": 8000, "total_output_tokens": 800, "total_output_tokens_retokenized": 800,)"
      R"( "mean_ttft_ms": 50.0, "mean_tpot_ms": 10.0, "mean_e2e_latency_ms": 1040.0})"
      "\n"
      R"({"backend": "sglang", "request_rate": 2.0, "max_concurrency": null, "duration": 4.0, "completed": 8,)"
      R"( "total_input_tokens": 8000, "total_output_tokens": 800, "total_output_tokens_retokenized": 800,)"
      R"( "mean_ttft_ms": 40.0, "mean_tpot_ms": 9.0, "mean_e2e_latency_ms": 931.0})"
      "\n";
  const io::BenchFile s = io::parse_bench_text(sglang, "runs.jsonl");
  REQUIRE(s.runs.size() == 2);
  CHECK(s.format == "sglang-bench-serving");
  CHECK(s.runs[0].where() == "runs.jsonl:1");
  CHECK_FALSE(s.runs[0].request_rate);
  CHECK(s.runs[1].request_rate == 2.0);
  CHECK(s.runs[1].e2el_ms == 931.0);
  // Open loop: Little's law, 8 requests / 4 s x 0.931 s in the system = 1.862 in flight.
  CalibrationTarget t;
  CHECK(observations_of(s.runs, t)[2].concurrency == Approx(1.862));

  const std::string genai = R"({"time_to_first_token": {"unit": "ms", "avg": 120.5},
    "inter_token_latency": {"unit": "ms", "avg": 12.25}, "request_latency": {"unit": "ms", "avg": 3200},
    "input_sequence_length": {"unit": "tokens", "avg": 2048}, "output_sequence_length": {"unit": "tokens", "avg": 256},
    "request_throughput": {"unit": "requests/sec", "avg": 5.0}, "request_count": {"unit": "count", "avg": 100},
    "input_config": {"perf_analyzer": {"stimulus": {"concurrency": 16}}}})";
  const io::BenchFile g = io::parse_bench_text(genai, "profile_export_genai_perf.json");
  CHECK(g.format == "genai-perf");
  CHECK(g.runs[0].max_concurrency == 16);
  CHECK(g.runs[0].input_tokens / g.runs[0].completed == Approx(2048));
  CHECK(g.runs[0].duration_s == Approx(20.0));  // 100 requests at 5/s
}

TEST_CASE("bad benchmark files get a one-line error naming the file and the field", "[calibrate]") {
  CHECK(overlay_error("") == "run.json: empty file");
  CHECK(overlay_error("{\"completed\": 10, \"mean_ttft_ms\": ").find("run.json:1: truncated or not JSON") ==
        0);
  CHECK(overlay_error("{\"hello\": 1}").find("run.json: not a benchmark result llmhw reads") == 0);
  const std::string missing =
      R"({"completed": 8, "mean_ttft_ms": 50, "mean_tpot_ms": 10, "total_input_tokens": 800})";
  CHECK(overlay_error(missing) == "run.json: total_output_tokens: missing");
  for (const std::string& e : {overlay_error(""), overlay_error("{\"hello\": 1}"), overlay_error(missing)})
    CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("runs below the physical TPOT floor or of mixed deployments are refused", "[calibrate]") {
  Setup s = real_setup();
  std::vector<BenchRun> runs = read_runs({"i1024-o128-c8", "i1024-o512-c32"});
  // Qwen3-32B bf16 is 65.5 GB of weights, 32.8 GB per device at TP 2; H100 SXM reads 3.35 TB/s,
  // so a decode step takes at least 9.8 ms. 5 ms per token is not this deployment.
  runs[1].tpot_ms = 5.0;
  try {
    check_runs(runs, s.target, s.catalogs, s.shipped, s.start);
    FAIL("accepted a TPOT below the floor");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find(runs[1].file + ": mean_tpot_ms: 5 ms is below the physical floor of") ==
          0);
  }
  runs[1].tpot_ms = 20.0;
  runs[1].metadata["tensor_parallel_size"] = std::string("4");  // (= "4" trips GCC 12 -Wrestrict)
  CHECK_THROWS_WITH(
      check_runs(runs, s.target, s.catalogs, s.shipped, s.start),
      Catch::Contains("tensor_parallel_size: '4', but") && Catch::Contains("different deployments"));
}

TEST_CASE("eight runs of one deployment predict seven others within 10% TPOT and 25% TTFT",
          "[calibrate][fit]") {
  Setup s = real_setup();
  const std::vector<BenchRun> train = read_runs(kTrain), test = read_runs(kTest);
  check_runs(train, s.target, s.catalogs, s.shipped, s.start);
  const UserFit fit = fit_runs(train, s.target, s.catalogs, s.shipped, s.start);
  const EngineLimits limits = s.shipped.limits("vllm", s.catalogs.hardware.at("h100-sxm"));
  std::vector<double> ttft, tpot, ttft_shipped, tpot_shipped, ttft_measured, tpot_measured;
  const std::vector<tools::Observation> rows = observations_of(test, s.target);
  for (size_t i = 0; i < test.size(); ++i) {
    ttft.push_back(tools::predict(rows[2 * i], s.catalogs, fit.fitted, limits).value);
    tpot.push_back(tools::predict(rows[2 * i + 1], s.catalogs, fit.fitted, limits).value);
    ttft_shipped.push_back(tools::predict(rows[2 * i], s.catalogs, s.start, limits).value);
    tpot_shipped.push_back(tools::predict(rows[2 * i + 1], s.catalogs, s.start, limits).value);
    ttft_measured.push_back(test[i].ttft_ms);
    tpot_measured.push_back(test[i].tpot_ms);
  }
  const double tpot_after = mape(tpot, tpot_measured), ttft_after = mape(ttft, ttft_measured);
  WARN("held-out runs: TPOT MAPE shipped " << mape(tpot_shipped, tpot_measured) << " overlay " << tpot_after
                                           << "; TTFT MAPE shipped " << mape(ttft_shipped, ttft_measured)
                                           << " overlay " << ttft_after);
  CHECK(tpot_after <= 0.10);
  CHECK(ttft_after <= 0.25);
  // The fit's own leave-one-run-out check on the training runs agrees in kind.
  CHECK(fit.leave_one_out.overlay.tpot <= 0.15);
  CHECK(fit.relative_uncertainty.size() == calibrated_factors().size());
}

TEST_CASE("an applied overlay wins for its hardware and engine and says so in the evidence", "[calibrate]") {
  Setup s = real_setup();
  std::vector<Hardware> catalog;
  for (const auto& [id, hw] : s.catalogs.hardware) catalog.push_back(hw);
  CalibrationOverlay o;
  o.origin = "mine.json";
  o.created = "2026-12-03";
  o.deployment = s.target;
  o.factors = {{"decode_compute", 0.3}, {"request_latency_ms", 42}};
  o.bounds = {{0.9, 1.2}, {0.95, 1.05}, {0.95, 1.05}};
  o.runs = 8;
  Calibration c = s.shipped;
  REQUIRE(apply_overlay(c, o, catalog));
  const Hardware& h100 = s.catalogs.hardware.at("h100-sxm");
  const Resolution r = c.resolve(h100, "vllm", catalog);
  CHECK(r.evidence == Evidence::calibrated);
  CHECK(to_string(r.evidence) == "calibrated");
  CHECK(r.basis.find("calibration overlay mine.json") == 0);
  CHECK(r.efficiency->decode_compute == 0.3);
  CHECK(r.efficiency->request_latency_ms == 42);
  CHECK(r.efficiency->memory_bandwidth == s.start.memory_bandwidth);  // not in the overlay: kept
  CHECK(r.bounds.tpot.high == 1.05);
  // A later overlay wins.
  o.origin = "later.json";
  o.factors = {{"decode_compute", 0.4}};
  REQUIRE(apply_overlay(c, o, catalog));
  CHECK(c.resolve(h100, "vllm", catalog).efficiency->decode_compute == 0.4);
  CHECK(c.resolve(h100, "vllm", catalog).efficiency->request_latency_ms == 42);
  // With no engine named (recommend) the overlay answers too; another named engine on the
  // device, and the device's siblings, keep the shipped fit.
  CHECK(c.resolve(h100, "", catalog).evidence == Evidence::calibrated);
  CHECK(c.resolve(h100, "trtllm", catalog).evidence == Evidence::measured);
  if (s.catalogs.hardware.count("h100-pcie"))
    CHECK(c.resolve(s.catalogs.hardware.at("h100-pcie"), "vllm", catalog).evidence != Evidence::calibrated);
}

TEST_CASE("llmhw calibrate writes a schema-valid overlay that estimate applies", "[calibrate][cli]") {
  const llmhw::test::TempDir scratch;
  const fs::path& dir = scratch.dir;
  const std::string out = (dir / "h100-vllm.json").string();
  std::vector<std::string> args = {"--data-dir", LLMHW_DATA, "calibrate", "--model",  "qwen3-32b",
                                   "--hardware", "h100-sxm", "--engine",  "vllm",     "--tp",
                                   "2",          "--out",    out,         "--format", "json"};
  for (size_t i = 0; i < 4; ++i) args.push_back(run_file(kTrain[i]));
  const auto r = run_cli(args);
  REQUIRE(r.code == 0);
  const auto report = nlohmann::json::parse(r.out);
  CHECK(report.at("written") == out);
  CHECK(report.at("runs").size() == 4);
  const CalibrationOverlay o = io::load_overlay(out);  // schema-checked
  CHECK(o.runs == 4);
  CHECK(o.deployment.tp == 2);
  const auto doc = nlohmann::json::parse(std::ifstream(out));
  CHECK(doc.at("inputs").size() == 4);
  CHECK(doc.at("inputs")[0].at("sha256").get<std::string>().size() == 64);

  const auto est = run_cli({"--data-dir",
                            LLMHW_DATA,
                            "--calibration",
                            out,
                            "estimate",
                            "--model",
                            "qwen3-32b",
                            "--hardware",
                            "h100-sxm",
                            "--engine",
                            "vllm",
                            "--tp",
                            "2",
                            "--input-tokens",
                            "2048",
                            "--output-tokens",
                            "256",
                            "--concurrency",
                            "16",
                            "--format",
                            "json"});
  REQUIRE(est.code == 0);
  const auto e = nlohmann::json::parse(est.out);
  CHECK(e.at("evidence") == "calibrated");
  CHECK(e.at("evidence_basis").get<std::string>().find("calibration overlay " + out) == 0);
  bool noted = false;
  for (const auto& n : e.at("notes")) noted = noted || n.get<std::string>().find("calibration overlay") == 0;
  CHECK(noted);

  // A bad file among good ones: exit 1, one line naming it, and nothing written.
  const std::string bad = (dir / "bad.json").string();
  std::ofstream(bad) << "{\"completed\": 8, \"mean_ttft_ms\": 1";
  const std::string second = (dir / "second.json").string();
  args[12] = second;
  args.push_back(bad);
  const auto failed = run_cli(args);
  CHECK(failed.code == 1);
  CHECK(failed.err.find("llmhw: error: " + bad + ":1: truncated or not JSON") == 0);
  CHECK(std::count(failed.err.begin(), failed.err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(second));
}

TEST_CASE("overlays in XDG_CONFIG_HOME/llmhw/calibration apply, and a bad overlay names file and field",
          "[calibrate][cli]") {
  const llmhw::test::TempDir home;
  fs::create_directories(home.dir / "llmhw" / "calibration");
  const std::string overlay = (home.dir / "llmhw" / "calibration" / "h100.json").string();
  std::vector<std::string> args = {"--data-dir", LLMHW_DATA, "calibrate", "--model", "qwen3-32b",
                                   "--hardware", "h100-sxm", "--engine",  "vllm",    "--tp",
                                   "2",          "--out",    overlay};
  for (size_t i = 0; i < 3; ++i) args.push_back(run_file(kTrain[i]));
  REQUIRE(run_cli(args).code == 0);
  const std::vector<std::string> estimate = {
      "--data-dir", LLMHW_DATA,      "estimate", "--model",        "qwen3-32b", "--hardware",
      "h100-sxm",   "--tp",          "2",        "--input-tokens", "1024",      "--output-tokens",
      "128",        "--concurrency", "8",        "--format",       "json"};
  const llmhw::test::ScopedEnv xdg("XDG_CONFIG_HOME", home.dir.string());
  const auto with_user = run_cli(estimate);
  REQUIRE(with_user.code == 0);
  CHECK(nlohmann::json::parse(with_user.out).at("evidence") == "calibrated");  // no --engine: the overlay too
  // A schema-invalid overlay: the error names the file and the JSON pointer.
  auto doc = nlohmann::json::parse(std::ifstream(overlay));
  doc["factors"]["decode_compute"]["value"] = "fast";
  std::ofstream(overlay) << doc.dump();
  const auto bad = run_cli(estimate);
  CHECK(bad.code == 1);
  CHECK(bad.err.find("llmhw: error: " + overlay + ": /factors/decode_compute/value") == 0);
}
