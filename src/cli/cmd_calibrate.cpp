// llmhw calibrate: a user's benchmark result files -> a calibration overlay for one deployment
// (llmhw/user_calibration.hpp fits, src/io/overlay_json.cpp writes), with the error before and
// after, in-sample and leaving one run out.
#include <fmt/format.h>

#include <ctime>
#include <memory>
#include <ostream>

#include "cli/app.hpp"
#include "cli/catalog.hpp"
#include "cli/model_lookup.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/bench_results.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/io/overlay.hpp"
#include "llmhw/units.hpp"
#include "llmhw/user_calibration.hpp"

namespace llmhw::cli {
namespace {

struct CalibrateOptions {
  std::string model, model_config, hardware, engine, precision, kv_precision;
  std::string tp = "1", pp = "1", dp = "1", ep = "1", out, format = "table";
  std::vector<std::string> files;
};

Precision precision_of(const std::string& text, const char* flag, std::optional<Precision> fallback) {
  if (text.empty()) return fallback.value_or(Precision::bf16);
  const auto p = parse_precision(text);
  if (!p)
    throw usage_error(fmt::format("{}: '{}' is not one of bf16, fp16, fp8, int8, int4, fp4", flag, text));
  return *p;
}

std::string today_utc() {
  const std::time_t now = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&now));
  return buf;
}

std::string percent(double fraction) {
  return fmt::format("{:.1f}%", fraction * 100);
}

std::string table(const UserFit& fit, const CalibrationTarget& t, const std::vector<io::BenchFile>& files,
                  const std::string& written) {
  std::string out = fmt::format(
      "llmhw calibrate: {} runs of {} on {} x{} with {} ({} weights, {} KV, tp {}{}{})\n", fit.runs.size(),
      t.model, t.hardware, t.tp * t.pp * t.dp, t.engine, to_string(t.weights), to_string(t.kv), t.tp,
      t.pp > 1 ? fmt::format(", pp {}", t.pp) : "", t.dp > 1 ? fmt::format(", dp {}", t.dp) : "");
  for (const io::BenchFile& f : files)
    out += fmt::format("  read {} ({}, {} run{})\n", f.path, f.format, f.runs.size(),
                       f.runs.size() == 1 ? "" : "s");
  out += fmt::format("\n{:<22} {:>10} {:>10} {:>12}\n", "factor", "shipped", "fitted", "uncertainty");
  for (const auto& [name, factor] : calibrated_factors()) {
    const auto u = fit.relative_uncertainty.find(name);
    out += fmt::format("{:<22} {:>10.4g} {:>10.4g} {:>12}\n", name, fit.shipped.*factor, fit.fitted.*factor,
                       u == fit.relative_uncertainty.end() ? "-" : fmt::format("±{}", percent(u->second)));
  }
  out += fmt::format("\n{:<20} {:>14} {:>14} {:>14} {:>14}\n", "MAPE", "TTFT shipped", "TTFT overlay",
                     "TPOT shipped", "TPOT overlay");
  for (const auto& [label, r] :
       {std::pair{"in-sample", &fit.in_sample}, std::pair{"leave-one-run-out", &fit.leave_one_out}}) {
    out += fmt::format("{:<20} {:>14} {:>14} {:>14} {:>14}\n", label, percent(r->shipped.ttft),
                       percent(r->overlay.ttft), percent(r->shipped.tpot), percent(r->overlay.tpot));
  }
  out += fmt::format("\n{:<28} {:>6} {:>6} {:>6} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9}\n", "run", "conc",
                     "isl", "osl", "TTFT ms", "shipped", "held-out", "TPOT ms", "shipped", "held-out");
  for (const RunPrediction& p : fit.runs) {
    const BenchRun& r = *p.run;
    out += fmt::format(
        "{:<28} {:>6.4g} {:>6.0f} {:>6.0f} {:>10.4g} {:>10.4g} {:>10.4g} {:>9.4g} {:>9.4g} {:>9.4g}\n",
        r.where(), p.concurrency, r.input_tokens / r.completed, r.output_tokens / r.completed, r.ttft_ms,
        p.shipped_ttft, p.held_out_ttft, r.tpot_ms, p.shipped_tpot, p.held_out_tpot);
  }
  out += written.empty() ? "\nno --out: nothing written\n" : fmt::format("\nwrote {}\n", written);
  return out;
}

nlohmann::ordered_json report_json(const UserFit& fit, const nlohmann::ordered_json& overlay,
                                   const std::string& written) {
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  j["overlay"] = overlay;
  j["written"] = written.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(written);
  j["runs"] = nlohmann::ordered_json::array();
  for (const RunPrediction& p : fit.runs) {
    const BenchRun& r = *p.run;
    j["runs"].push_back({{"source", r.where()},
                         {"format", r.format},
                         {"concurrency", p.concurrency},
                         {"input_tokens", r.input_tokens / r.completed},
                         {"output_tokens", r.output_tokens / r.completed},
                         {"ttft_ms",
                          {{"measured", r.ttft_ms},
                           {"shipped", p.shipped_ttft},
                           {"overlay", p.overlay_ttft},
                           {"held_out", p.held_out_ttft}}},
                         {"tpot_ms",
                          {{"measured", r.tpot_ms},
                           {"shipped", p.shipped_tpot},
                           {"overlay", p.overlay_tpot},
                           {"held_out", p.held_out_tpot}}}});
  }
  return j;
}

int run_calibrate(const CalibrateOptions& o, const GlobalOptions& global, Streams& s) {
  const render::Format format =
      output_format(o.format, global, s, {render::Format::table, render::Format::json}, "calibrate");
  const auto data = resolve_data_dir(global);
  const ResolvedModel model = resolve_model(o.model, o.model_config, data / "models");
  const Catalog catalog = load_catalog(global);
  const Hardware& hw = find_hardware(catalog, o.hardware, "--hardware");
  CalibrationTarget t;
  t.model = model.model.id.empty() ? "model" : model.model.id;
  t.hardware = hw.id;
  t.engine = o.engine;
  t.weights = precision_of(o.precision, "--precision", model.model.checkpoint_precision);
  t.kv = precision_of(o.kv_precision, "--kv-precision", model.model.checkpoint_kv_precision);
  if (!compute_precision(hw, t.weights))
    throw usage_error(fmt::format("--precision: {} is not offered on {}", to_string(t.weights), hw.id));
  t.tp = static_cast<int>(parse_count(o.tp, "--tp", 4096));
  t.pp = static_cast<int>(parse_count(o.pp, "--pp", 1024));
  t.dp = static_cast<int>(parse_count(o.dp, "--dp", 4096));
  t.ep = static_cast<int>(parse_count(o.ep, "--ep", 4096));

  std::vector<io::BenchFile> files;
  std::vector<BenchRun> runs;
  for (const std::string& f : o.files) {
    files.push_back(io::read_bench_file(f));
    runs.insert(runs.end(), files.back().runs.begin(), files.back().runs.end());
  }
  tools::Catalogs catalogs;
  catalogs.models[t.model] = model.model;
  for (const Hardware& h : catalog.hardware) catalogs.hardware[h.id] = h;
  // The prior is centred on the shipped factors (not on other overlays): a refit starts afresh.
  const Calibration shipped = io::load_calibration(data / "efficiency.json");
  const Efficiency start = *shipped.resolve(hw, t.engine, catalog.hardware).efficiency;
  check_runs(runs, t, catalogs, shipped, start);
  const UserFit fit = fit_runs(runs, t, catalogs, shipped, start);
  const nlohmann::ordered_json overlay = io::overlay_document(fit, t, files, today_utc());
  if (!o.out.empty()) io::write_file_atomically(o.out, overlay.dump(2) + "\n");
  if (format == render::Format::json) {
    s.out << report_json(fit, overlay, o.out).dump(2) << "\n";
  } else {
    s.out << table(fit, t, files, o.out);
  }
  return 0;
}

}  // namespace

void setup_calibrate(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* cmd = app.add_subcommand(
      "calibrate", "Fit a calibration overlay for one deployment from your benchmark result files");
  auto o = std::make_shared<CalibrateOptions>();
  cmd->add_option("-m,--model", o->model, "Catalog id, alias, Hugging Face id or size (or --model-config)");
  cmd->add_option("--model-config", o->model_config, "A Hugging Face config.json");
  cmd->add_option("--hardware", o->hardware, "Hardware id the runs were measured on, e.g. h100-sxm")
      ->required();
  cmd->add_option("--engine", o->engine, "Serving engine of the runs: vllm, sglang, trtllm, ...")->required();
  cmd->add_option("--precision", o->precision, "Weights (default: the checkpoint's, else bf16)");
  cmd->add_option("--kv-precision", o->kv_precision, "KV cache (default: the checkpoint's, else bf16)");
  cmd->add_option("--tp", o->tp, "Tensor parallel size of the runs")->capture_default_str();
  cmd->add_option("--pp", o->pp, "Pipeline stages")->capture_default_str();
  cmd->add_option("--dp", o->dp, "Attention data-parallel groups")->capture_default_str();
  cmd->add_option("--ep", o->ep, "Expert parallel size (MoE)")->capture_default_str();
  cmd->add_option("--out", o->out,
                  "Write the overlay here (atomically; nothing is written if the fit fails)");
  cmd->add_option("--format", o->format, "table or json")->capture_default_str();
  cmd->add_option(
         "files", o->files,
         "Result files: vLLM `bench serve --save-result` JSON, SGLang bench_serving JSONL, GenAI-Perf or "
         "AIPerf profile_export JSON (the format is detected)")
      ->required();
  cmd->footer(
      "Exit 0 with a fit, 1 for a bad, truncated or unrecognised file or runs of mixed deployments, 2 for "
      "bad "
      "flags.\n"
      "Examples:\n"
      "  llmhw calibrate --model qwen3-32b --hardware h100-sxm --engine vllm --tp 2 --out h100-vllm.json \\\n"
      "      results/*.json\n"
      "  llmhw --calibration h100-vllm.json estimate --model qwen3-32b --hardware h100-sxm --engine vllm \\\n"
      "      --tp 2 --input-tokens 2048 --output-tokens 256 --concurrency 32");
  cmd->callback(
      [&action, o, &global] { action = [o, &global](Streams& s) { return run_calibrate(*o, global, s); }; });
}

}  // namespace llmhw::cli
