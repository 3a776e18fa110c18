// `llmhw calibrate` reading GuideLLM reports and AIPerf / GenAI-Perf exports. The fixtures
// (tests/fixtures/calibration/{guidellm,aiperf,genai-perf}-qwen3-32b-h100-tp2, written by
// make_tool_fixtures.py in the shape of each tool's source; see its docstring and the README) hold
// the same eight runs as eight of the vLLM bench-serve files beside them, so every value read is
// checked against the vLLM file of the same run, whose numbers are the source CSV's.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "../cli/cli_harness.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/bench_results.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/user_calibration.hpp"

namespace fs = std::filesystem;
using namespace llmhw;
using llmhw::test::run_cli;

namespace {

const fs::path kFixtures = fs::path(LLMHW_TEST_FIXTURES) / "calibration";
// The eight runs in the order make_tool_fixtures.py writes them (test_user_calibration.cpp's kTrain).
const std::vector<std::string> kRuns = {"i1024-o128-c8",    "i1024-o128-c64", "i1024-o512-c32",
                                        "i1024-o1024-c128", "i4096-o128-c8",  "i4096-o128-c32",
                                        "i4096-o512-c16",   "i4096-o1024-c32"};

BenchRun vllm_run(const std::string& name) {
  return io::read_bench_file(kFixtures / "vllm-qwen3-32b-h100-tp2" / (name + ".json")).runs.at(0);
}

// The same run as the vLLM file states it: load, lengths, TTFT and TPOT.
void check_same_run(const BenchRun& r, const BenchRun& v) {
  CHECK(r.max_concurrency == v.max_concurrency);
  CHECK_FALSE(r.request_rate);
  CHECK(r.completed == v.completed);
  CHECK(r.input_tokens / r.completed == Approx(v.input_tokens / v.completed));
  CHECK(r.output_tokens / r.completed == Approx(v.output_tokens / v.completed));
  CHECK(r.ttft_ms == Approx(v.ttft_ms));
  CHECK(r.tpot_ms == Approx(v.tpot_ms));
  CHECK(r.e2el_ms == Approx(v.e2el_ms).epsilon(1e-6));
  CHECK(r.duration_s == Approx(v.duration_s).epsilon(1e-4));  // vLLM's file rounds to 1 ms
}

std::string error_of(const std::string& text, const std::string& name) {
  try {
    io::parse_bench_text(text, name);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// One GuideLLM benchmark with only what llmhw reads, under `strategy` and the given layout.
std::string guidellm_benchmark(const std::string& strategy, bool v03 = false) {
  const std::string metrics =
      R"("time_to_first_token_ms": {"successful": {"mean": 50.0}},
         "inter_token_latency_ms": {"successful": {"mean": 10.0}},
         "request_latency": {"successful": {"mean": 1.04}},
         "prompt_token_count": {"successful": {"mean": 1000.0}},
         "output_token_count": {"successful": {"mean": 100.0}})";
  const std::string totals =
      R"("request_totals": {"successful": 20, "incomplete": 0, "errored": 1, "total": 21})";
  if (v03) {
    return R"({"type_": "generative_benchmark", "args": {"strategy": )" + strategy + R"(},
      "worker": {"backend_type": "openai_http", "backend_target": "http://x", "backend_model": "m03"},
      "start_time": 100.0, "end_time": 110.0, )" +
           totals + R"(, "metrics": {)" + metrics + "}}";
  }
  return R"({"type_": "generative_benchmark", "config": {"strategy": )" + strategy +
         R"(, "backend": {"kind": "openai_http", "target": "http://x", "model": "m"}},
      "duration": 10.0, "metrics": {)" +
         totals + ", " + metrics + "}}";
}

std::string report(const std::string& benchmarks) {
  return R"({"metadata": {"version": 2}, "benchmarks": [)" + benchmarks + "]}";
}

}  // namespace

TEST_CASE("a GuideLLM report is read one run per benchmark, each the same run as its vLLM file",
          "[calibrate][guidellm]") {
  const io::BenchFile f = io::read_bench_file(kFixtures / "guidellm-qwen3-32b-h100-tp2" / "benchmarks.json");
  CHECK(f.format == "guidellm");
  REQUIRE(f.runs.size() == kRuns.size());
  for (size_t i = 0; i < kRuns.size(); ++i) {
    INFO(kRuns[i]);
    const BenchRun& r = f.runs[i];
    CHECK(r.where() == f.path + ":" + std::to_string(i + 1));
    check_same_run(r, vllm_run(kRuns[i]));
    CHECK(r.metadata.at("model_id") == "Qwen/Qwen3-32B");
    CHECK(r.metadata.at("hardware") == "h100-sxm");  // from the report's labels
    CHECK(r.metadata.at("tensor_parallel_size") == "2");
  }
  // The source row of i1024-o128-c8 (serving_ttft_tpot.csv row 915): TTFT 154.248 ms, TPOT
  // 18.037 ms, 1024 + 128 tokens at concurrency 8.
  CHECK(f.runs[0].ttft_ms == 154.248);
  CHECK(f.runs[0].tpot_ms == 18.037);
  CHECK(f.runs[0].max_concurrency == 8);
}

TEST_CASE("GuideLLM strategies give the load, and GuideLLM 0.3 reports are read too",
          "[calibrate][guidellm]") {
  const auto one = [](const std::string& strategy, bool v03 = false) {
    return io::parse_bench_text(report(guidellm_benchmark(strategy, v03)), "b.json").runs.at(0);
  };
  const BenchRun sync = one(R"({"type_": "synchronous"})");
  CHECK(sync.max_concurrency == 1);
  CHECK(sync.where() == "b.json");  // one benchmark: no index
  CHECK(sync.completed == 20);      // the successful requests, not the errored one
  CHECK(sync.input_tokens == 20 * 1000.0);
  CHECK(sync.e2el_ms == Approx(1040));  // GuideLLM's request_latency is in seconds
  CHECK(sync.metadata.at("model_id") == "m");
  CHECK(one(R"({"type_": "concurrent", "streams": 16})").max_concurrency == 16);
  CHECK(one(R"({"type_": "throughput", "max_concurrency": 64})").max_concurrency == 64);
  // Uncapped throughput: the requests in flight GuideLLM measured, else every request at once.
  std::string measured = guidellm_benchmark(R"({"type_": "throughput", "max_concurrency": null})");
  measured.insert(measured.find("\"time_to_first_token_ms\""),
                  R"("request_concurrency": {"successful": {"mean": 37.5}}, )");
  CHECK(io::parse_bench_text(report(measured), "b.json").runs.at(0).max_concurrency == 37.5);
  const BenchRun burst = one(R"({"type_": "throughput", "max_concurrency": null})");
  CHECK_FALSE(burst.max_concurrency);
  CHECK_FALSE(burst.request_rate);
  const BenchRun poisson = one(R"({"type_": "poisson", "rate": 2.0})");
  CHECK(poisson.request_rate == 2.0);
  CHECK_FALSE(poisson.max_concurrency);
  // Open loop: Little's law on what the run measured, 20 requests / 10 s x 1.04 s = 2.08 in flight.
  CalibrationTarget t;
  CHECK(observations_of({poisson}, t)[0].concurrency == Approx(2.08));
  // A trace replay: its mean arrival rate, 20 / 10 s.
  CHECK(one(R"({"type_": "trace"})").request_rate == Approx(2.0));
  // 0.3: the strategy under args, request_totals beside metrics, the model in worker.
  const BenchRun old = one(R"({"type_": "concurrent", "streams": 4})", true);
  CHECK(old.max_concurrency == 4);
  CHECK(old.completed == 20);
  CHECK(old.duration_s == Approx(10));  // end_time - start_time
  CHECK(old.metadata.at("model_id") == "m03");
}

TEST_CASE("bad GuideLLM reports get one line naming the file and the field", "[calibrate][guidellm]") {
  CHECK(error_of(report(""), "b.json") == "b.json: benchmarks: empty (no benchmark completed)");
  std::string no_ttft = guidellm_benchmark(R"({"type_": "synchronous"})");
  no_ttft.replace(no_ttft.find("time_to_first_token_ms"), 22, "time_to_first_token_xx");
  CHECK(error_of(report(guidellm_benchmark(R"({"type_": "synchronous"})") + ", " + no_ttft), "b.json") ==
        "b.json: benchmarks[1].metrics.time_to_first_token_ms.successful.mean: missing");
  CHECK(error_of(report(guidellm_benchmark(R"({"type_": "concurrent"})")), "b.json") ==
        "b.json: benchmarks[0].config.strategy.streams: missing");
  std::string none_ok = guidellm_benchmark(R"({"type_": "synchronous"})");
  none_ok.replace(none_ok.find("\"successful\": 20"), 16, "\"successful\": 0");
  CHECK(error_of(report(none_ok), "b.json") ==
        "b.json: benchmarks[0].metrics.request_totals.successful: no successful request");
  // GuideLLM also writes YAML, which llmhw does not read.
  const llmhw::test::TempDir dir;
  const fs::path yaml = dir.write("benchmarks.yaml", "benchmarks: []\n");
  CHECK_THROWS_WITH(io::read_bench_file(yaml), yaml.string() +
                                                   ": a YAML report; llmhw reads GuideLLM's JSON report "
                                                   "(--output-path results.json or --output kind=json)");
}

TEST_CASE("AIPerf and GenAI-Perf exports of the same runs read as their vLLM files", "[calibrate]") {
  for (const auto& [tool, file, format] :
       {std::tuple{"aiperf", "profile_export_aiperf.json", "aiperf"},
        std::tuple{"genai-perf", "profile_export_genai_perf.json", "genai-perf"}}) {
    for (const std::string& name : kRuns) {
      INFO(tool << " " << name);
      const io::BenchFile f =
          io::read_bench_file(kFixtures / (std::string(tool) + "-qwen3-32b-h100-tp2") / name / file);
      CHECK(f.format == format);
      REQUIRE(f.runs.size() == 1);
      check_same_run(f.runs[0], vllm_run(name));
      CHECK(f.runs[0].metadata.at("model_id") == "Qwen/Qwen3-32B");
    }
  }
}

TEST_CASE("AIPerf's load is the profiling phase's, and an AIPerf export without one says so", "[calibrate]") {
  const std::string metrics = R"("time_to_first_token": {"unit": "ms", "avg": 30.8},
    "inter_token_latency": {"unit": "ms", "avg": 18.2}, "request_latency": {"unit": "ms", "avg": 3652.1},
    "input_sequence_length": {"unit": "tokens", "avg": 100}, "output_sequence_length": {"unit": "tokens", "avg": 200},
    "request_count": {"unit": "requests", "avg": 64}, "benchmark_duration": {"unit": "sec", "avg": 255.6})";
  // Configuration v2.0 (src/aiperf/config/config.py, phases.py): benchmark.phases, a warm-up at
  // another load, then profiling.
  const std::string phases =
      "{" + metrics + R"(, "schema_version": "1.0", "input_config": {"benchmark": {"phases": [
      {"name": "warmup", "kind": "warmup", "type": "concurrency", "concurrency": 4, "requests": 10},
      {"name": "profiling", "kind": "profiling", "type": "concurrency", "concurrency": 32, "requests": 64}]}}})";
  const io::BenchFile p = io::parse_bench_text(phases, "profile_export_aiperf.json");
  CHECK(p.format == "aiperf");
  CHECK(p.runs[0].max_concurrency == 32);
  CHECK(p.runs[0].duration_s == Approx(255.6));
  const std::string rate = "{" + metrics + R"(, "input_config": {"benchmark": {"phases": [
      {"name": "profiling", "type": "poisson", "rate": 1.5, "requests": 64}]}}})";
  const io::BenchFile r = io::parse_bench_text(rate, "r.json");
  CHECK(r.format == "aiperf");
  CHECK(r.runs[0].request_rate == 1.5);
  // AIPerf of 2025 (no schema_version): UserConfig's loadgen and endpoint.model_names.
  const std::string legacy = "{" + metrics + R"(, "was_cancelled": false, "input_config": {
      "endpoint": {"model_names": ["Qwen/Qwen3-0.6B"]}, "loadgen": {"concurrency": 1, "request_count": 64}}})";
  const io::BenchFile l = io::parse_bench_text(legacy, "l.json");
  CHECK(l.format == "aiperf");
  CHECK(l.runs[0].max_concurrency == 1);
  CHECK(l.runs[0].metadata.at("model_id") == "Qwen/Qwen3-0.6B");
  const std::string no_load =
      "{" + metrics + R"(, "schema_version": "1.0", "input_config": {"endpoint": {}}})";
  CHECK(error_of(no_load, "n.json").find("n.json: input_config.loadgen.concurrency: missing") == 0);
  // A line of the per-request profile_export.jsonl is not a run.
  const std::string record =
      R"({"metadata": {"session_num": 0, "x_request_id": "fd78"}, "metrics": {"time_to_first_token": {"value": 31.7, "unit": "ms"}}, "error": null})";
  CHECK(error_of(record, "profile_export.jsonl").find("profile_export.jsonl: one request's record") == 0);
}

TEST_CASE("llmhw calibrate fits the same overlay from the GuideLLM report as from the eight vLLM files",
          "[calibrate][guidellm][cli]") {
  const llmhw::test::TempDir scratch;
  std::vector<std::string> base = {"--data-dir", LLMHW_DATA, "calibrate", "--model", "qwen3-32b",
                                   "--hardware", "h100-sxm", "--engine",  "vllm",    "--tp",
                                   "2",          "--format", "json"};
  std::vector<std::string> guidellm = base, vllm = base;
  guidellm.push_back((kFixtures / "guidellm-qwen3-32b-h100-tp2" / "benchmarks.json").string());
  for (const std::string& n : kRuns)
    vllm.push_back((kFixtures / "vllm-qwen3-32b-h100-tp2" / (n + ".json")).string());
  const auto g = run_cli(guidellm), v = run_cli(vllm);
  REQUIRE(g.code == 0);
  REQUIRE(v.code == 0);
  const auto gj = nlohmann::json::parse(g.out), vj = nlohmann::json::parse(v.out);
  CHECK(gj.at("runs").size() == 8);
  CHECK(gj.at("overlay").at("inputs")[0].at("format") == "guidellm");
  CHECK(gj.at("overlay").at("factors") == vj.at("overlay").at("factors"));  // the same runs, so the same fit
}
