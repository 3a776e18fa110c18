// Benchmark result files for `llmhw calibrate`. Key names from the tools' sources:
//   vLLM `vllm bench serve --save-result` (vllm/benchmarks/serve.py, result_json): completed,
//     total_input_tokens, total_output_tokens, duration, request_rate ("inf" or a number),
//     max_concurrency (null without a cap), mean_ttft_ms, mean_tpot_ms, mean_e2el_ms, model_id,
//     backend, and the --metadata KEY=VALUE pairs at the top level;
//   SGLang `python -m sglang.bench_serving --output-file` (JSONL, one run a line): the same
//     totals and means, mean_e2e_latency_ms instead of mean_e2el_ms, and
//     total_output_tokens_retokenized, which only SGLang writes;
//   GenAI-Perf profile_export_genai_perf.json and AIPerf profile_export_aiperf.json: one object
//     per metric ({"unit": "ms", "avg": ...}) for time_to_first_token, inter_token_latency,
//     request_latency, input/output_sequence_length, request_throughput, request_count (AIPerf:
//     benchmark_duration too), and the load and model in input_config (bench_perf_export.cpp
//     cites both tools' exporters);
//   GuideLLM's report (guidellm benchmark --output-path results.json), one run per benchmark:
//     bench_guidellm.cpp.
// Python writes an unbounded rate as the bare token Infinity, which is not JSON: read as "inf".
#include "llmhw/io/bench_results.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <sstream>

#include "io/bench_formats.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::io {

void bench::take_metadata(const nlohmann::json& j, BenchRun& r) {
  for (const char* key :
       {"model_id", "backend", "hardware", "tensor_parallel_size", "tp", "precision", "engine"}) {
    if (!j.contains(key)) continue;
    const nlohmann::json& v = j.at(key);
    if (v.is_string()) r.metadata[key] = v.get<std::string>();
    if (v.is_number_integer()) r.metadata[key] = std::to_string(v.get<long>());
  }
}

namespace {

using nlohmann::json;

// Replaces the bare tokens Infinity, -Infinity and NaN outside strings with "inf" / null.
std::string python_json_to_json(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size())
        out += text[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (text.compare(i, 9, "-Infinity") == 0) {
      out += "\"-inf\"", i += 8;
    } else if (text.compare(i, 8, "Infinity") == 0) {
      out += "\"inf\"", i += 7;
    } else if (text.compare(i, 3, "NaN") == 0) {
      out += "null", i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

struct Reader {
  const json& j;
  const BenchRun& run;
  std::string where() const { return run.where(); }

  [[noreturn]] void fail(const std::string& field, const std::string& why) const {
    throw data_error(fmt::format("{}: {}: {}", where(), field, why));
  }
  double number(const std::string& key) const {
    if (!j.contains(key)) fail(key, "missing");
    const json& v = j.at(key);
    if (!v.is_number()) fail(key, "expected a number");
    return v.get<double>();
  }
  double number_or(const std::string& key, double fallback) const {
    return j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : fallback;
  }
  // A rate: a number, or "inf" / null for no limit.
  std::optional<double> rate(const std::string& key) const {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    const json& v = j.at(key);
    if (v.is_string() && (v == "inf" || v == "Infinity")) return std::nullopt;
    if (!v.is_number() || !(v.get<double>() > 0)) fail(key, "expected a positive number or \"inf\"");
    if (!std::isfinite(v.get<double>())) return std::nullopt;
    return v.get<double>();
  }
};

using bench::take_metadata;

// vLLM and SGLang share the serving benchmark's keys.
BenchRun serving_run(const json& j, BenchRun r) {
  const Reader in{j, r};
  r.completed = in.number("completed");
  r.duration_s = in.number_or("duration", 0);
  r.input_tokens = in.number("total_input_tokens");
  r.output_tokens = in.number("total_output_tokens");
  r.ttft_ms = in.number("mean_ttft_ms");
  r.tpot_ms = in.number("mean_tpot_ms");
  const std::string e2e = r.format == "sglang-bench-serving" ? "mean_e2e_latency_ms" : "mean_e2el_ms";
  r.e2el_ms = in.number_or(e2e, 0);
  r.request_rate = in.rate("request_rate");
  if (j.contains("max_concurrency") && !j.at("max_concurrency").is_null()) {
    const double c = in.number("max_concurrency");
    if (!(c >= 1)) in.fail("max_concurrency", "expected at least 1");
    r.max_concurrency = c;
  }
  take_metadata(j, r);
  return r;
}

// A GenAI-Perf / AIPerf metric's mean, converted to milliseconds where it has a time unit.
double metric_avg(const json& metrics, const BenchRun& r, const std::string& key, bool time) {
  const std::string field = key + ".avg";
  if (!metrics.contains(key) || !metrics.at(key).is_object())
    throw data_error(fmt::format("{}: {}: missing", r.where(), field));
  const json& m = metrics.at(key);
  if (!m.contains("avg") || !m.at("avg").is_number())
    throw data_error(fmt::format("{}: {}: expected a number", r.where(), field));
  double v = m.at("avg").get<double>();
  if (time) {
    const std::string unit = m.value("unit", "ms");
    if (unit == "ns")
      v /= 1e6;
    else if (unit == "us")
      v /= 1e3;
    else if (unit == "s" || unit == "sec")
      v *= 1e3;
    else if (unit != "ms")
      throw data_error(fmt::format("{}: {}.unit: '{}' is not a time unit", r.where(), key, unit));
  }
  return v;
}

BenchRun perf_analyzer_run(const json& j, BenchRun r) {
  const json& metrics = j.contains("records") && j.at("records").is_object() ? j.at("records") : j;
  r.fields = {{"mean_ttft_ms", "time_to_first_token.avg"},
              {"mean_tpot_ms", "inter_token_latency.avg"},
              {"completed", "request_count.avg"},
              {"total_input_tokens", "input_sequence_length.avg"},
              {"total_output_tokens", "output_sequence_length.avg"}};
  r.ttft_ms = metric_avg(metrics, r, "time_to_first_token", true);
  r.tpot_ms = metric_avg(metrics, r, "inter_token_latency", true);
  r.e2el_ms = metrics.contains("request_latency") ? metric_avg(metrics, r, "request_latency", true) : 0;
  r.completed = metrics.contains("request_count") ? metric_avg(metrics, r, "request_count", false) : 1;
  r.input_tokens = metric_avg(metrics, r, "input_sequence_length", false) * r.completed;
  r.output_tokens = metric_avg(metrics, r, "output_sequence_length", false) * r.completed;
  if (metrics.contains("benchmark_duration")) {  // AIPerf
    r.duration_s = metric_avg(metrics, r, "benchmark_duration", true) / 1e3;
  } else if (metrics.contains("request_throughput")) {
    const double rps = metric_avg(metrics, r, "request_throughput", false);
    if (rps > 0) r.duration_s = r.completed / rps;
  }
  const json config = j.contains("input_config") ? j.at("input_config") : json::object();
  const bench::ExportLoad load = bench::export_load(config);
  if (load.concurrency && *load.concurrency >= 1) r.max_concurrency = load.concurrency;
  r.request_rate = load.request_rate;
  if (!r.max_concurrency && !r.request_rate) {
    throw data_error(fmt::format(
        "{}: input_config.{}: missing (and no request rate){}", r.where(),
        r.format == "aiperf" ? "loadgen.concurrency" : "perf_analyzer.stimulus.concurrency",
        r.format == "aiperf" ? "; AIPerf leaves out a load it was not given: run it with --concurrency N"
                             : ""));
  }
  bench::take_export_model(config, r);
  return r;
}

std::string detect(const json& j) {
  if (!j.is_object()) return "";
  if (j.contains("completed") && j.contains("mean_ttft_ms")) {
    if (j.contains("total_output_tokens_retokenized") || j.contains("mean_e2e_latency_ms"))
      return "sglang-bench-serving";
    return "vllm-bench-serve";
  }
  const json& metrics = j.contains("records") && j.at("records").is_object() ? j.at("records") : j;
  if (metrics.contains("time_to_first_token") && metrics.contains("inter_token_latency"))
    return bench::is_aiperf_export(j) ? "aiperf" : "genai-perf";
  if (bench::is_guidellm_report(j)) return "guidellm";
  return "";
}

BenchRun read_run(const json& j, const std::string& path, int line) {
  BenchRun r;
  r.file = path;
  r.line = line;
  r.format = detect(j);
  if (r.format.empty() && j.is_object() && j.contains("metrics") && j.contains("metadata")) {
    throw data_error(
        fmt::format("{}: one request's record (AIPerf's profile_export.jsonl), not a run: give the run's "
                    "profile_export_aiperf.json",
                    r.where()));
  }
  if (r.format.empty()) {
    throw data_error(fmt::format(
        "{}: not a benchmark result llmhw reads (no completed + mean_ttft_ms as vLLM bench serve and SGLang "
        "bench_serving write, nor time_to_first_token as GenAI-Perf and AIPerf write, nor GuideLLM's "
        "benchmarks)",
        r.where()));
  }
  if (r.format == "genai-perf" || r.format == "aiperf") return perf_analyzer_run(j, r);
  if (r.format == "guidellm")  // a whole report is read by parse_bench_text, not a line of JSONL
    throw data_error(
        fmt::format("{}: a GuideLLM report inside a JSONL file; give the report itself", r.where()));
  return serving_run(j, r);
}

}  // namespace

BenchFile parse_bench_text(const std::string& raw, const std::string& path) {
  BenchFile f;
  f.path = path;
  f.sha256 = sha256_hex(raw);
  if (raw.find_first_not_of(" \t\r\n") == std::string::npos)
    throw data_error(fmt::format("{}: empty file", path));
  const std::string text = python_json_to_json(raw);
  json whole = json::parse(text, nullptr, false);
  if (!whole.is_discarded() && detect(whole) == "guidellm") {
    f.runs = bench::guidellm_runs(whole, path);  // one run per benchmark
  } else if (!whole.is_discarded()) {
    f.runs.push_back(read_run(whole, path, 0));
  } else {
    // JSONL: one run a line (SGLang appends a line per run to --output-file).
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        f.runs.push_back(read_run(json::parse(line), path, number));
      } catch (const json::parse_error& e) {
        throw data_error(fmt::format("{}:{}: truncated or not JSON ({})", path, number, e.what()));
      }
    }
    if (f.runs.size() == 1) f.runs.front().line = 0;
  }
  f.format = f.runs.front().format;
  for (const BenchRun& r : f.runs) {
    if (r.format != f.format)
      throw data_error(fmt::format("{}: a {} run in a {} file", r.where(), r.format, f.format));
  }
  return f;
}

BenchFile read_bench_file(const std::filesystem::path& path) {
  if (const auto ext = path.extension(); ext == ".yaml" || ext == ".yml")  // GuideLLM writes either
    throw data_error(
        fmt::format("{}: a YAML report; llmhw reads GuideLLM's JSON report (--output-path results.json "
                    "or --output kind=json)",
                    path.string()));
  return parse_bench_text(read_text_file(path), path.string());
}

}  // namespace llmhw::io
