// CPU slices (issue 23): what an instance of N vCPUs gets of its socket, the --vcpus errors, the
// prediction against published llama.cpp runs on Graviton3 at 8 to 64 threads, and a CPU slice
// winning recommend where it is the cheaper option.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../cli/cli_harness.hpp"
#include "llmhw/calibration.hpp"
#include "llmhw/error.hpp"
#include "llmhw/gguf.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"

namespace fs = std::filesystem;
using llmhw::Precision;
using llmhw::test::find_hardware;
using llmhw::test::shipped_model;

namespace {

using llmhw::test::kData;

// One published llama.cpp run from data/calibration/cpu_threads_llamacpp.csv.
struct Run {
  std::string id, model, format;
  int threads = 0;
  double tokens_per_s = 0;
};

std::vector<Run> published_runs() {
  std::ifstream in(kData / "calibration" / "cpu_threads_llamacpp.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // header
  std::vector<Run> runs;
  while (std::getline(in, line)) {
    // Quoted fields hold commas; split respecting quotes.
    std::vector<std::string> f;
    std::string cur;
    bool quoted = false;
    for (char c : line) {
      if (c == '"')
        quoted = !quoted;
      else if (c == ',' && !quoted)
        f.push_back(std::exchange(cur, ""));
      else
        cur += c;
    }
    f.push_back(cur);
    REQUIRE(f.size() == 13);
    if (f[10] != "decode_tokens_per_s") continue;  // prefill rows are evidence for calibration
    runs.push_back({f[0], f[3], f[4], std::stoi(f[7]), std::stod(f[11])});
  }
  return runs;
}

}  // namespace

TEST_CASE("a slice of Graviton3 gets its cores' share of compute and its instance's memory", "[slice]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const llmhw::Hardware& g3 = find_hardware(catalog, "graviton3");
  const llmhw::Hardware s = llmhw::slice(g3, 8);
  CHECK(s.id == "graviton3@8vcpu");
  CHECK(s.vcpus == 8);
  CHECK(s.cpu.cores == 8);  // Neoverse V1 has no SMT: a vCPU is a core
  // bf16 peak 64 cores x 2.6 GHz x 64 FLOP/cycle = 10.65 TFLOP/s; 8 cores: 1.33.
  CHECK(s.peak_tflops(Precision::bf16).value() == Approx(10.65 * 8 / 64));
  // c7g.2xlarge: 16 GiB = 17.18 GB, $0.29/h on demand in us-east-1 (SkyPilot AWS catalog).
  CHECK(s.memory_gb == Approx(17.18).margin(0.01));
  REQUIRE(s.price("on-demand"));
  CHECK(s.price("on-demand")->instance_type == "c7g.2xlarge");
  CHECK(s.price("on-demand")->usd_per_device_hour == Approx(0.29));
  // Bandwidth grows with the cores until the 8 x DDR5-4800 channels (307.2 GB/s) saturate.
  CHECK(s.memory_bandwidth_gbps == Approx(8 * g3.cpu.per_core_bandwidth_gbps));
  CHECK(s.memory_bandwidth_gbps < g3.memory_bandwidth_gbps);
  CHECK(llmhw::slice(g3, 64).memory_bandwidth_gbps == Approx(307.2));
  // The whole socket keeps its own price (m7g.16xlarge, 256 GiB), not the cheapest slice's.
  REQUIRE(g3.price("on-demand"));
  CHECK(g3.price("on-demand")->instance_type == "m7g.16xlarge");
  CHECK(llmhw::sellable_vcpus(g3) == std::vector<int>{1, 2, 4, 8, 16, 32, 48, 64});
}

TEST_CASE("an SMT CPU's vCPUs are threads: 8 vCPUs of a Xeon are 4 cores", "[slice]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const llmhw::Hardware& xeon = find_hardware(catalog, "xeon-8480");  // 56 cores, 112 threads
  const llmhw::Hardware s = llmhw::slice(xeon, 8);
  CHECK(s.cpu.cores == 4);
  // No per-core figure: the slice gets its cores' share of the socket's 307.2 GB/s.
  CHECK(s.memory_bandwidth_gbps == Approx(307.2 * 4 / 56));
}

TEST_CASE("a slice of a GPU, or of more vCPUs than the socket has, is a usage error", "[slice]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  try {
    llmhw::slice(find_hardware(catalog, "h100-sxm"), 8);
    FAIL("no error");
  } catch (const llmhw::Error& e) {
    CHECK(e.code() == llmhw::ExitCode::usage);
    CHECK(std::string(e.what()).find("not a CPU") != std::string::npos);
  }
  try {
    llmhw::slice(find_hardware(catalog, "graviton3"), 65);
    FAIL("no error");
  } catch (const llmhw::Error& e) {
    CHECK(e.code() == llmhw::ExitCode::usage);
    CHECK(std::string(e.what()).find("1..64") != std::string::npos);
  }
}

TEST_CASE("llama.cpp decode on Graviton3 slices is within 25% of published runs at 8 to 64 threads",
          "[slice][accuracy]") {
  // The runs are quoted in data/calibration/cpu_threads_llamacpp.csv with their sources. They are
  // the rows of the graviton fit (data/calibration/fit_groups.json; bandwidth efficiency 0.621,
  // 60 us per layer, per-core bandwidth 16 GB/s scanned with the fit), so this is in-sample: the
  // held-out errors (each model left out) are in docs/accuracy.md "CPUs". 4-16 threads stay below
  // the socket's 307.2 GB/s, 24-64 reach it. On a CPU int4 is sized as GGUF Q4_0 (4.5 bits, Q6_K
  // head) and int8 as Q8_0 (8.5 bits); the Q4_K_M and Q3_K (read as Q3_K_M) files by
  // llama-quantize's tensor mix (src/core/gguf_mix.cpp: 4.80 and 3.84 bits per layer weight).
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const auto calibration = llmhw::io::load_calibration(kData / "efficiency.json");
  const llmhw::Hardware& g3 = find_hardware(catalog, "graviton3");
  const llmhw::Efficiency& eff = calibration.for_hardware(g3, "llama.cpp", catalog);
  const auto runs = published_runs();
  REQUIRE(runs.size() == 11);
  bool eight = false, many = false;
  for (const Run& run : runs) {
    const llmhw::Model m = shipped_model(run.model);
    const llmhw::Hardware s = llmhw::slice(g3, run.threads);
    // Q8_0 files run as llmhw's CPU int8 (Q8_0), the 3- and 4-bit ones as int4, the K-quant
    // files sized as their GGUF type.
    const auto type = llmhw::parse_gguf_file_type(run.format.substr(0, run.format.find(' ')));
    REQUIRE(type);
    llmhw::Deployment d{&m, &s, llmhw::gguf_precision(*type), Precision::bf16, 1};
    d.gguf = type;
    // Single stream at a short context (the runs' prompts are 1 to 64 tokens).
    const double predicted = 1.0 / llmhw::decode_step(d, 1, 64, eff).total_s();
    INFO(run.id << ": predicted " << predicted << " tokens/s, published " << run.tokens_per_s);
    // One known miss, reported (docs/accuracy.md "CPUs") and held to a looser bound: the 2024-03
    // mainline on 64 threads decodes 1.46x slower than predicted. It is a build from before
    // llama.cpp's OpenMP/threadpool barriers, excluded from the fit as superseded; the 2024-06
    // and 2025 builds at 48 threads run within 11% of the same socket model.
    // A second: the 8-thread Q3_K run of PR 11917's "NEON (original)" build decodes 1.38x slower
    // than its 3.84-bit Q3_K_M file streams at (src/core/gguf_mix.cpp); the same build on 48
    // threads is within 5%. That is the Q3_K kernel the PR replaced, not the bandwidth: sized as
    // Q4_0 (before gguf_mix) the row was within 19% only because the file was taken 17% larger.
    const bool known_miss = run.id == "g3-64t-llama2-7b-q4_0" || run.id == "g3-8t-mistral-7b-q3k";
    if (known_miss) {
      WARN(run.id << ": predicted / published = " << predicted / run.tokens_per_s);
      CHECK(predicted / run.tokens_per_s == Approx(1.0).margin(0.55));
      continue;
    }
    CHECK(predicted / run.tokens_per_s == Approx(1.0).margin(0.25));
    eight = eight || run.threads == 8;
    many = many || (run.threads >= 48 && run.threads <= 64);
  }
  CHECK(eight);
  CHECK(many);
}

namespace {

llmhw::RecommendResult recommend_small(const llmhw::Model& m, double qps, double input, double output,
                                       const std::vector<llmhw::Hardware>& catalog,
                                       const llmhw::Calibration& calibration,
                                       std::vector<llmhw::DeviceKind> kinds = {}) {
  llmhw::Query q;
  q.model_text = m.id;
  q.qps = qps;
  q.workload = {input, output};
  q.kinds = std::move(kinds);
  return llmhw::recommend(q, m, catalog, calibration);
}

}  // namespace

TEST_CASE("a CPU slice ranks in the top 3 for a 0.6B model at 0.2 req/s, where it is the cheapest",
          "[slice][recommend]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const auto calibration = llmhw::io::load_calibration(kData / "efficiency.json");
  const llmhw::Model m = shipped_model("qwen3-0.6b");
  // 128 input + 128 output tokens at 0.2 req/s, default targets TTFT 1 s, TPOT 50 ms.
  const auto result = recommend_small(m, 0.2, 128, 128, catalog, calibration);
  REQUIRE(result.recommendations.size() >= 3);
  const llmhw::Evaluation& first = result.recommendations.front().evaluation;
  const llmhw::Hardware& hw = *first.deployment.hardware;
  CHECK(hw.id == "graviton3@4vcpu");
  REQUIRE(first.price);
  CHECK(first.price->instance_type == "c7g.xlarge");
  // By hand: one c7g.xlarge at $0.145/h (SkyPilot AWS catalog, us-east-1) against the cheapest
  // GPU, an RTX 4090 pod at $0.34/h: the CPU is 0.43x the price.
  CHECK(first.replicas == 1);
  CHECK(first.total_cost_per_hour == Approx(0.145));
  // Decode at batch 1, by hand, with the graviton fit (data/efficiency.json: bandwidth
  // efficiency 0.621, 59.7 us per layer): 4 cores x 16 GB/s = 64 GB/s raw, x 0.621 = 39.7 GB/s.
  // int8 on a CPU is GGUF Q8_0, 34 bytes per 32 weights, the head included: 0.440 B layer
  // params + the tied 151,936 x 1,024 embedding as LM head (0.156 B) = 0.596 B x 1.0625 bytes =
  // 0.633 GB -> 15.9 ms. The KV cache at 192 tokens, 28 layers x 8 KV heads x 128 x 2 (K, V) x
  // 2 bytes x 192 = 22 MB -> 0.6 ms. 28 layers x 59.7 us = 1.7 ms. Total 18.2 ms.
  const double step = llmhw::decode_step(first.deployment, 1, 192, calibration.for_hardware(hw)).total_s();
  CHECK(step * 1e3 == Approx(18.2).epsilon(0.05));
  // Prefill of 128 tokens by hand: 2 x 0.595 B FLOP/token x 128 = 152 GFLOP. Half of the matrix
  // work at the int8 peak (quantized_share 0.5), half at bf16: 4/64 of 21.3 and 10.65 TOPS =
  // 1.331 and 0.666 TOPS -> 1 / (0.5 / 1.331 + 0.5 / 0.666) = 0.888 TOPS, x 0.895 (the fitted
  // prefill efficiency) = 0.794 TOPS -> 0.19 s, under 1 s (the 0.63 GB of weights stream in
  // 15 ms, so compute binds).
  CHECK(llmhw::prefill(first.deployment, 128, calibration.for_hardware(hw)).total_s() ==
        Approx(0.19).epsilon(0.08));
  // Every GPU in the top 3 costs more per hour than the slice (ranking is by cost).
  for (size_t i = 1; i < 3; ++i)
    CHECK(result.recommendations[i].evaluation.total_cost_per_hour > first.total_cost_per_hour);
}

TEST_CASE("at 1,024-token prompts a CPU slice is third, after two cheaper GPUs", "[slice][recommend]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const auto calibration = llmhw::io::load_calibration(kData / "efficiency.json");
  const llmhw::Model m = shipped_model("qwen3-0.6b");
  const auto all = recommend_small(m, 0.5, 1024, 256, catalog, calibration);
  const auto cpus = recommend_small(m, 0.5, 1024, 256, catalog, calibration, {llmhw::DeviceKind::cpu});
  REQUIRE(all.recommendations.size() >= 3);
  REQUIRE(!cpus.recommendations.empty());
  const double cheapest_cpu = cpus.recommendations.front().evaluation.total_cost_per_hour;
  // The iff: a CPU is in the top 3 exactly when it is cheaper than the third entry.
  const double third = all.recommendations[2].evaluation.total_cost_per_hour;
  bool cpu_in_top3 = false;
  for (size_t i = 0; i < 3; ++i)
    cpu_in_top3 =
        cpu_in_top3 || all.recommendations[i].evaluation.deployment.hardware->kind == llmhw::DeviceKind::cpu;
  CHECK(cpu_in_top3 == (cheapest_cpu <= third));
  // The 1,024-token prefill is what needs cores: a c7g.4xlarge (16 vCPU, $0.58/h, SkyPilot AWS
  // catalog, us-east-1) at 0.5 req/s, behind an RTX 4090 pod ($0.34/h) and a T4 ($0.526/h) and
  // ahead of an L4 ($0.707/h). A whole Graviton3 socket was $2.61/h (m7g.16xlarge).
  CHECK(cpu_in_top3);
  CHECK(cheapest_cpu == Approx(0.58));
  // Issue 23's first done-when (recommend --model qwen3-0.6b --qps 0.5 --kind cpu): at most 16
  // vCPUs for at most $0.60/h. Why 16 and not 8, by hand: the 1,024-token prefill is 2 x 0.596 B
  // x 1,024 = 1.22 TFLOP of matrices, plus attention, 4 x 28 layers x 2,048 (16 heads x 128) x 512
  // (the mean causal context) x 1,024 tokens = 0.12 TFLOP: 1.34 TFLOP. 16 cores reach
  // 1 / (0.5 / 5.33 + 0.5 / 2.66) = 3.55 TOPS x 0.895 = 3.18 TOPS -> 0.42 s; 8 cores take twice
  // that, 0.84 s, before any queueing or request latency, against a 1 s TTFT target.
  const llmhw::Evaluation& cpu = cpus.recommendations.front().evaluation;
  CHECK(cpu.deployment.hardware->vcpus == 16);
  REQUIRE(cpu.price);
  CHECK(cpu.price->instance_type == "c7g.4xlarge");
  CHECK(llmhw::prefill(cpu.deployment, 1024, calibration.for_hardware(*cpu.deployment.hardware)).total_s() ==
        Approx(0.42).epsilon(0.05));
  CHECK(all.recommendations[2].evaluation.deployment.hardware->kind == llmhw::DeviceKind::cpu);
}

TEST_CASE("a CPU stores weights as llama.cpp's GGUF blocks, a GPU as its own formats", "[slice][gguf]") {
  const auto catalog = llmhw::io::load_hardware_dir(kData / "hardware");
  const llmhw::Hardware& g3 = find_hardware(catalog, "graviton3");
  // ggml's block layouts: Q8_0 = 32 int8 + one fp16 scale = 34 bytes per 32 weights; Q4_0 = 16
  // bytes of nibbles + one fp16 scale = 18 bytes per 32; Q6_K = 128 + 64 + 16 + 2 = 210 bytes per
  // 256 (the LM head of a Q4_0 file).
  const auto q8 = llmhw::gguf_bytes(g3, Precision::int8);
  REQUIRE(q8);
  CHECK(q8->body == Approx(34.0 / 32));
  CHECK(q8->head == Approx(34.0 / 32));
  const auto q4 = llmhw::gguf_bytes(g3, Precision::int4);
  REQUIRE(q4);
  CHECK(q4->body == Approx(18.0 / 32));
  CHECK(q4->head == Approx(210.0 / 256));
  CHECK_FALSE(llmhw::gguf_bytes(g3, Precision::bf16));
  CHECK_FALSE(llmhw::gguf_bytes(find_hardware(catalog, "h100-sxm"), Precision::int4));
  // Qwen3-0.6B at int8 on a Graviton3 slice: 0.440 B layer weights + the tied 151,936 x 1,024
  // embedding (0.156 B) all at Q8_0 = 0.596 B x 1.0625 = 0.633 GB; on an H100 the embedding stays
  // at 16 bits: 0.440 + 0.156 x 2 = 0.751 GB.
  const llmhw::Model m = shipped_model("qwen3-0.6b");
  const llmhw::Hardware s = llmhw::slice(g3, 8);
  const llmhw::Deployment on_cpu{&m, &s, Precision::int8, Precision::bf16, 1};
  CHECK(llmhw::model_weight_bytes(on_cpu) / 1e9 == Approx(0.633).epsilon(0.01));
  const llmhw::Deployment on_gpu{&m, &find_hardware(catalog, "h100-sxm"), Precision::int8, Precision::bf16,
                                 1};
  CHECK(llmhw::model_weight_bytes(on_gpu) / 1e9 == Approx(0.751).epsilon(0.01));
}
