// Benchmarks of llmhw's hot paths (Google Benchmark). Built with -DLLMHW_BUILD_BENCH=ON (the
// release preset does), never run as a test: these machines are shared and noisy, so
// docs/performance.md quotes medians of repeated runs, e.g.
//   ./build/release/bench/llmhw_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/estimate.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render.hpp"
#include "llmhw/render_formats.hpp"

namespace {

namespace fs = std::filesystem;
const fs::path kData = LLMHW_SOURCE_DATA_DIR;

struct Data {
  std::vector<llmhw::Hardware> hardware = llmhw::io::load_hardware_dir(kData / "hardware");
  llmhw::Calibration calibration = llmhw::io::load_calibration(kData / "efficiency.json");
  llmhw::Model llama_70b = load_model("llama-3.1-70b");

  static llmhw::Model load_model(const std::string& id) {
    for (const auto& entry : llmhw::io::list_model_catalog(kData / "models")) {
      if (entry.id == id) return llmhw::io::load_catalog_model(entry);
    }
    throw std::runtime_error("no catalog model " + id);
  }
  const llmhw::Hardware& hw(const std::string& id) const {
    for (const auto& h : hardware) {
      if (h.id == id) return h;
    }
    throw std::runtime_error("no hardware " + id);
  }
};

const Data& data() {
  static const Data d;
  return d;
}

llmhw::Query chat_query(double qps) {
  llmhw::Query q;
  q.model_text = "70b";
  q.qps = qps;
  return q;
}

// A catalog of `n` profiles: the shipped ones repeated with their ids numbered, and memory and
// bandwidth scaled a little so that no two candidates are the same.
std::vector<llmhw::Hardware> synthetic_catalog(size_t n) {
  std::vector<llmhw::Hardware> out;
  const auto& shipped = data().hardware;
  for (size_t i = 0; i < n; ++i) {
    llmhw::Hardware hw = shipped[i % shipped.size()];
    const double scale = 1.0 + 0.01 * static_cast<double>(i / shipped.size());
    hw.id.append("-").append(std::to_string(i));
    hw.memory_gb *= scale;
    hw.memory_bandwidth_gbps *= scale;
    out.push_back(std::move(hw));
  }
  return out;
}

// One estimate as `llmhw estimate` computes it: memory plan and the closed-loop serving point
// of Llama 3.1 70B at fp8 on 2 x H100 (TP=2), 64 requests in flight.
void BM_Estimate(benchmark::State& state) {
  const auto& hw = data().hw("h100-sxm");
  llmhw::Deployment d{&data().llama_70b, &hw, llmhw::Precision::fp8, llmhw::Precision::bf16, 2};
  const llmhw::Efficiency& eff = data().calibration.for_hardware(hw, "vllm");
  const llmhw::Workload w{1024, 256};
  for (auto _ : state) {
    benchmark::DoNotOptimize(llmhw::plan_memory(d, w, eff));
    benchmark::DoNotOptimize(llmhw::serve_closed_loop(d, w, 64, eff, llmhw::EngineLimits{}));
  }
}
BENCHMARK(BM_Estimate);

// The search behind `llmhw recommend --model 70b --qps 50` over the shipped catalog.
void BM_RecommendShipped(benchmark::State& state) {
  const llmhw::Query q = chat_query(50);
  for (auto _ : state) {
    benchmark::DoNotOptimize(llmhw::recommend(q, data().llama_70b, data().hardware, data().calibration));
  }
  state.counters["profiles"] = static_cast<double>(data().hardware.size());
}
BENCHMARK(BM_RecommendShipped)->Unit(benchmark::kMicrosecond);

// The same search over synthetic catalogs of 100 to 1,000 profiles; the complexity fit reports
// the cost per profile.
void BM_RecommendSynthetic(benchmark::State& state) {
  const auto catalog = synthetic_catalog(static_cast<size_t>(state.range(0)));
  const llmhw::Query q = chat_query(50);
  for (auto _ : state) {
    benchmark::DoNotOptimize(llmhw::recommend(q, data().llama_70b, catalog, data().calibration));
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_RecommendSynthetic)
    ->Arg(100)
    ->Arg(250)
    ->Arg(500)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

// Loading everything a recommend reads: every hardware profile (parsed and schema-checked), the
// model catalog index and one model, and the fitted efficiencies.
void BM_LoadData(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(llmhw::io::load_hardware_dir(kData / "hardware"));
    benchmark::DoNotOptimize(Data::load_model("llama-3.1-70b"));
    benchmark::DoNotOptimize(llmhw::io::load_calibration(kData / "efficiency.json"));
  }
}
BENCHMARK(BM_LoadData)->Unit(benchmark::kMillisecond);

// Rendering the answer of `recommend --model 70b --qps 50` in each format.
using Renderer =
    std::function<std::string(const llmhw::RecommendResult&, const llmhw::render::RecommendContext&)>;
void render_benchmark(benchmark::State& state, const Renderer& render) {
  const llmhw::Query q = chat_query(50);
  const auto result = llmhw::recommend(q, data().llama_70b, data().hardware, data().calibration);
  const llmhw::render::RecommendContext ctx{&q, &data().llama_70b, "auto", "fitted", 10, {}};
  for (auto _ : state) benchmark::DoNotOptimize(render(result, ctx));
}
void BM_RenderTable(benchmark::State& state) {
  render_benchmark(state, [](const auto& r, const auto& c) { return llmhw::render::recommend_table(r, c); });
}
void BM_RenderJson(benchmark::State& state) {
  render_benchmark(state, llmhw::render::recommend_json);
}
void BM_RenderCsv(benchmark::State& state) {
  render_benchmark(state, llmhw::render::recommend_csv);
}
void BM_RenderMarkdown(benchmark::State& state) {
  render_benchmark(state,
                   [](const auto& r, const auto& c) { return llmhw::render::recommend_markdown(r, c, {}); });
}
BENCHMARK(BM_RenderTable)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RenderJson)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RenderCsv)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RenderMarkdown)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
