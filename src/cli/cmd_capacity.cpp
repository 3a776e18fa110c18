// llmhw capacity: the highest request rate hardware you own serves within the targets.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ostream>

#include "cli/app.hpp"
#include "cli/catalog.hpp"
#include "cli/inventory.hpp"
#include "cli/model_lookup.hpp"
#include "cli/overlays.hpp"
#include "cli/query_options.hpp"
#include "llmhw/capacity.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/render_capacity.hpp"
#include "llmhw/units.hpp"

namespace llmhw::cli {
namespace {

struct CapacityOptions {
  RecommendOptions query;
  std::string devices;  // "16" (with --hardware) or "16xh100-sxm,8xl40s"
  std::string format = "table";
};

// --devices N with --hardware ID, or --devices 16xh100-sxm,8xl40s (each id once).
std::vector<Pool> parse_pools(const CapacityOptions& o, const Catalog& catalog) {
  if (o.devices.empty())
    throw usage_error("--devices is required: a count with --hardware, or 16xh100-sxm,8xl40s");
  const bool bare = std::all_of(o.devices.begin(), o.devices.end(), [](char c) { return std::isdigit(c); });
  std::vector<Pool> pools;
  if (bare) {
    if (o.query.hardware.empty())
      throw usage_error(
          fmt::format("--devices {} needs --hardware ID (or write {}xID)", o.devices, o.devices));
    if (o.query.hardware.find(',') != std::string::npos)
      throw usage_error(
          "--hardware: one id with a bare --devices count; for several write --devices 16xh100-sxm,8xl40s");
    pools.push_back({&find_hardware(catalog, o.query.hardware, "--hardware"),
                     parse_count(o.devices, "--devices", kMaxDevices)});
    return pools;
  }
  if (!o.query.hardware.empty())
    throw usage_error("--hardware: leave it out when --devices names the hardware (16xh100-sxm)");
  pools = parse_inventory(o.devices, catalog, "--devices");
  return pools;
}

int run_capacity(const CapacityOptions& o, const GlobalOptions& global, Streams& s) {
  const render::Format format =
      output_format(o.format, global, s, {render::Format::table, render::Format::json}, "capacity");
  const std::filesystem::path data = resolve_data_dir(global);
  const Catalog catalog = load_catalog(global);
  const std::vector<Pool> pools = parse_pools(o, catalog);
  const Query query = build_query(o.query);
  Calibration calibration = io::load_calibration(data / "efficiency.json");
  // The user's calibration overlays, as recommend and estimate apply them (cli/overlays.hpp).
  std::vector<std::string> notes = apply_overlays(calibration, global, catalog);
  const Model model = resolve_model(o.query.model, o.query.model_config, data / "models").model;
  const CapacityResult result = capacity(query, model, pools, calibration, catalog.hardware);
  std::string devices;
  for (const Pool& p : pools)
    devices += fmt::format("{}{}x {}", devices.empty() ? "" : " + ", p.devices, p.hardware->id);
  const render::CapacityContext ctx{.query = &query,
                                    .model = &model,
                                    .precision_text = o.query.precision,
                                    .devices_text = devices,
                                    .calibration_status = calibration.status,
                                    .notes = std::move(notes)};
  s.out << (format == render::Format::json ? render::capacity_json(result, ctx)
                                           : render::capacity_table(result, ctx, output_style(global, s)));
  return static_cast<int>(result.max_requests_per_s > 0 ? ExitCode::ok : ExitCode::no_solution);
}

}  // namespace

void setup_capacity(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* cmd =
      app.add_subcommand("capacity", "The highest request rate hardware you own serves within the targets");
  auto o = std::make_shared<CapacityOptions>();
  RecommendOptions& q = o->query;
  cmd->add_option("-m,--model", q.model,
                  "Catalog id, alias or Hugging Face id, or a size: 8b, 70b, 1.5b, 1t");
  cmd->add_option("--model-config", q.model_config, "A Hugging Face config.json, instead of --model");
  cmd->add_option("--hardware", q.hardware, "The hardware id of a bare --devices count");
  cmd->add_option("--devices", o->devices,
                  "Devices owned: a count (with --hardware) or COUNTxID items: 16xh100-sxm,8xl40s");
  cmd->add_option("--input-tokens", q.input_tokens,
                  "Prompt tokens per request: N, mean+-sd (1024+-256) or min..max")
      ->capture_default_str();
  cmd->add_option("--output-tokens", q.output_tokens, "Generated tokens per request: N, mean+-sd or min..max")
      ->capture_default_str();
  cmd->add_option("--ttft", q.ttft, "Time-to-first-token target: 500ms (mean) or p90:800ms; default mean 1s");
  cmd->add_option("--tpot", q.tpot,
                  "Time-per-output-token target: 50ms (mean) or p99:60ms; default mean 50ms");
  cmd->add_option("--e2e", q.e2e, "End-to-end latency target: 10s (mean) or p90:10s; default none");
  cmd->add_option("--precision", q.precision,
                  "auto (16- and 8-bit formats) or a list of bf16, fp16, fp8, int8, int4, fp4")
      ->capture_default_str();
  cmd->add_option("--confidence", q.confidence,
                  "Check the targets against the prediction (expected) or its error band's high end (p90)")
      ->capture_default_str();
  cmd->add_option("--max-utilisation", q.max_utilisation,
                  "Share of a replica's capacity at the targets the load may use, (0, 1] (default 0.85)");
  cmd->add_option("--n-plus", q.n_plus, "Spare replicas per hardware for failover (default 0)");
  cmd->add_option("--format", o->format, "table or json")->capture_default_str();
  cmd->footer(
      "Examples:\n"
      "  llmhw capacity --model 70b --hardware h100-sxm --devices 16\n"
      "  llmhw capacity --model 70b --devices 16xh100-sxm,8xl40s --tpot 40ms --format json\n"
      "Exit 3 when the model does not fit (or meets no target) on any of the devices.");
  cmd->callback(
      [&action, o, &global] { action = [o, &global](Streams& s) { return run_capacity(*o, global, s); }; });
}

}  // namespace llmhw::cli
