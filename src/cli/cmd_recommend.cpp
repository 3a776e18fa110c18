// llmhw recommend: ranked deployments for a model at a request rate.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ostream>

#include "cli/app.hpp"
#include "cli/catalog.hpp"
#include "cli/model_lookup.hpp"
#include "cli/output.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render.hpp"
#include "llmhw/units.hpp"

namespace llmhw::cli {
namespace {

// What to compute (as typed; parsed after CLI11 so that every error names its flag).
struct RecommendOptions {
  std::string model, model_config, qps, input_tokens = "1024", output_tokens = "256";
  std::string ttft, tpot, budget, precision = "auto", kinds, pricing = "on-demand";
  std::string vendors, hardware, exclude, clouds;  // catalog filters
};

// How to print it.
struct OutputOptions {
  std::string format = "table";
  std::string top = "10";
  std::string plot;  // SVG file
};

std::vector<Precision> parse_precisions(const std::string& text) {
  if (text == "auto") return {};
  std::vector<Precision> out;
  for (const std::string& item : split_list(text, "--precision")) {
    auto p = parse_precision(item);
    if (!p || *p == Precision::fp32) {
      throw usage_error(
          fmt::format("--precision: '{}' is not one of auto, bf16, fp16, fp8, int8, int4, fp4", item));
    }
    out.push_back(*p);
  }
  return out;
}

Query build_query(const RecommendOptions& o) {
  Query q;
  q.model_text = o.model.empty() ? o.model_config : o.model;
  q.qps = parse_positive(o.qps, "--qps", kMaxQps);
  q.workload.input_tokens = static_cast<double>(parse_count(o.input_tokens, "--input-tokens", kMaxTokens));
  q.workload.output_tokens = static_cast<double>(parse_count(o.output_tokens, "--output-tokens", kMaxTokens));
  if (!o.ttft.empty()) q.ttft_ms = parse_duration_ms(o.ttft, "--ttft");
  if (!o.tpot.empty()) q.tpot_ms = parse_duration_ms(o.tpot, "--tpot");
  if (!o.budget.empty()) q.budget_per_hour = parse_budget_per_hour(o.budget, "--budget");
  q.precisions = parse_precisions(o.precision);
  q.kinds = parse_kinds(o.kinds);
  static const std::vector<std::string> pricings = {"on-demand", "spot", "reserved", "amortized-purchase"};
  if (std::find(pricings.begin(), pricings.end(), o.pricing) == pricings.end()) {
    throw usage_error(fmt::format(
        "--pricing: '{}' is not one of on-demand, spot, reserved, amortized-purchase", o.pricing));
  }
  q.pricing = o.pricing;
  return q;
}

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> list_or_empty(const std::string& text, const char* flag) {
  return text.empty() ? std::vector<std::string>{} : split_list(text, flag);
}

// The catalog narrowed by --vendor, --hardware, --exclude and --cloud (--kind is a query field:
// the search skips other kinds). Unknown ids are usage errors with a suggestion.
std::vector<Hardware> filter_catalog(const Catalog& catalog, const RecommendOptions& o) {
  const auto vendors = list_or_empty(o.vendors, "--vendor");
  const auto only = list_or_empty(o.hardware, "--hardware");
  const auto exclude = list_or_empty(o.exclude, "--exclude");
  const auto clouds = list_or_empty(o.clouds, "--cloud");
  for (const auto& id : only) find_hardware(catalog, id, "--hardware");
  for (const auto& id : exclude) find_hardware(catalog, id, "--exclude");
  std::vector<Hardware> kept;
  for (const Hardware& hw : catalog.hardware) {
    const bool offered = clouds.empty() || std::any_of(clouds.begin(), clouds.end(),
                                                       [&](const auto& c) { return listed(hw.clouds, c); });
    if ((vendors.empty() || listed(vendors, hw.vendor)) && (only.empty() || listed(only, hw.id)) &&
        !listed(exclude, hw.id) && offered) {
      kept.push_back(hw);
    }
  }
  return kept;
}

int run_recommend(const RecommendOptions& o, const OutputOptions& out, const GlobalOptions& global,
                  Streams& s) {
  const render::Format format = output_format(out.format, global, s, kAllFormats, "recommend");
  const auto top = static_cast<size_t>(parse_count(out.top, "--top", 100000));
  const Query query = build_query(o);
  const auto data = resolve_data_dir(global);
  const Model model = resolve_model(o.model, o.model_config, data / "models").model;
  const Catalog catalog = load_catalog(global);
  const std::vector<Hardware> candidates = filter_catalog(catalog, o);
  const Calibration calibration = io::load_calibration(data / "efficiency.json");
  const RecommendResult result = recommend(query, model, candidates, calibration);
  render::RecommendContext ctx{&query, &model, o.precision, calibration.status, top, catalog.notes};
  print_recommend(format, result, ctx, out.plot, global, s);
  return static_cast<int>(result.recommendations.empty() ? ExitCode::no_solution : ExitCode::ok);
}

}  // namespace

void setup_recommend(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* cmd = app.add_subcommand("recommend", "Rank deployments that serve a model at a request rate");
  auto o = std::make_shared<RecommendOptions>();
  auto out = std::make_shared<OutputOptions>();
  cmd->add_option("-m,--model", o->model,
                  "Catalog id, alias or Hugging Face id, or a size: 8b, 70b, 1.5b, 1t");
  cmd->add_option("--model-config", o->model_config, "A Hugging Face config.json, instead of --model");
  cmd->add_option("--qps", o->qps, "Requests per second to serve (> 0)")->required();
  cmd->add_option("--input-tokens", o->input_tokens, "Prompt tokens per request")->capture_default_str();
  cmd->add_option("--output-tokens", o->output_tokens, "Generated tokens per request")->capture_default_str();
  cmd->add_option("--ttft", o->ttft, "Mean time-to-first-token target, e.g. 500ms, 2s (default 1s)");
  cmd->add_option("--tpot", o->tpot, "Mean time-per-output-token target, e.g. 50ms (default 50ms)");
  cmd->add_option("--budget", o->budget, "Maximum cost in USD: 30/h or 20000/month");
  cmd->add_option("--precision", o->precision,
                  "auto (16- and 8-bit formats) or a list of bf16, fp16, fp8, int8, int4, fp4")
      ->capture_default_str();
  cmd->add_option("--kind", o->kinds,
                  "Only these device kinds: cpu, gpu, tpu, accelerator (comma-separated)");
  cmd->add_option("--vendor", o->vendors, "Only these vendors: nvidia, amd, google, intel, aws, apple, ...");
  cmd->add_option("--hardware", o->hardware, "Only these hardware ids (comma-separated)");
  cmd->add_option("--exclude", o->exclude, "Leave out these hardware ids (comma-separated)");
  cmd->add_option("--cloud", o->clouds, "Only hardware offered by one of these clouds: aws, gcp, azure, ...");
  cmd->add_option("--pricing", o->pricing, "on-demand, spot, reserved or amortized-purchase")
      ->capture_default_str();
  cmd->add_option("--top", out->top, "How many recommendations to show")->capture_default_str();
  cmd->add_option("--format", out->format, "table, json, csv or markdown")->capture_default_str();
  cmd->add_option("--plot", out->plot,
                  "Also write an SVG of every feasible deployment: cost per 1M output tokens against TPOT, "
                  "with the Pareto frontier");
  cmd->footer(
      "Examples:\n"
      "  llmhw recommend --model 70b --qps 50\n"
      "  llmhw recommend --model llama-3.1-8b --qps 200 --tpot 30ms --kind gpu --format json\n"
      "  llmhw recommend --model 405b --qps 5 --budget 20000/month --precision fp8\n"
      "  llmhw recommend --model 70b --qps 50 --format csv > ranking.csv\n"
      "  llmhw recommend --model 70b --qps 50 --plot tradeoff.svg --quiet\n"
      "Defaults for --ttft, --tpot, --pricing and --format: see `llmhw config show --help`.");
  cmd->callback([&action, o, out, &global] {
    action = [o, out, &global](Streams& s) { return run_recommend(*o, *out, global, s); };
  });
}

}  // namespace llmhw::cli
