// llmhw recommend: ranked deployments for a model at a request rate.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <thread>
#include <tuple>

#include "cli/app.hpp"
#include "cli/catalog.hpp"
#include "cli/emit.hpp"
#include "cli/inventory.hpp"
#include "cli/model_lookup.hpp"
#include "cli/output.hpp"
#include "cli/overlays.hpp"
#include "cli/query_options.hpp"
#include "cli/speculation_flags.hpp"
#include "io/json_reader.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/load_profile.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/load_profile.hpp"
#include "llmhw/mixed_fleet.hpp"
#include "llmhw/power.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render.hpp"
#include "llmhw/render_mixed_fleet.hpp"
#include "llmhw/suggest.hpp"
#include "llmhw/text.hpp"
#include "llmhw/units.hpp"

namespace llmhw::cli {
namespace {

// How to print it.
struct OutputOptions {
  std::string format = "table";
  std::string top = "10";
  bool all = false;       // every hardware's best configuration, not only the top N
  bool explain = false;   // the whole derivation of each recommendation
  std::string scenarios;  // batch mode: a JSON-lines file of queries, or - for stdin
  std::string plot;       // SVG file
  bool format_given = false;
  bool qps_given = false;
  std::string emit;        // --emit: a launch command or manifest instead of the ranking
  std::string rank = "1";  // --rank: which recommendation --emit deploys
  std::string model_ref;   // what the emitted engine loads (set when --emit is given)
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

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> list_or_empty(const std::string& text, const char* flag) {
  return text.empty() ? std::vector<std::string>{} : split_list(text, flag);
}

}  // namespace

Query build_query(const RecommendOptions& o) {
  Query q;
  q.model_text = o.model.empty() ? o.model_config : o.model;
  // Empty only when --qps was not given (a load profile, capacity): `--qps ''` is checked by run_recommend.
  if (!o.qps.empty()) q.qps = parse_rate_per_second(o.qps, "--qps", kMaxQps);
  const TokenCount input = parse_token_count(o.input_tokens, "--input-tokens", kMaxTokens);
  const TokenCount output = parse_token_count(o.output_tokens, "--output-tokens", kMaxTokens);
  q.workload = {input.mean, output.mean};
  q.input_sd = input.sd;
  q.output_sd = output.sd;
  apply_prefix_cache(q.workload, o.prefix_cache_hit, o.shared_prefix_tokens);
  if (!o.ttft.empty()) {
    const LatencyTarget t = parse_latency_target(o.ttft, "--ttft");
    q.ttft_ms = t.ms, q.ttft_percentile = t.percentile;
  }
  if (!o.tpot.empty()) {
    const LatencyTarget t = parse_latency_target(o.tpot, "--tpot");
    q.tpot_ms = t.ms, q.tpot_percentile = t.percentile;
  }
  if (!o.e2e.empty()) {
    const LatencyTarget t = parse_latency_target(o.e2e, "--e2e");
    q.e2e_ms = t.ms, q.e2e_percentile = t.percentile;
  }
  static const std::vector<std::pair<std::string, Objective>> objectives = {
      {"cost", Objective::cost},
      {"latency", Objective::latency},
      {"throughput", Objective::throughput},
      {"energy", Objective::energy}};
  auto objective = std::find_if(objectives.begin(), objectives.end(),
                                [&](const auto& e) { return e.first == o.optimize; });
  if (objective == objectives.end()) {
    throw usage_error(
        fmt::format("--optimize: '{}' is not one of cost, latency, throughput, energy", o.optimize));
  }
  q.objective = objective->second;
  q.disaggregated = !o.no_disaggregated;
  if (o.confidence == "p90") {
    q.confidence = Confidence::p90;
  } else if (o.confidence != "expected") {
    throw usage_error(fmt::format("--confidence: '{}' is not one of expected, p90", o.confidence));
  }
  if (!o.pue.empty()) {
    q.pue = parse_positive(o.pue, "--pue", 3.0);
    if (q.pue < 1.0)
      throw usage_error(fmt::format("--pue: '{}' must be at least 1 (1 = no overhead)", o.pue));
  }
  if (!o.electricity_price.empty())
    q.usd_per_kwh = parse_positive(o.electricity_price, "--electricity-price", 10.0);
  if (!o.budget.empty()) q.budget_per_hour = parse_budget_per_hour(o.budget, "--budget");
  if (!o.power_budget.empty()) q.power_budget_kw = parse_power_kw(o.power_budget, "--power-budget");
  q.precisions = parse_precisions(o.precision);
  q.kinds = parse_kinds(o.kinds);
  check_pricing(o.pricing);
  q.pricing = o.pricing;
  q.providers = list_or_empty(o.clouds, "--cloud");  // --cloud narrows the prices too
  if (!o.max_utilisation.empty())
    q.max_utilisation = parse_positive(o.max_utilisation, "--max-utilisation", 1.0);
  if (!o.n_plus.empty() && o.n_plus != "0")
    q.n_plus = static_cast<int>(parse_count(o.n_plus, "--n-plus", 1000));
  return q;
}

namespace {

// A --vendor or --cloud value the catalog does not know is a typo (a usage error with a
// suggestion), not a filter that matches nothing (which would exit 3, "nothing meets the
// constraints", and fail a capacity gate for the wrong reason).
void check_known(const std::vector<std::string>& given, const std::vector<std::string>& known,
                 const char* flag, const char* what) {
  for (const std::string& value : given) {
    if (listed(known, value)) continue;
    const std::string hint = did_you_mean(suggestions(value, known));
    throw usage_error(fmt::format("{}: unknown {} '{}'{}; the catalog has: {}", flag, what, value,
                                  hint.empty() ? "" : "; " + hint, fmt::join(known, ", ")));
  }
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The catalog narrowed by --vendor, --hardware, --exclude and --cloud (--kind is a query field:
// the search skips other kinds). Unknown ids, vendors and clouds are usage errors with a
// suggestion.
std::vector<Hardware> filter_catalog(const Catalog& catalog, const RecommendOptions& o) {
  const auto vendors = list_or_empty(o.vendors, "--vendor");
  const auto only = list_or_empty(o.hardware, "--hardware");
  const auto exclude = list_or_empty(o.exclude, "--exclude");
  const auto clouds = list_or_empty(o.clouds, "--cloud");
  std::vector<std::string> known_vendors, known_clouds;
  for (const Hardware& hw : catalog.hardware) {
    known_vendors.push_back(hw.vendor);
    known_clouds.insert(known_clouds.end(), hw.clouds.begin(), hw.clouds.end());
  }
  check_known(vendors, sorted_unique(std::move(known_vendors)), "--vendor", "vendor");
  check_known(clouds, sorted_unique(std::move(known_clouds)), "--cloud", "cloud");
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

// Filters that are each valid but together leave no hardware are a usage error naming them
// ("--hardware h100-sxm and --kind cpu leave no hardware"), not exit 3: nothing was judged.
void check_some_left(const std::vector<Hardware>& candidates, const Query& q, const RecommendOptions& o) {
  const bool any = std::any_of(candidates.begin(), candidates.end(), [&](const Hardware& hw) {
    return q.kinds.empty() || std::find(q.kinds.begin(), q.kinds.end(), hw.kind) != q.kinds.end();
  });
  if (any) return;
  std::vector<std::string> given;
  for (const auto& [flag, value] : {std::pair<const char*, const std::string&>{"--vendor", o.vendors},
                                    {"--hardware", o.hardware},
                                    {"--exclude", o.exclude},
                                    {"--cloud", o.clouds},
                                    {"--kind", o.kinds}}) {
    if (!value.empty()) given.push_back(fmt::format("{} {}", flag, value));
  }
  if (given.empty()) return;  // an empty catalog: the data's problem, reported by the search
  std::string names = given.back();
  if (given.size() > 1) {
    names = fmt::format("{} and {}", fmt::join(given.begin(), given.end() - 1, ", "), given.back());
  }
  throw usage_error(fmt::format("{} {} no hardware; `llmhw hardware list` shows the catalog", names,
                                given.size() > 1 ? "leave" : "leaves"));
}

// A price the user negotiated for one hardware id, per device-hour, and where it was given.
struct UserPrice {
  std::string id;
  double usd_per_hour = 0;
  std::string source;  // "--price" or "--price-file"
};

// --price-file: a JSON object of hardware id -> price, a number (USD per device-hour) or a
// string as --price takes it ({"h100-sxm": 2.5, "mi300x": "2100/month"}). A file the user wrote
// is data: errors name the file and key and exit 1, like the config file's.
std::vector<UserPrice> read_price_file(const std::string& path, const Catalog& catalog) {
  std::string text;
  try {
    text = io::read_text_file(path);
  } catch (const Error& e) {
    throw data_error(fmt::format("--price-file: {}", e.what()));
  }
  const nlohmann::json j = io::parse_json(text, path);
  if (!j.is_object()) {
    throw data_error(
        fmt::format("{}: /: expected an object of hardware id -> USD per device-hour, such as "
                    "{{\"h100-sxm\": 2.5}}",
                    path));
  }
  std::vector<UserPrice> out;
  for (const auto& [id, value] : j.items()) {
    const std::string where = fmt::format("{}: /{}", path, id);
    try {
      find_hardware(catalog, id, where);
      double usd = 0;
      if (value.is_number()) {
        usd = parse_usd_per_hour(value.dump(), where);
      } else if (value.is_string()) {
        usd = parse_usd_per_hour(value.get<std::string>(), where);
      } else {
        throw usage_error(
            fmt::format("{}: expected a number (USD per device-hour) or a string such as \"2.5/h\"", where));
      }
      out.push_back({id, usd, "--price-file"});
    } catch (const Error& e) {
      throw data_error(e.what());
    }
  }
  return out;
}

// --price ID=USD/h, each a usage error naming the flag when malformed.
UserPrice parse_price_flag(const std::string& text, const Catalog& catalog) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw usage_error(
        fmt::format("--price: '{}' is not ID=USD/h (e.g. h100-sxm=2.5 or h100-sxm=2.5/h)", text));
  }
  const std::string id = text.substr(0, eq);
  find_hardware(catalog, id, "--price");
  return {id, parse_usd_per_hour(text.substr(eq + 1), "--price"), "--price"};
}

// The user's prices replace each named profile's list prices, one per pricing mode: whichever
// --pricing the query uses, it uses this price, even where a list price is lower (the search
// takes the cheapest fleet among a profile's prices). Per device, any count (devices_per_instance
// 0). A --price flag wins over --price-file for the same id; each is noted in the output.
void apply_user_prices(Catalog& catalog, const RecommendOptions& o) {
  std::map<std::string, UserPrice> by_id;
  if (!o.price_file.empty()) {
    for (UserPrice& p : read_price_file(o.price_file, catalog)) by_id[p.id] = std::move(p);
  }
  for (const std::string& text : o.prices) {
    UserPrice p = parse_price_flag(text, catalog);
    by_id[p.id] = std::move(p);
  }
  for (Hardware& hw : catalog.hardware) {
    auto it = by_id.find(hw.id);
    if (it == by_id.end()) continue;
    const UserPrice& p = it->second;
    std::vector<Price> prices;
    for (const char* mode : {"on-demand", "spot", "reserved", "amortized-purchase"}) {
      Price price;
      price.pricing = mode;
      price.usd_per_device_hour = p.usd_per_hour;
      price.provider = std::string(kUserPriceProvider);
      price.instance_type = p.source;
      price.devices_per_instance = 0;
      prices.push_back(std::move(price));
    }
    hw.prices = std::move(prices);  // in place of the list prices: the search picks the cheapest
    catalog.notes.push_back(fmt::format("{}: {}/h per device from {}{}, in place of its list prices", hw.id,
                                        text::usd(p.usd_per_hour), p.source,
                                        p.source == "--price-file" ? " " + o.price_file : ""));
  }
}

// Everything one query needs besides the query itself, loaded once per process.
struct Session {
  std::filesystem::path data;
  Catalog catalog;
  Calibration calibration;
  std::map<std::pair<std::string, std::string>, Model> models;  // by (--model, --model-config)

  Session(const GlobalOptions& global, const RecommendOptions& flags)
      : data(resolve_data_dir(global)),
        catalog(load_catalog(global)),
        calibration(io::load_calibration(data / "efficiency.json")) {
    apply_user_prices(catalog, flags);
    for (std::string& note : apply_overlays(calibration, global, catalog))
      catalog.notes.push_back(std::move(note));
  }

  const Model& model(const RecommendOptions& o) {
    const auto key = std::make_pair(o.model, o.model_config);
    auto it = models.find(key);
    if (it == models.end())
      it = models.emplace(key, resolve_model(o.model, o.model_config, data / "models").model).first;
    return it->second;
  }
};

struct Answer {
  std::string text;
  ExitCode code;
};

// --emit: recommendation --rank N as an engine launch command or a Kubernetes manifest.
// With a load profile the ranks are the day's (plan_days) and `days` their plans, in that order.
std::string emit_text(const RecommendResult& result, const Query& q, const OutputOptions& out,
                      const Calibration& calibration, const LoadProfile* profile = nullptr,
                      const std::vector<DayPlan>* days = nullptr) {
  const render::EmitTarget target = *emit_target(out.emit);
  const auto rank = static_cast<size_t>(parse_count(out.rank, "--rank", 100000));
  if (rank > result.recommendations.size()) {
    throw Error(ExitCode::no_solution,
                fmt::format("--rank: {} but only {} deployment{} meet the constraints", rank,
                            result.recommendations.size(), result.recommendations.size() == 1 ? "" : "s"));
  }
  const Recommendation& r = result.recommendations[rank - 1];
  // The emitters write one aggregated engine per replica; a split layout written that way would
  // serve a different deployment than the one ranked (its prediction, memory and cost).
  if (r.evaluation.disaggregated) {
    throw usage_error(fmt::format(
        "--emit: rank {} ({}) is a disaggregated layout (separate prefill and decode workers), which "
        "--emit does not write; pick another --rank, or add --no-disaggregated to rank aggregated layouts "
        "only",
        rank, r.evaluation.deployment.hardware->id));
  }
  const std::string engine = emit_engine(target, "", *r.evaluation.deployment.hardware);
  render::EmitPlan plan =
      plan_from_recommendation(r, q, out.model_ref, static_cast<int>(rank), calibration, engine);
  if (profile && days && rank <= days->size()) add_day_plan(plan, r.evaluation, (*days)[rank - 1], *profile);
  return render::emit(target, plan);
}

// --scale-up-minutes and --baseline, checked; a load profile prints as a table or JSON.
DayOptions parse_day_options(const RecommendOptions& o, render::Format format) {
  if (format != render::Format::table && format != render::Format::json)
    throw usage_error("--format: --load-profile prints a table or json");
  DayOptions d;
  d.scale_up_minutes =
      o.scale_up_minutes == "0" ? 0.0 : parse_positive(o.scale_up_minutes, "--scale-up-minutes", 1440);
  if (!o.baseline.empty() && o.baseline != "reserved" && o.baseline != "spot")
    throw usage_error(fmt::format("--baseline: '{}' is not one of reserved, spot", o.baseline));
  d.baseline = o.baseline;
  return d;
}

// --speculative as asked; without it, the model's own MTP layers where it has them (DeepSeek-V3/R1,
// GLM, Qwen3.5); --speculative none turns that off.
Speculation speculation_to_try(const RecommendOptions& o, const Model& model,
                               const std::filesystem::path& models) {
  if (auto asked = parse_speculation(o.speculative, o.acceptance, model, models)) return *asked;
  if (!has_mtp_head(model)) return {};
  return make_speculation(model, SpecMethod::mtp, default_draft_tokens(SpecMethod::mtp), std::nullopt);
}

Answer answer(const RecommendOptions& o, const OutputOptions& out, const Session& session, const Model& model,
              bool compact, const RecommendOutput& how, SizingCache* cache = nullptr) {
  const auto top = out.all ? SIZE_MAX : static_cast<size_t>(parse_count(out.top, "--top", 100000));
  Query query = build_query(o);
  // --load-profile: recommend sizes each hardware at the profile's peak, then plans the day.
  std::optional<LoadProfile> profile;
  DayOptions day_options;
  if (!o.load_profile.empty()) {
    profile = io::load_load_profile(o.load_profile);
    day_options = parse_day_options(o, how.format);
    query.qps = profile->peak_qps();
  }
  // The day's per-period costs (load_profile.cpp) rent every replica; owned devices are not yet in them.
  if (!o.have.empty() && !o.load_profile.empty())
    throw usage_error("--have: not yet with --load-profile (the day's plan rents every replica)");
  apply_have(query, o.have, o.owned_cost, session.catalog);
  query.speculation = speculation_to_try(o, model, session.data / "models");
  // Copied only when a flag narrows it (a batch line would otherwise copy every profile).
  const bool narrowed = !o.vendors.empty() || !o.hardware.empty() || !o.exclude.empty() || !o.clouds.empty();
  const std::vector<Hardware> filtered =
      narrowed ? filter_catalog(session.catalog, o) : std::vector<Hardware>{};
  const std::vector<Hardware>& candidates = narrowed ? filtered : session.catalog.hardware;
  check_some_left(candidates, query, o);
  // With a profile every recommendation is explained: the day re-ranks them.
  RecommendResult result = recommend(query, model, candidates, session.calibration, profile ? SIZE_MAX : top,
                                     cache, session.catalog.hardware);
  if (!out.emit.empty() && !result.recommendations.empty() && !profile)
    return {emit_text(result, query, out, session.calibration), ExitCode::ok};
  render::RecommendContext ctx{
      &query, &model, o.precision, session.calibration.status, top, session.catalog.notes};
  ctx.compact = compact;
  ctx.explain = out.explain;
  // A spread of prompt lengths: the traffic may also split by length over two types (mixed_fleet.hpp).
  std::optional<MixedFleet> mixed;
  if (!profile && !o.no_mixed_fleet && query.input_sd > 0) {
    const LengthShape shape =
        o.input_tokens.find("..") != std::string::npos ? LengthShape::uniform : LengthShape::normal;
    mixed = search_mixed_fleet(query, shape, model, candidates, session.calibration, result,
                               session.catalog.hardware, cache);
    ctx.mixed_fleet = &*mixed;
  }
  std::vector<DayPlan> days;
  if (profile) {
    days = plan_days(result, query, session.calibration, session.catalog.hardware, *profile, day_options);
    ctx.profile = &*profile;
    ctx.day_options = &day_options;
    ctx.days = &days;
    // --emit deploys the day's rank N, its manifest autoscaling over the day's schedule.
    if (!out.emit.empty() && !result.recommendations.empty())
      return {emit_text(result, query, out, session.calibration, &*profile, &days), ExitCode::ok};
  }
  // With a profile, --plot draws the day instead of the cost/TPOT trade-off.
  RecommendOutput shown = how;
  if (profile && !how.plot.empty()) {
    io::write_text_file(how.plot, render::day_svg(result, ctx), "--plot");
    shown.plot.clear();
  }
  std::string text = render_recommend(result, ctx, shown);
  if (profile && how.format == render::Format::table) text += render::day_plans_table(result, ctx, how.style);
  if (mixed && how.format == render::Format::table) text += render::mixed_fleet_table(*mixed, how.style);
  return {std::move(text), result.recommendations.empty() ? ExitCode::no_solution : ExitCode::ok};
}

int run_recommend(const RecommendOptions& o, const OutputOptions& out, const GlobalOptions& global,
                  Streams& s) {
  const RecommendOutput how{output_format(out.format, global, s, kAllFormats, "recommend"),
                            output_style(global, s), out.plot};
  if (!o.load_profile.empty()) {
    if (out.qps_given) throw usage_error("--qps: give --qps or --load-profile, not both");
  } else if (!out.qps_given) {
    throw usage_error(
        "--qps is required (or --load-profile FILE, or --scenarios FILE for a batch of queries)");
  } else if (o.qps.empty()) {
    parse_rate_per_second(o.qps, "--qps", kMaxQps);  // `--qps ''`: the parser's own message
  } else if (o.scale_up_minutes != "5" || !o.baseline.empty()) {
    throw usage_error(fmt::format("{}: only with --load-profile FILE",
                                  o.baseline.empty() ? "--scale-up-minutes" : "--baseline"));
  }
  emit_target(out.emit);  // a bad --emit is a usage error before any work
  Session session(global, o);
  OutputOptions shown = out;
  if (!out.emit.empty())
    shown.model_ref = model_ref(resolve_model(o.model, o.model_config, session.data / "models"));
  const Answer a = answer(o, shown, session, session.model(o), false, how);
  s.out << a.text;
  return static_cast<int>(a.code);
}

// Batch mode: each line of the scenarios file is a JSON object whose keys are the flags' names
// (qps, model, input_tokens, ...); a line's fields override the flags given on the command line.
using Field = std::string RecommendOptions::*;
const std::vector<std::pair<std::string, Field>>& scenario_fields() {
  static const std::vector<std::pair<std::string, Field>> fields = {
      {"model", &RecommendOptions::model},
      {"model_config", &RecommendOptions::model_config},
      {"qps", &RecommendOptions::qps},
      {"input_tokens", &RecommendOptions::input_tokens},
      {"output_tokens", &RecommendOptions::output_tokens},
      {"ttft", &RecommendOptions::ttft},
      {"tpot", &RecommendOptions::tpot},
      {"e2e", &RecommendOptions::e2e},
      {"optimize", &RecommendOptions::optimize},
      {"confidence", &RecommendOptions::confidence},
      {"pue", &RecommendOptions::pue},
      {"electricity_price", &RecommendOptions::electricity_price},
      {"budget", &RecommendOptions::budget},
      {"power_budget", &RecommendOptions::power_budget},
      {"precision", &RecommendOptions::precision},
      {"kind", &RecommendOptions::kinds},
      {"pricing", &RecommendOptions::pricing},
      {"vendor", &RecommendOptions::vendors},
      {"hardware", &RecommendOptions::hardware},
      {"exclude", &RecommendOptions::exclude},
      {"cloud", &RecommendOptions::clouds},
      {"max_utilisation", &RecommendOptions::max_utilisation},
      {"n_plus", &RecommendOptions::n_plus},
      {"speculative", &RecommendOptions::speculative},
      {"acceptance", &RecommendOptions::acceptance},
      {"prefix_cache_hit", &RecommendOptions::prefix_cache_hit},
      {"shared_prefix_tokens", &RecommendOptions::shared_prefix_tokens},
  };
  return fields;
}

std::pair<RecommendOptions, OutputOptions> scenario(const std::string& line, const RecommendOptions& flags,
                                                    const OutputOptions& out) {
  nlohmann::json j;
  try {
    j = io::parse_json(line, "--scenarios");
  } catch (const Error& e) {
    throw usage_error(e.what());  // a malformed line is the caller's input, like a bad flag
  }
  if (!j.is_object())
    throw usage_error("a scenario must be a JSON object such as {\"model\": \"70b\", \"qps\": 50}");
  std::pair<RecommendOptions, OutputOptions> o{flags, out};
  std::vector<std::string> names{"top"};
  for (const auto& [name, field] : scenario_fields()) names.push_back(name);
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string() && !value.is_number()) {
      throw usage_error(fmt::format("field '{}' must be a string or a number", key));
    }
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (key == "top") {
      o.second.top = text;
      continue;
    }
    const auto& fields = scenario_fields();
    const std::string name = key;  // clang 14 cannot capture a structured binding
    auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; });
    if (it == fields.end()) {
      const auto hint = nearest_name(key, names);
      throw usage_error(
          fmt::format("unknown field '{}'{}", key, hint ? fmt::format(" (did you mean '{}'?)", *hint) : ""));
    }
    o.first.*(it->second) = text;
  }
  // A line naming a model replaces the command line's model, whichever flag that used.
  if (j.contains("model") && !j.contains("model_config")) o.first.model_config.clear();
  if (j.contains("model_config") && !j.contains("model")) o.first.model.clear();
  if (o.first.qps.empty()) throw usage_error("field 'qps' is required");
  return o;
}

// One answered line of a batch, as printed.
struct BatchLine {
  long number = 0;
  int code = 0;
  std::string text;
};

BatchLine error_line(long number, const Error& e) {
  const int code = static_cast<int>(e.code());
  return {number, code,
          nlohmann::ordered_json{{"line", number}, {"exit_code", code}, {"error", e.what()}}.dump() + "\n"};
}

// A batch line read and its model resolved (on the reading thread), or the error that stopped it.
struct Scenario {
  long number = 0;
  RecommendOptions options;
  OutputOptions out;
  const Model* model = nullptr;  // null: `failed` is the line's answer
  BatchLine failed;
};

Scenario read_scenario(long number, const std::string& line, const RecommendOptions& flags,
                       const OutputOptions& out, Session& session) {
  Scenario sc;
  sc.number = number;
  try {
    std::tie(sc.options, sc.out) = scenario(line, flags, out);
    sc.model = &session.model(sc.options);
  } catch (const Error& e) {
    sc.failed = error_line(number, e);
  }
  return sc;
}

BatchLine answer_line(const Scenario& sc, const Session& session, SizingCache& cache) {
  if (!sc.model) return sc.failed;
  try {
    Answer a = answer(sc.options, sc.out, session, *sc.model, true, {}, &cache);  // JSON lines
    a.text.pop_back();                                                            // the newline
    const int code = static_cast<int>(a.code);
    return {sc.number, code,
            fmt::format("{{\"line\":{},\"exit_code\":{},\"result\":{}}}\n", sc.number, code, a.text)};
  } catch (const Error& e) {
    return error_line(sc.number, e);
  }
}

// Answers a chunk of lines on every core (one sizing cache per worker, kept across chunks); the
// output keeps the input's order. Lines are read and their models resolved (and cached) first,
// on this thread, so that the workers only read the session.
std::vector<BatchLine> answer_chunk(const std::vector<std::pair<long, std::string>>& lines,
                                    const RecommendOptions& flags, const OutputOptions& out, Session& session,
                                    std::vector<SizingCache>& caches) {
  std::vector<Scenario> scenarios;
  scenarios.reserve(lines.size());
  for (const auto& [number, line] : lines)
    scenarios.push_back(read_scenario(number, line, flags, out, session));
  std::vector<BatchLine> answers(lines.size());
  const size_t workers = caches.size();
  auto work = [&](size_t first) {
    for (size_t i = first; i < scenarios.size(); i += workers)
      answers[i] = answer_line(scenarios[i], session, caches[first]);
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  return answers;
}

// Exit code of a batch: 2 if any line was invalid, else 3 if any line found nothing, else 0.
int run_scenarios(const RecommendOptions& flags, const OutputOptions& out, const GlobalOptions& global,
                  Streams& s) {
  if (out.format_given && out.format != "json") {
    throw usage_error("--format: --scenarios prints JSON lines only; leave --format out or use json");
  }
  if (!out.plot.empty()) throw usage_error("--plot: one plot per query, not with --scenarios");
  if (!out.emit.empty()) throw usage_error("--emit: one deployment per query, not with --scenarios");
  if (!flags.load_profile.empty()) throw usage_error("--load-profile: not with --scenarios");
  std::ifstream file;
  std::istream* in = s.in ? s.in : &std::cin;
  if (out.scenarios != "-") {
    file.open(out.scenarios);
    if (!file) throw Error(ExitCode::runtime, fmt::format("--scenarios: cannot read '{}'", out.scenarios));
    in = &file;
  }
  Session session(global, flags);
  std::vector<SizingCache> caches(std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8));
  int worst = 0;
  auto rank = [](int code) { return code == 2 ? 3 : code == 3 ? 2 : code == 1 ? 1 : 0; };
  constexpr size_t kChunk = 256;  // lines answered together: bounded memory, output every chunk
  std::vector<std::pair<long, std::string>> chunk;
  auto flush = [&] {
    for (const BatchLine& a : answer_chunk(chunk, flags, out, session, caches)) {
      s.out << a.text;
      if (rank(a.code) > rank(worst)) worst = a.code;
    }
    s.out.flush();
    chunk.clear();
  };
  std::string line;
  for (long number = 1; std::getline(*in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    chunk.emplace_back(number, line);
    if (chunk.size() == kChunk) flush();
  }
  flush();
  return worst;
}

}  // namespace

void setup_recommend(CLI::App& app, const GlobalOptions& global, Action& action) {
  auto* cmd = app.add_subcommand("recommend", "Rank deployments that serve a model at a request rate");
  auto o = std::make_shared<RecommendOptions>();
  auto out = std::make_shared<OutputOptions>();
  cmd->add_option("-m,--model", o->model,
                  "Catalog id, alias or Hugging Face id, or a size: 8b, 70b, 1.5b, 1t");
  cmd->add_option("--model-config", o->model_config, "A Hugging Face config.json, instead of --model");
  auto* qps = cmd->add_option(
      "--qps", o->qps,
      "Requests to serve, per second (> 0): 50, 1e3, or with a period: 2/min, 120/h, 10k/day");
  cmd->add_option("--input-tokens", o->input_tokens,
                  "Prompt tokens per request: N, mean+-sd (1024+-256) or min..max")
      ->capture_default_str();
  add_speculation_flags(
      *cmd, *o,
      "Speculative decoding to try: mtp, eagle or draft:MODEL, each with an optional :K; none "
      "(default: mtp where the model has MTP layers)");
  cmd->add_option("--output-tokens", o->output_tokens,
                  "Generated tokens per request: N, mean+-sd or min..max")
      ->capture_default_str();
  cmd->add_option("--ttft", o->ttft,
                  "Time-to-first-token target: 500ms (mean) or p90:800ms (percentile); default mean 1s");
  cmd->add_option("--tpot", o->tpot,
                  "Time-per-output-token target: 50ms (mean) or p99:60ms; default mean 50ms");
  cmd->add_option("--e2e", o->e2e, "End-to-end latency target: 10s (mean) or p90:10s; default none");
  cmd->add_option("--optimize", o->optimize,
                  "Rank by cost, latency (TPOT first), throughput (per dollar) or energy")
      ->capture_default_str();
  cmd->add_option("--confidence", o->confidence,
                  "Check the latency targets against the prediction (expected) or the pessimistic end of "
                  "its error band (p90: prediction x the band's high end)")
      ->capture_default_str();
  cmd->add_option("--pue", o->pue, "Power usage effectiveness of the site, 1..3 (default 1.3)");
  cmd->add_option("--electricity-price", o->electricity_price, "USD per kWh (default 0.10)");
  cmd->add_option("--budget", o->budget, "Maximum cost in USD: 30/h or 20000/month");
  cmd->add_option("--power-budget", o->power_budget,
                  "Maximum power of the fleet at full load, devices x TDP x --pue: 40kW, 40000W, 0.5MW");
  cmd->add_option("--precision", o->precision,
                  "auto (16- and 8-bit formats) or a list of bf16, fp16, fp8, int8, int4, fp4")
      ->capture_default_str();
  cmd->add_option("--kind", o->kinds,
                  "Only these device kinds: cpu, gpu, tpu, accelerator (comma-separated)");
  cmd->add_option("--vendor", o->vendors, "Only these vendors: nvidia, amd, google, intel, aws, apple, ...");
  cmd->add_option("--hardware", o->hardware, "Only these hardware ids (comma-separated)");
  cmd->add_option("--exclude", o->exclude, "Leave out these hardware ids (comma-separated)");
  cmd->add_option(
      "--cloud", o->clouds,
      "Only hardware offered by one of these clouds (aws, gcp, azure, ...), priced from their lists");
  cmd->add_option("--max-utilisation", o->max_utilisation,
                  "Share of a replica's capacity at the targets the load may use, (0, 1] (default 0.85)");
  cmd->add_option("--n-plus", o->n_plus, "Spare replicas for failover (default 0)");
  cmd->add_flag("--no-disaggregated", o->no_disaggregated,
                "Do not try disaggregated prefill/decode layouts (separate prefill and decode workers)");
  cmd->add_flag("--no-mixed-fleet", o->no_mixed_fleet,
                "With a spread of prompt lengths (--input-tokens 100..8000), do not try splitting the "
                "traffic by length over two hardware types");
  cmd->add_option("--pricing", o->pricing, "on-demand, spot, reserved or amortized-purchase")
      ->capture_default_str();
  cmd->add_option(
         "--price", o->prices,
         "Your own price for a hardware id, per device: ID=USD/h (h100-sxm=2.5, h100-sxm=1800/month); "
         "repeatable; used in place of the profile's list prices whatever --pricing says")
      ->allow_extra_args(false);
  cmd->add_option("--have", o->have,
                  "Devices you own, used before any is rented: 16xh100-sxm,8xl40s (at their "
                  "amortized-purchase price plus power)");
  cmd->add_option("--owned-cost", o->owned_cost,
                  "What an owned device costs per hour, all in: 0 counts owned devices free");
  cmd->add_option("--price-file", o->price_file,
                  "A JSON object of your prices per device: {\"h100-sxm\": 2.5, \"mi300x\": \"3/h\"}; "
                  "--price wins for the same id");
  cmd->add_option("--load-profile", o->load_profile,
                  "A day's load instead of --qps: CSV 'hour,qps' (0-23) or 'time,qps' (HH:MM), one period a "
                  "row; replicas per period, cost per day, ranked by it");
  cmd->add_option("--scale-up-minutes", o->scale_up_minutes,
                  "With --load-profile: minutes a new replica takes to serve (model load, warm-up); a period "
                  "also holds the next period's replicas for that long")
      ->capture_default_str();
  cmd->add_option("--baseline", o->baseline,
                  "With --load-profile: rent the always-on floor reserved or spot, the rest at --pricing");
  cmd->add_option("--top", out->top, "How many recommendations to show")->capture_default_str();
  cmd->add_flag("--all", out->all, "Show every hardware's best configuration, not only the top N");
  cmd->add_flag("--explain", out->explain,
                "Print the whole derivation: memory, step times, queue, replicas, cost");
  auto* format =
      cmd->add_option("--format", out->format, "table, json, csv or markdown")->capture_default_str();
  cmd->add_option("--plot", out->plot,
                  "Also write an SVG of every feasible deployment: cost per 1M output tokens against TPOT, "
                  "with the Pareto frontier");
  cmd->add_option(
      "--emit", out->emit,
      "Print the launch command or manifest of a recommendation instead of the ranking: vllm, sglang, "
      "trtllm, llama.cpp or k8s, with flags matching the estimate (docs/deploy.md)");
  cmd->add_option("--rank", out->rank, "Which recommendation --emit deploys (1 = the best)")
      ->capture_default_str();
  cmd->add_option(
      "--scenarios", out->scenarios,
      "Batch mode: a JSON-lines file (- for stdin), one query per line with the flags' names as "
      "keys ({\"model\": \"70b\", \"qps\": 50, \"tpot\": \"40ms\"}); prints one JSON result per line");
  cmd->footer(
      "Examples:\n"
      "  llmhw recommend --model 70b --qps 50\n"
      "  llmhw recommend --model llama-3.1-8b --qps 200 --tpot 30ms --kind gpu --format json\n"
      "  llmhw recommend --model 405b --qps 5 --budget 20000/month --precision fp8\n"
      "  llmhw recommend --model 70b --qps 20 --ttft p90:800ms --tpot p99:60ms --input-tokens 512..4096\n"
      "  llmhw recommend --model 8b --qps 100 --optimize latency --all --explain\n"
      "  printf '{\"qps\": 10}\\n{\"qps\": 100}\\n' | llmhw recommend --model 70b --scenarios -\n"
      "  llmhw recommend --model 70b --qps 50 --format csv > ranking.csv\n"
      "  llmhw recommend --model 70b --qps 50 --plot tradeoff.svg --quiet\n"
      "  llmhw recommend --model 70b --qps 20 --hardware h100-sxm --emit k8s > llama-70b.yaml\n"
      "  llmhw recommend --model 70b --hardware h100-sxm --load-profile day.csv --baseline reserved --plot "
      "day.svg\n"
      "  llmhw recommend --model 70b --qps 20 --power-budget 40kW --pue 1.2\n"
      "  llmhw recommend --model 70b --qps 50 --have 16xh100-sxm --owned-cost 0\n"
      "  llmhw recommend --model 70b --qps 50 --input-tokens 100..8000\n"
      "Defaults for --ttft, --tpot, --pricing, --pue, --electricity-price and --format: see\n"
      "`llmhw config show --help`.");
  cmd->callback([&action, o, out, format, qps, &global] {
    out->format_given = format->count() > 0;
    out->qps_given = qps->count() > 0;
    action = [o, out, &global](Streams& s) {
      return out->scenarios.empty() ? run_recommend(*o, *out, global, s) : run_scenarios(*o, *out, global, s);
    };
  });
}

}  // namespace llmhw::cli
