// GuideLLM's JSON report (`guidellm benchmark --output-path results.json`; 0.7: `guidellm run
// --output kind=json,path=results.json`), one run per benchmark. Key names from GuideLLM's
// source (github.com/vllm-project/guidellm, v0.7.3 = commit 39383552962841086d05e25c37b58a83ef06c758,
// unchanged on main at ee7a7745):
//   src/guidellm/benchmark/schemas/report.py  GenerativeBenchmarksReport: metadata (version 2),
//     config (the scenario: config.metadata.labels are the user's key=value labels), benchmarks;
//   src/guidellm/benchmark/schemas/benchmark.py  GenerativeBenchmark: config, metrics, and the
//     computed start_time, end_time, duration (seconds);
//   src/guidellm/benchmark/schemas/base.py  BenchmarkConfig: strategy, backend (the backend's
//     arguments: kind "openai_http", target, model);
//   src/guidellm/scheduler/strategies.py  strategy.type_: synchronous, concurrent (streams),
//     throughput (max_concurrency or none), constant / poisson (rate), trace;
//   src/guidellm/benchmark/schemas/metrics.py  GenerativeMetrics: request_totals {successful,
//     ...}, and per metric a StatusDistributionSummary {successful: {mean, median, ...,
//     total_sum, percentiles}, incomplete, errored, total}: time_to_first_token_ms,
//     inter_token_latency_ms, prompt_token_count, output_token_count, request_latency (seconds);
//   src/guidellm/schemas/request_stats.py  inter_token_latency_ms = (last - first token) /
//     (output_tokens - 1), vLLM's TPOT; time_per_output_token_ms includes the first token, so it
//     is not used.
// GuideLLM 0.3 (commit ad9513fd) kept the strategy in benchmarks[].args, request_totals beside
// metrics and the model in worker.backend_model: read as well.
#include <fmt/format.h>

#include <initializer_list>

#include "io/bench_formats.hpp"
#include "llmhw/error.hpp"

namespace llmhw::io::bench {
namespace {

using nlohmann::json;

const json* at(const json& j, std::initializer_list<const char*> keys) {
  const json* p = &j;
  for (const char* k : keys) {
    if (!p->is_object() || !p->contains(k)) return nullptr;
    p = &p->at(k);
  }
  return p;
}

struct Benchmark {
  const json& b;
  const std::string& path;
  std::string prefix;  // "benchmarks[2]"

  std::string field(const std::string& rest) const { return prefix + "." + rest; }
  [[noreturn]] void fail(const std::string& rest, const std::string& why) const {
    throw data_error(fmt::format("{}: {}: {}", path, field(rest), why));
  }
  // metrics.KEY.successful.mean: the mean over the successful requests.
  std::optional<double> mean_or(const std::string& key) const {
    const json* v = at(b, {"metrics", key.c_str(), "successful", "mean"});
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_number()) fail("metrics." + key + ".successful.mean", "expected a number");
    return v->get<double>();
  }
  double mean(const std::string& key) const {
    if (auto v = mean_or(key)) return *v;
    fail("metrics." + key + ".successful.mean", "missing");
  }
  double successful() const {
    const json* v = at(b, {"metrics", "request_totals", "successful"});
    if (v == nullptr) v = at(b, {"request_totals", "successful"});  // GuideLLM 0.3
    if (v == nullptr) fail("metrics.request_totals.successful", "missing");
    if (!v->is_number()) fail("metrics.request_totals.successful", "expected a number");
    if (!(v->get<double>() >= 1)) fail("metrics.request_totals.successful", "no successful request");
    return v->get<double>();
  }
  double duration_s() const {
    if (const json* d = at(b, {"duration"}); d && d->is_number()) return d->get<double>();
    const json *start = at(b, {"start_time"}), *end = at(b, {"end_time"});
    if (start && end && start->is_number() && end->is_number())
      return end->get<double>() - start->get<double>();
    return 0;
  }
};

// The load: closed loop for synchronous (1), concurrent (streams) and a throughput run (its cap, or
// else the mean of metrics.request_concurrency, the requests in flight GuideLLM measured);
// a request rate for constant and poisson, read at its mean concurrency by Little's law. A trace
// replay or an unknown strategy gets its mean arrival rate, completed / duration, the same way.
void take_strategy(const Benchmark& in, BenchRun& r) {
  const json* s = at(in.b, {"config", "strategy"});
  std::string field = "config.strategy";
  if (s == nullptr) s = at(in.b, {"args", "strategy"}), field = "args.strategy";
  if (s == nullptr || !s->is_object()) in.fail("config.strategy", "missing");
  const json* type = at(*s, {"type_"});
  if (type == nullptr || !type->is_string()) in.fail(field + ".type_", "missing");
  const std::string t = type->get<std::string>();
  auto positive = [&](const char* key) -> std::optional<double> {
    const json* v = at(*s, {key});
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_number() || !(v->get<double>() > 0)) in.fail(field + "." + key, "expected a positive number");
    return v->get<double>();
  };
  if (t == "synchronous") {
    r.max_concurrency = 1;
  } else if (t == "concurrent") {
    r.max_concurrency = positive("streams");
    if (!r.max_concurrency) in.fail(field + ".streams", "missing");
  } else if (t == "throughput") {
    // Uncapped, GuideLLM sends as fast as it can; the requests in flight are what it measured.
    r.max_concurrency = positive("max_concurrency");
    if (!r.max_concurrency) {
      if (auto measured = in.mean_or("request_concurrency"); measured && *measured >= 1)
        r.max_concurrency = measured;
    }
  } else if (t == "constant" || t == "poisson") {
    r.request_rate = positive("rate");
    if (!r.request_rate) in.fail(field + ".rate", "missing");
  } else if (r.duration_s > 0) {
    r.request_rate = r.completed / r.duration_s;
  } else {
    in.fail(field + ".type_", fmt::format("'{}' with no duration to read its load from", t));
  }
}

void take_model(const json& b, BenchRun& r) {
  for (const json* m : {at(b, {"config", "backend", "model"}), at(b, {"worker", "backend_model"})}) {
    if (m != nullptr && m->is_string() && !m->get<std::string>().empty()) {
      r.metadata["model_id"] = m->get<std::string>();
      return;
    }
  }
}

BenchRun read_benchmark(const json& report, const json& b, const std::string& path, size_t index,
                        size_t count) {
  BenchRun r;
  r.file = path;
  r.format = "guidellm";
  r.line = count > 1 ? static_cast<int>(index + 1) : 0;
  const Benchmark in{b, path, fmt::format("benchmarks[{}]", index)};
  if (!b.is_object() || !b.contains("metrics")) in.fail("metrics", "missing");
  r.fields = {{"mean_ttft_ms", in.field("metrics.time_to_first_token_ms.successful.mean")},
              {"mean_tpot_ms", in.field("metrics.inter_token_latency_ms.successful.mean")},
              {"completed", in.field("metrics.request_totals.successful")},
              {"total_input_tokens", in.field("metrics.prompt_token_count.successful.mean")},
              {"total_output_tokens", in.field("metrics.output_token_count.successful.mean")},
              {"max_concurrency", in.field("config.strategy")}};
  r.completed = in.successful();
  r.ttft_ms = in.mean("time_to_first_token_ms");
  r.tpot_ms = in.mean("inter_token_latency_ms");
  r.input_tokens = in.mean("prompt_token_count") * r.completed;
  r.output_tokens = in.mean("output_token_count") * r.completed;
  r.e2el_ms = in.mean_or("request_latency").value_or(0) * 1e3;  // GuideLLM writes seconds
  r.duration_s = in.duration_s();
  take_strategy(in, r);
  if (const json* labels = at(report, {"config", "metadata", "labels"}); labels && labels->is_object())
    take_metadata(*labels, r);
  take_model(b, r);
  return r;
}

}  // namespace

bool is_guidellm_report(const json& j) {
  return j.is_object() && j.contains("benchmarks") && j.at("benchmarks").is_array();
}

std::vector<BenchRun> guidellm_runs(const json& report, const std::string& path) {
  const json& benchmarks = report.at("benchmarks");
  if (benchmarks.empty())
    throw data_error(fmt::format("{}: benchmarks: empty (no benchmark completed)", path));
  std::vector<BenchRun> runs;
  for (size_t i = 0; i < benchmarks.size(); ++i)
    runs.push_back(read_benchmark(report, benchmarks[i], path, i, benchmarks.size()));
  return runs;
}

}  // namespace llmhw::io::bench
