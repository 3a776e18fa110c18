// tools/calibrate: fits the efficiency factors of data/efficiency.json to
// data/calibration/observations.csv, per hardware group (data/calibration/fit_groups.json) and
// engine, with the weak prior of fit_groups.json (its engine-wide factors centred on the same
// engine's first-pass fits on the other groups), and the error bands from leave-one-model-out
// residuals (models of one architecture held out together); it writes the leave-one-model-out and
// leave-one-hardware-out predictions (the latter also with the engine's closed-loop factors as
// fitted) to data/calibration/holdout_predictions.csv for tools/accuracy. Rerun it after changing
// the estimator or the data (about 160 CPU-seconds, the subsets fitted on one thread per core,
// --jobs N to change):
//
//   cmake --build --preset release --target llmhw_calibrate
//   ./build/release/llmhw_calibrate --data data --write
//   ./build/release/llmhw_calibrate --data data --only hopper/trtllm   # one subset, writes nothing
//   ./build/release/llmhw_calibrate --data data --only graviton/llama.cpp --write   # that entry only
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "llmhw/error.hpp"
#include "llmhw/fit.hpp"
#include "llmhw/io/loaders.hpp"
#include "observations_io.hpp"

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using namespace llmhw;
using namespace llmhw::tools;

namespace {

// Runs fn(i) for i in [0, n) on `jobs` threads, the items in the order given (callers put the
// longest first). The fits share nothing mutable (the catalogs, calibration and rows are read
// only; each item writes its own result slot), so the results do not depend on the threads.
void parallel_for(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(n);  // rethrown after the join: a data error stays one
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) {
      try {
        fn(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::min<int>(jobs, static_cast<int>(n)); ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// Subset indices, the most rows first (the longest fits start first on the threads).
template <typename T>
std::vector<size_t> longest_first(const std::vector<T>& items, const std::function<size_t(const T&)>& size) {
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return size(items[a]) > size(items[b]); });
  return order;
}

struct Subset {
  std::string group, engine, vendor;
  std::vector<std::string> hardware;
  std::vector<const Observation*> rows;
  // The rows a device of this subset is held out of: the same engine's rows on the other devices
  // of the group's `family` (fit_groups.json: groups of one vendor fitted apart, such as CDNA 2, 3
  // and 4), or of the group alone when it names no family.
  std::vector<const Observation*> family_rows;
  // The group's own prior centres (fit_groups.json `prior` in a group), over the global ones: a
  // factor its rows cannot pin, held at a sourced value.
  ordered_json prior = ordered_json::object();
};

std::vector<Subset> subsets_to_fit(const ordered_json& groups_doc, const std::vector<Observation>& obs,
                                   const Catalogs& catalogs) {
  const int min_engine_default = groups_doc.at("min_rows_per_engine");
  const int min_any_default = groups_doc.at("min_rows_any_engine");
  // Rows by family (a group without one is its own family) and engine ("*": every engine).
  std::map<std::string, std::map<std::string, std::vector<const Observation*>>> family_rows;
  std::vector<std::map<std::string, std::vector<const Observation*>>> group_rows;
  for (const auto& g : groups_doc.at("groups")) {
    const auto hardware = g.at("hardware").get<std::vector<std::string>>();
    const std::string family = g.value("family", "group " + g.at("name").get<std::string>());
    auto& by_engine = group_rows.emplace_back();
    for (const Observation& o : obs) {
      // A run on a CPU slice ("graviton3@8vcpu") belongs to its socket's group.
      if (std::find(hardware.begin(), hardware.end(), socket_of(o.hardware)) == hardware.end()) continue;
      if (o.excluded || !check_mappable(o, catalogs).ok) continue;
      for (const std::string& engine : {o.engine, std::string("*")}) {
        by_engine[engine].push_back(&o);
        family_rows[family][engine].push_back(&o);
      }
    }
  }
  std::vector<Subset> out;
  size_t i = 0;
  for (const auto& g : groups_doc.at("groups")) {
    const auto hardware = g.at("hardware").get<std::vector<std::string>>();
    const std::string family = g.value("family", "group " + g.at("name").get<std::string>());
    auto& by_engine = group_rows[i++];
    // A group may need fewer rows than the default (the CPU groups: few published runs, each a
    // different thread count or test; fit_groups.json says why).
    const int min_engine = g.value("min_rows_per_engine", min_engine_default);
    const int min_any = g.value("min_rows_any_engine", min_any_default);
    std::vector<const Observation*> all = by_engine["*"];
    by_engine.erase("*");
    for (auto& [engine, rows] : by_engine) {
      if (static_cast<int>(rows.size()) >= min_engine)
        out.push_back({g.at("name"), engine, catalogs.hardware.at(rows.front()->hardware).vendor, hardware,
                       rows, family_rows[family][engine], g.value("prior", ordered_json::object())});
    }
    if (static_cast<int>(all.size()) >= min_any)
      out.push_back({g.at("name"), "*", catalogs.hardware.at(all.front()->hardware).vendor, hardware, all,
                     family_rows[family]["*"], g.value("prior", ordered_json::object())});
  }
  return out;
}

int ttft_rows(const std::vector<const Observation*>& rows) {
  return static_cast<int>(
      std::count_if(rows.begin(), rows.end(), [](const Observation* o) { return o->metric == "ttft_ms"; }));
}

// The prior of a fit on `rows`: an engine-wide centre drawn from the other groups' fits weighs as
// their closed-loop TTFT rows against the fit's own (its weight x theirs / its own), so a fit left
// with few such rows (a model or a device held out) takes the engine's closed-loop behaviour
// from the other groups, and one with many keeps its own. At most the efficiencies' weight, 0.05:
// with no TTFT rows of its own a fit has nothing to weigh against.
Prior prior_on(const Prior& p, const std::vector<const Observation*>& rows) {
  constexpr double kMaxWeight = 0.05;
  Prior out = p;
  const double own = std::max(1, ttft_rows(rows));
  for (Prior::Centre& c : out.centres) {
    if (c.engine_wide && c.evidence_rows > 0)
      c.weight = std::min(kMaxWeight, c.weight * c.evidence_rows / own);
  }
  return out;
}

// What a row is held out by: its hardware id, or its model's architecture.
using HoldoutKey = std::function<std::string(const Observation&)>;

// Models that differ only in their weights (DeepSeek-V3 and R1, Llama 3.1 and 3.3 70B) are one
// model to the estimator, which sees only the shape: holding out one while the other stays in the
// fit would not test a model the fit has not seen. They are held out together, labelled by their
// ids joined with '+'.
HoldoutKey architecture_key(const std::vector<const Observation*>& rows, const Catalogs& c) {
  const auto shape = [&c](const std::string& id) {
    const Model& m = c.models.at(id);
    const ParameterCount p = count_parameters(m);
    return fmt::format("{} {} {} {} {} {} {} {:.0f} {:.0f}", m.layers, m.hidden, m.heads, m.kv_heads,
                       m.head_dim, m.intermediate, m.vocab, p.total, p.active);
  };
  std::map<std::string, std::set<std::string>> ids_of_shape;
  for (const Observation* o : rows) ids_of_shape[shape(o->model)].insert(o->model);
  std::map<std::string, std::string> label;
  for (const auto& [key, ids] : ids_of_shape) {
    std::string joined;
    for (const std::string& id : ids) joined += (joined.empty() ? "" : "+") + id;
    for (const std::string& id : ids) label[id] = joined;
  }
  return [label](const Observation& o) { return label.at(o.model); };
}

// Predictions of each value of `key` (each architecture, or each hardware id) by a fit on the
// subset's rows with the other values: generalisation, not memorisation. `with_fitted_closed_loop`
// predicts the same rows with the engine-wide (closed-loop) factors taken from `fitted`, the fit on
// all rows, to tell how much of a held-out error is the hardware's and how much the benchmark's.
// Empty when the subset has only one value.
struct Held {
  std::vector<Scored> held_out, with_fitted_closed_loop;
};

// `pool` holds the rows the fits without a value are made on: the subset's own, or for a device held
// out of a group with a family, the family's (the subset's rows are among them).
Held holdout_residuals(const Subset& s, const std::vector<const Observation*>& pool, const HoldoutKey& key,
                       const Catalogs& c, const Calibration& cal, const Efficiency& start, const Prior& prior,
                       const Efficiency& fitted) {
  std::set<std::string> values;
  for (const Observation* o : s.rows) values.insert(key(*o));
  Held out;
  for (const std::string& held : values) {
    std::vector<const Observation*> train, test;
    for (const Observation* o : pool) {
      if (key(*o) != held) train.push_back(o);
    }
    for (const Observation* o : s.rows) {
      if (key(*o) == held) test.push_back(o);
    }
    if (train.empty()) continue;
    const Efficiency e = fit_efficiency(train, c, cal, start, prior_on(prior, train)).efficiency;
    const std::vector<Scored> scored = predict_all(test, c, cal, e);
    std::cerr << fmt::format(
        "  without {} ({} rows, held-out MAPE {:.4f}): eta_mem {:.3f} decode {:.3f} prefill {:.3f} "
        "{:.1f} us/layer {:.1f} us/seq q {:.2f} req {:.1f} ms sync {:.2f} link {:.2f}\n",
        held, scored.size(), mean_absolute_percentage_error(scored), e.memory_bandwidth, e.decode_compute,
        e.prefill_compute, e.layer_overhead_us, e.sequence_overhead_us, e.quantized_share,
        e.request_latency_ms, e.wave_synchronization, e.interconnect_bandwidth);
    out.held_out.insert(out.held_out.end(), scored.begin(), scored.end());
    Efficiency mixed = e;
    for (const Prior::Centre& centre : prior.centres) {
      if (centre.engine_wide) mixed.*centre.factor = fitted.*centre.factor;
    }
    const std::vector<Scored> rescored = predict_all(test, c, cal, mixed);
    out.with_fitted_closed_loop.insert(out.with_fitted_closed_loop.end(), rescored.begin(), rescored.end());
  }
  return out;
}

// A row is predicted by its engine's fit where there is one, so the all-engine fit's held-out
// predictions count only for rows of engines without their own.
void write_holdout(std::ostream& out, const Subset& s, const std::set<std::string>& engine_fits,
                   const char* held_out, const Scored& sc) {
  if (s.engine == "*" && engine_fits.count(s.group + "/" + sc.observation->engine)) return;
  out << s.group << "/" << s.engine << "," << held_out << "," << sc.observation->id << "," << sc.predicted
      << "\n";
}

const std::map<std::string, double Efficiency::*>& fitted_factors() {
  static const std::map<std::string, double Efficiency::*> factors = {
      {"memory_bandwidth", &Efficiency::memory_bandwidth},
      {"decode_compute", &Efficiency::decode_compute},
      {"prefill_compute", &Efficiency::prefill_compute},
      {"layer_overhead_us", &Efficiency::layer_overhead_us},
      {"sequence_overhead_us", &Efficiency::sequence_overhead_us},
      {"quantized_share", &Efficiency::quantized_share},
      {"request_latency_ms", &Efficiency::request_latency_ms},
      {"wave_synchronization", &Efficiency::wave_synchronization},
      {"interconnect_bandwidth", &Efficiency::interconnect_bandwidth}};
  return factors;
}

// fit_groups.json `shared_by_vendor.factors`: the factors each engine shares across a vendor's
// groups (shared_prior).
std::vector<double Efficiency::*> shared_factors(const ordered_json& groups_doc) {
  std::vector<double Efficiency::*> out;
  if (!groups_doc.contains("shared_by_vendor")) return out;
  for (const auto& name : groups_doc.at("shared_by_vendor").at("factors")) {
    const auto it = fitted_factors().find(name.get<std::string>());
    if (it == fitted_factors().end())
      throw data_error("fit_groups.json: shared_by_vendor.factors: " + name.get<std::string>() +
                       ": not a fitted factor");
    out.push_back(it->second);
  }
  return out;
}

Prior read_prior(const ordered_json& doc) {
  const auto& factors = fitted_factors();
  Prior p;
  if (!doc.is_object()) throw data_error("fit_groups.json: prior: not an object");
  for (const auto& [name, centre] : doc.items()) {
    if (name == "note") continue;
    const auto it = factors.find(name);
    if (it == factors.end()) throw data_error("fit_groups.json: prior." + name + ": not a fitted factor");
    p.centres.push_back({it->second, centre.at("centre").get<double>(), centre.at("weight").get<double>(),
                         name, centre.value("engine_wide", false)});
  }
  return p;
}

// A group's own centres replace the global ones of the same factor, or add to them.
Prior with_group_prior(Prior p, const ordered_json& group_prior) {
  if (group_prior.empty()) return p;
  const Prior own = read_prior(group_prior);
  for (const Prior::Centre& c : own.centres) {
    const auto same = std::find_if(p.centres.begin(), p.centres.end(),
                                   [&c](const Prior::Centre& g) { return g.factor == c.factor; });
    if (same != p.centres.end())
      *same = c;
    else
      p.centres.push_back(c);
  }
  return p;
}

// One subset's fit with the global prior (the first pass), how many rows it had and how many of
// them were closed-loop TTFTs (the rows that inform the engine-wide factors; a throughput row at a
// fixed concurrency barely does).
struct EngineEvidence {
  std::string group, engine, vendor;
  Efficiency efficiency;
  int ttft_rows = 0;
  int rows = 0;
};

// The first pass: each subset's fit with the global prior, for the `engines` to be fitted ("*"
// among them: every engine's). Its engine-wide factors centre the other groups' fits of the
// engine (prior_for); its per-layer overheads are pooled across the vendor's groups
// (shared_prior).
std::vector<EngineEvidence> first_pass_fits(const std::vector<Subset>& all_subsets,
                                            const std::set<std::string>& engines, const Catalogs& catalogs,
                                            const Calibration& defaults, const Calibration& unfitted,
                                            const Prior& prior, int jobs) {
  std::vector<const Subset*> subsets;
  for (const Subset& s : all_subsets) {
    if (engines.count(s.engine) || (engines.count("*") && s.engine != "*")) subsets.push_back(&s);
  }
  const std::vector<size_t> order =
      longest_first<const Subset*>(subsets, [](const Subset* s) { return s->rows.size(); });
  std::vector<EngineEvidence> out(subsets.size());
  parallel_for(order.size(), jobs, [&](size_t k) {
    const Subset& s = *subsets[order[k]];
    const int ttfts = ttft_rows(s.rows);
    const Efficiency& start = unfitted.for_hardware(catalogs.hardware.at(s.rows.front()->hardware));
    const FitResult r = fit_efficiency(s.rows, catalogs, defaults, start, prior);
    const Efficiency& e = r.efficiency;
    std::cerr << fmt::format(
        "first pass {}/{}: {} TTFT rows of {}, req {:.1f} ms sync {:.2f}, {:.1f} us/layer\n", s.group,
        s.engine, ttfts, r.rows, e.request_latency_ms, e.wave_synchronization, e.layer_overhead_us);
    out[order[k]] = {s.group, s.engine, s.vendor, e, ttfts, r.rows};
  });
  return out;
}

// Factors one engine shares across a vendor's hardware groups (fit_groups.json
// `shared_by_vendor`): the per-layer overhead. With CUDA graphs (the decode default of vLLM,
// SGLang and TensorRT-LLM) a decode step is one graph launch, and what stays per layer is the
// engine's kernel sequence (launch gaps between small kernels, synchronisation, the all-reduces'
// latency), which a newer device of the vendor does not make longer. Fitted per group, it soaked
// up each group's benchmark quirks: Blackwell fitted 77 us per layer against Hopper's 51, and
// predicted Llama-3.1-70B fp8 at TP 8 and one request slower on B200 (7.7 TB/s) than on H100
// (3.35 TB/s). Each subset holds it at the row-weighted geometric mean of the first-pass fits of
// the same engine (the all-engine fits for "*") on the vendor's groups; `without_group` leaves a
// group out (a device held out of its group takes the value from the vendor's other groups).
// Groups that fit_groups.json marks `"shared_by_vendor": false` (their rows ran engine builds the
// vendor's other groups do not share, so their per-layer overhead is not the engine's of today)
// neither give nor take the shared factors: `apart`.
Prior shared_prior(Prior p, const Subset& s, const std::vector<EngineEvidence>& first_pass,
                   const std::vector<double Efficiency::*>& shared, const std::string& without_group,
                   const std::set<std::string>& apart) {
  if (apart.count(s.group)) return p;
  // A group's own sourced centre for a factor (fit_groups.json `prior` in the group: the CPU
  // groups' per-layer barrier cost) wins over sharing it with the vendor's other groups.
  const Prior own = s.prior.empty() ? Prior{} : read_prior(s.prior);
  for (double Efficiency::*factor : shared) {
    if (std::any_of(own.centres.begin(), own.centres.end(),
                    [factor](const Prior::Centre& c) { return c.factor == factor; }))
      continue;
    std::vector<std::pair<double, double>> evidence;
    for (const EngineEvidence& f : first_pass) {
      if (f.vendor == s.vendor && f.engine == s.engine && f.group != without_group && !apart.count(f.group))
        evidence.emplace_back(f.efficiency.*factor, f.rows);
    }
    if (!evidence.empty()) p.fixed.emplace_back(factor, pooled_centre(evidence, 0));
  }
  return p;
}

// The prior of one subset's fits: an engine-wide factor is centred on the same engine's
// first-pass fits on the other hardware groups (so a device or group without closed-loop rows,
// or one held out, gets the engine's closed-loop behaviour from the other groups rather than an
// arbitrary centre); the all-engine fit ("*", used for engines without their own) on every
// engine's; the global centre where there are none.
Prior prior_for(const Subset& s, const Prior& global, const std::vector<EngineEvidence>& first_pass) {
  Prior p = global;
  for (Prior::Centre& c : p.centres) {
    if (!c.engine_wide) continue;
    std::vector<std::pair<double, double>> evidence;
    for (const EngineEvidence& f : first_pass) {
      if (f.engine == "*" || f.ttft_rows == 0) continue;  // the engines' own fits with closed-loop rows
      if (f.group != s.group && (s.engine == "*" || f.engine == s.engine))
        evidence.emplace_back(f.efficiency.*c.factor, f.ttft_rows);
    }
    c.value = pooled_centre(evidence, c.value);
    for (const auto& [value, rows] : evidence) c.evidence_rows += rows;
  }
  return p;
}

// The 10th-90th percentile of measured / predicted over one metric's held-out rows; with fewer
// than 30 of them (none: a group of offline-throughput rows has no TTFT or TPOT), at least a
// factor 2 either way, so an unmeasured metric never shows a narrow band.
ordered_json band(const std::vector<Scored>& scored, const std::string& metric) {
  const auto rows = std::count_if(scored.begin(), scored.end(),
                                  [&](const Scored& s) { return counts_as(s.observation->metric, metric); });
  double low = std::min(ratio_quantile(scored, metric, 0.1), 1.0);
  double high = std::max(ratio_quantile(scored, metric, 0.9), 1.0);
  if (rows < 30) {
    low = std::min(low, 0.5);
    high = std::max(high, 2.0);
  }
  return ordered_json::array({std::round(low * 1000) / 1000, std::round(high * 1000) / 1000});
}

ordered_json efficiency_json(const Efficiency& e) {
  auto r4 = [](double v) { return std::round(v * 10000) / 10000; };
  return {{"memory_bandwidth", r4(e.memory_bandwidth)},
          {"decode_compute", r4(e.decode_compute)},
          {"prefill_compute", r4(e.prefill_compute)},
          {"step_overhead_ms", r4(e.step_overhead_ms)},
          {"layer_overhead_us", r4(e.layer_overhead_us)},
          {"sequence_overhead_us", r4(e.sequence_overhead_us)},
          {"quantized_share", r4(e.quantized_share)},
          {"request_latency_ms", r4(e.request_latency_ms)},
          {"usable_memory_fraction", e.usable_memory_fraction},
          {"reserve_gb", e.reserve_gb},
          {"collective_latency_us", r4(e.collective_latency_us)},
          {"interconnect_bandwidth", r4(e.interconnect_bandwidth)},
          {"wave_synchronization", r4(e.wave_synchronization)}};
}

std::string today() {
  const std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

void log_fit(const Subset& s, const FitResult& r, double seconds, double in_sample, double held_out) {
  const Efficiency& e = r.efficiency;
  std::cerr << fmt::format(
      "{}/{}: {} rows, loss {:.4f}, eta_mem {:.3f} decode {:.3f} prefill {:.3f} {:.1f} us/layer + {:.1f} "
      "us/seq q {:.2f} req {:.1f} ms sync {:.2f} link {:.2f} ({:.1f} s); MAPE in-sample {:.4f}, models "
      "held out {}\n",
      s.group, s.engine, r.rows, r.loss, e.memory_bandwidth, e.decode_compute, e.prefill_compute,
      e.layer_overhead_us, e.sequence_overhead_us, e.quantized_share, e.request_latency_ms,
      e.wave_synchronization, e.interconnect_bandwidth, seconds, in_sample,
      held_out >= 0 ? fmt::format("{:.4f}", held_out) : "-");
}

// Where no device of a subset can be held out (one measured device and no family sibling with
// the engine's rows), the band a device without rows should carry is the fitted one widened: 1.5x
// either way and at least a factor 2 (the held-out bands of the NVIDIA groups are 1.1-1.6x as wide
// as their fitted ones, so this is on the wide side).
ordered_json widened(const ordered_json& fitted) {
  ordered_json out = ordered_json::object();
  for (const auto& [metric, b] : fitted.items()) {
    const double low = std::min(b[0].get<double>() / 1.5, 0.5),
                 high = std::max(b[1].get<double>() * 1.5, 2.0);
    out[metric] = ordered_json::array({std::round(low * 1000) / 1000, std::round(high * 1000) / 1000});
  }
  return out;
}

struct SubsetFit {
  ordered_json entry;
  Efficiency efficiency;
};

// Fits one subset, writes its held-out predictions and returns its efficiency.json entry. The
// fit starts from the kind's defaults, not from the previous fit in efficiency.json: the result
// is reproducible, and a held-out model's fit does not start from a point fitted on its rows.
SubsetFit fit_subset(const Subset& s, const Catalogs& catalogs, const Calibration& defaults,
                     const Efficiency& start, const Prior& prior, const Prior& hardware_prior,
                     const std::set<std::string>& engine_fits, std::ostream& holdout) {
  const auto t0 = std::chrono::steady_clock::now();
  const Prior fit_prior = prior_on(prior, s.rows);
  for (const Prior::Centre& c : fit_prior.centres) {
    if (c.engine_wide)
      std::cerr << fmt::format("{}/{}: {} centred on {:.3f} at weight {:.4f}\n", s.group, s.engine, c.name,
                               c.value, c.weight);
  }
  const FitResult r = fit_efficiency(s.rows, catalogs, defaults, start, fit_prior);
  const std::vector<Scored> in_sample = predict_all(s.rows, catalogs, defaults, r.efficiency);
  const std::vector<Scored> held = holdout_residuals(s, s.rows, architecture_key(s.rows, catalogs), catalogs,
                                                     defaults, start, prior, r.efficiency)
                                       .held_out;
  for (const Scored& sc : held) write_holdout(holdout, s, engine_fits, "model", sc);
  const HoldoutKey hardware = [](const Observation& o) { return o.hardware; };
  const Held by_hardware =
      holdout_residuals(s, s.family_rows, hardware, catalogs, defaults, start, hardware_prior, r.efficiency);
  for (const Scored& sc : by_hardware.held_out) write_holdout(holdout, s, engine_fits, "hardware", sc);
  for (const Scored& sc : by_hardware.with_fitted_closed_loop)
    write_holdout(holdout, s, engine_fits, "hardware-factors", sc);
  // Leave one source out (issue #18): each benchmark source's rows predicted by a fit on the
  // subset's rows from the other sources; a subset with one source cannot hold it out.
  const HoldoutKey source = [](const Observation& o) { return o.source; };
  for (const Scored& sc :
       holdout_residuals(s, s.rows, source, catalogs, defaults, start, prior, r.efficiency).held_out)
    write_holdout(holdout, s, engine_fits, "source", sc);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  log_fit(s, r, seconds, mean_absolute_percentage_error(in_sample),
          held.empty() ? -1.0 : mean_absolute_percentage_error(held));
  // A small subset (the CPU groups) lists its rows: measured, fitted and held-out predictions.
  if (s.rows.size() <= 40) {
    std::map<std::string, double> model_out;
    for (const Scored& sc : held) model_out[sc.observation->id] = sc.predicted;
    for (const Scored& sc : in_sample) {
      const Observation& o = *sc.observation;
      const auto h = model_out.find(o.id);
      std::cerr << fmt::format(
          "  {} {} {} {} {}: measured {:.4g}, fitted {:.4g} ({:+.0f}%), model held out {}\n", o.id,
          o.hardware, o.model, to_string(o.precision), o.metric, o.value, sc.predicted,
          (sc.predicted / o.value - 1) * 100,
          h == model_out.end()
              ? std::string("-")
              : fmt::format("{:.4g} ({:+.0f}%)", h->second, (h->second / o.value - 1) * 100));
    }
  }
  // The error bands come from the held-out models' residuals (a single-model subset: its own).
  const std::vector<Scored>& residuals = held.empty() ? in_sample : held;
  ordered_json entry = {{"group", s.group}, {"hardware", s.hardware}, {"engine", s.engine}, {"rows", r.rows}};
  std::set<std::string> measured;
  for (const Observation* o : s.rows) measured.insert(socket_of(o->hardware));
  entry["measured_hardware"] = std::vector<std::string>(measured.begin(), measured.end());
  const ordered_json values = efficiency_json(r.efficiency);  // items() must not outlive it
  for (const auto& [k, v] : values.items()) entry[k] = v;
  entry["bounds"] = {{"ttft", band(residuals, "ttft_ms")},
                     {"tpot", band(residuals, "tpot_ms")},
                     {"throughput", band(residuals, "output_tokens_per_s")}};
  // The band of a device of the group without rows of its own: the devices held out of the fit
  // (leave-one-device-out within the group, or its family), else the fitted band widened.
  entry["family_bounds"] =
      by_hardware.held_out.empty()
          ? widened(entry["bounds"])
          : ordered_json{{"ttft", band(by_hardware.held_out, "ttft_ms")},
                         {"tpot", band(by_hardware.held_out, "tpot_ms")},
                         {"throughput", band(by_hardware.held_out, "output_tokens_per_s")}};
  return {entry, r.efficiency};
}

// An efficiency entry of efficiency.json (by_kind_physics), on top of the loader's defaults.
Efficiency efficiency_from(const ordered_json& j) {
  Efficiency e;
  static const std::map<std::string, double Efficiency::*> fields = {
      {"memory_bandwidth", &Efficiency::memory_bandwidth},
      {"decode_compute", &Efficiency::decode_compute},
      {"prefill_compute", &Efficiency::prefill_compute},
      {"step_overhead_ms", &Efficiency::step_overhead_ms},
      {"layer_overhead_us", &Efficiency::layer_overhead_us},
      {"sequence_overhead_us", &Efficiency::sequence_overhead_us},
      {"quantized_share", &Efficiency::quantized_share},
      {"request_latency_ms", &Efficiency::request_latency_ms},
      {"usable_memory_fraction", &Efficiency::usable_memory_fraction},
      {"reserve_gb", &Efficiency::reserve_gb},
      {"collective_latency_us", &Efficiency::collective_latency_us},
      {"interconnect_bandwidth", &Efficiency::interconnect_bandwidth},
      {"wave_synchronization", &Efficiency::wave_synchronization}};
  for (const auto& [name, field] : fields) {
    if (j.contains(name)) e.*field = j.at(name).get<double>();
  }
  return e;
}

const char* const kKinds[] = {"cpu", "gpu", "tpu", "accelerator"};

DeviceKind kind_of(const std::string& name) {
  return parse_device_kind(name).value_or(DeviceKind::gpu);
}

// CPUs and the matrix-unit devices (GPU, TPU, other accelerators) do not lend each other factors.
bool same_class(DeviceKind a, DeviceKind b) {
  return (a == DeviceKind::cpu) == (b == DeviceKind::cpu);
}

// One hardware group's all-engine fit, for the per-kind defaults.
struct GroupFit {
  std::string group;
  DeviceKind kind;
  Efficiency efficiency;
  std::vector<const Observation*> rows;
};

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The defaults of a device kind for hardware without a fitted family (the "datasheet" tier):
// cautious, not optimistic. Each efficiency (bandwidth, decode and prefill compute, the
// narrow-precision share, the link share) is the lowest any fitted group of the kind's class
// reached, the overheads and closed-loop factors their median (the largest would stack every
// group's worst benchmark quirk). `without` leaves one group out (to predict that group as a
// group llmhw has not seen). With fewer than two fitted groups of the class, the physics defaults.
Efficiency cautious_defaults(DeviceKind kind, const Efficiency& physics, const std::vector<GroupFit>& fits,
                             const std::string& without) {
  std::vector<const GroupFit*> pool;
  for (const GroupFit& f : fits) {
    if (same_class(f.kind, kind) && f.group != without) pool.push_back(&f);
  }
  // One fitted group is that group's engine and kernels, not its class's: a class needs two
  // before its defaults leave the physics ones (the CPU class has only Graviton's llama.cpp rows,
  // and a Xeon without rows must not take Graviton's fit as if its datasheet said so).
  if (pool.size() < 2) return physics;
  Efficiency e = physics;
  for (double Efficiency::*low :
       {&Efficiency::memory_bandwidth, &Efficiency::decode_compute, &Efficiency::prefill_compute,
        &Efficiency::quantized_share, &Efficiency::interconnect_bandwidth}) {
    e.*low = 1.0;
    for (const GroupFit* f : pool) e.*low = std::min(e.*low, f->efficiency.*low);
  }
  for (double Efficiency::*mid : {&Efficiency::layer_overhead_us, &Efficiency::sequence_overhead_us,
                                  &Efficiency::request_latency_ms, &Efficiency::wave_synchronization}) {
    std::vector<double> v;
    for (const GroupFit* f : pool) v.push_back(f->efficiency.*mid);
    e.*mid = median_of(v);
  }
  e.step_overhead_ms = 0;  // fitted groups carry their fixed step cost per layer
  return e;
}

// The generated by_kind and bounds_by_kind: each group's rows predicted with the defaults drawn
// from the other groups (leave-one-group-out), whose measured / predicted ratios give the band a
// device of no fitted family should carry. Writes those predictions (held_out "group").
void write_kind_defaults(ordered_json& doc, const std::map<std::string, Efficiency>& physics,
                         const std::vector<GroupFit>& fits, const Catalogs& catalogs,
                         const Calibration& defaults, std::ostream& holdout) {
  std::map<bool, std::vector<Scored>> held;  // by class: is CPU
  for (const GroupFit& f : fits) {
    const Efficiency e = cautious_defaults(f.kind, physics.at(std::string(to_string(f.kind))), fits, f.group);
    for (const Scored& sc : predict_all(f.rows, catalogs, defaults, e)) {
      holdout << f.group << "/datasheet,group," << sc.observation->id << "," << sc.predicted << "\n";
      held[f.kind == DeviceKind::cpu].push_back(sc);
    }
  }
  for (const char* name : kKinds) {
    const DeviceKind kind = kind_of(name);
    doc["by_kind"][name] = efficiency_json(cautious_defaults(kind, physics.at(name), fits, ""));
    const auto& scored = held[kind == DeviceKind::cpu];
    if (scored.empty()) continue;  // no group of the class held out: the hand-written band stays
    doc["bounds_by_kind"][name] = {{"ttft", band(scored, "ttft_ms")},
                                   {"tpot", band(scored, "tpot_ms")},
                                   {"throughput", band(scored, "output_tokens_per_s")}};
  }
}

// `only` ("group/engine"; empty for all) fits one subset and writes nothing: for experiments.
int run(const fs::path& data, bool write, const std::string& only, int jobs) {
  const std::vector<Observation> obs = read_observations(data / "calibration" / "observations.csv");
  Catalogs catalogs = load_catalogs(data);
  add_slices(catalogs, obs);
  const Calibration defaults = io::load_calibration(data / "efficiency.json");
  ordered_json doc = ordered_json::parse(std::ifstream(data / "efficiency.json"));
  // The fits start from the hand-written physics defaults (by_kind_physics; by_kind where there
  // is none), not from the generated by_kind: a refit does not depend on the previous one.
  const ordered_json& physics_doc = doc.contains("by_kind_physics") ? doc["by_kind_physics"] : doc["by_kind"];
  std::map<std::string, Efficiency> physics;
  for (const char* name : kKinds) physics[name] = efficiency_from(physics_doc.at(name));
  Calibration unfitted = defaults;
  unfitted.fitted.clear();
  unfitted.cpu = physics["cpu"], unfitted.gpu = physics["gpu"], unfitted.tpu = physics["tpu"];
  unfitted.accelerator = physics["accelerator"];
  const ordered_json groups = ordered_json::parse(std::ifstream(data / "calibration" / "fit_groups.json"));
  const Prior prior = read_prior(groups.at("prior"));
  // One subset's held-out predictions are kept aside and, with --write, replace that subset's
  // lines of the file.
  std::stringstream holdout;
  holdout << "subset,held_out,obs_id,predicted\n";
  const std::vector<Subset> subsets = subsets_to_fit(groups, obs, catalogs);
  std::set<std::string> engine_fits, engines;
  for (const Subset& s : subsets) {
    engine_fits.insert(s.group + "/" + s.engine);
    if (only.empty() || only == s.group + "/" + s.engine) engines.insert(s.engine);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<EngineEvidence> first_pass =
      first_pass_fits(subsets, engines, catalogs, defaults, unfitted, prior, jobs);
  const std::vector<double Efficiency::*> shared = shared_factors(groups);
  std::set<std::string> apart;
  for (const auto& g : groups.at("groups")) {
    if (!g.value("shared_by_vendor", true)) apart.insert(g.at("name").get<std::string>());
  }
  std::vector<const Subset*> selected;
  for (const Subset& s : subsets) {
    if (only.empty() || only == s.group + "/" + s.engine) selected.push_back(&s);
  }
  // Each subset's fits on the threads, its hold-out lines buffered, then everything in subset order.
  std::vector<SubsetFit> fits(selected.size());
  std::vector<std::string> holdout_lines(selected.size());
  const std::vector<size_t> order =
      longest_first<const Subset*>(selected, [](const Subset* s) { return s->rows.size(); });
  parallel_for(order.size(), jobs, [&](size_t k) {
    const Subset& s = *selected[order[k]];
    const Hardware& hw = catalogs.hardware.at(s.rows.front()->hardware);
    const Efficiency& start = unfitted.for_hardware(hw);
    const Prior own = with_group_prior(prior_for(s, prior, first_pass), s.prior);
    const Prior fit_prior = shared_prior(own, s, first_pass, shared, "", apart);
    // A device held out of a group with others takes the shared factors from the vendor's other
    // groups (their first-pass fits never saw it); one held out of a family, from the groups
    // other than its own, likewise.
    const Prior hardware_prior = shared_prior(own, s, first_pass, shared, s.group, apart);
    for (const auto& [factor, value] : fit_prior.fixed)
      std::cerr << fmt::format("{}/{}: shared across {} groups: {:.1f}\n", s.group, s.engine, s.vendor,
                               value);
    std::ostringstream lines;
    fits[order[k]] = fit_subset(s, catalogs, defaults, start, fit_prior, hardware_prior, engine_fits, lines);
    holdout_lines[order[k]] = lines.str();
  });
  ordered_json fitted = ordered_json::array();
  std::vector<GroupFit> group_fits;
  int used = 0;
  for (size_t i = 0; i < selected.size(); ++i) {
    const Subset& s = *selected[i];
    const SubsetFit& f = fits[i];
    holdout << holdout_lines[i];
    fitted.push_back(f.entry);
    const Hardware& hw = catalogs.hardware.at(s.rows.front()->hardware);
    if (s.engine == "*") {
      used += f.entry.at("rows").get<int>();
      group_fits.push_back({s.group, hw.kind, f.efficiency, s.rows});
    }
  }
  std::cerr << fmt::format("fits took {:.0f} s\n",
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (!only.empty()) {
    // --only with --write replaces (or adds) that one entry of efficiency.json's fits and that
    // subset's lines of holdout_predictions.csv, and leaves everything else (by_kind included).
    if (!write || fitted.empty()) return 0;
    ordered_json& entries = doc["fitted"];
    const auto same = std::find_if(entries.begin(), entries.end(), [&](const ordered_json& e) {
      return e.at("group") == fitted[0].at("group") && e.at("engine") == fitted[0].at("engine");
    });
    if (same != entries.end())
      *same = fitted[0];
    else
      entries.push_back(fitted[0]);
    std::ofstream(data / "efficiency.json") << doc.dump(2) << "\n";
    const fs::path held_csv = data / "calibration" / "holdout_predictions.csv";
    std::stringstream merged;
    std::ifstream old_held(held_csv);
    for (std::string line; std::getline(old_held, line);) {
      if (line.rfind(only + ",", 0) != 0) merged << line << "\n";
    }
    std::string line;
    std::getline(holdout, line);  // header
    while (std::getline(holdout, line)) merged << line << "\n";
    old_held.close();
    std::ofstream(held_csv) << merged.str();
    std::cerr << "wrote " << only << " into " << (data / "efficiency.json").string() << " and "
              << held_csv.string() << "\n";
    return 0;
  }
  if (!doc.contains("by_kind_physics")) doc["by_kind_physics"] = doc["by_kind"];
  write_kind_defaults(doc, physics, group_fits, catalogs, defaults, holdout);
  doc["status"] = fmt::format(
      "fitted on {} by tools/calibrate to {} rows of data/calibration/observations.csv; hardware "
      "without calibration data uses the per-kind defaults",
      today(), used);
  doc["date"] = today();
  doc["fitted"] = fitted;
  std::ofstream(data / "calibration" / "holdout_predictions.csv") << holdout.str();
  if (write) {
    std::ofstream(data / "efficiency.json") << doc.dump(2) << "\n";
    std::cerr << "wrote " << (data / "efficiency.json").string() << "\n";
  } else {
    std::cout << doc.dump(2) << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data = LLMHW_SOURCE_DATA_DIR;
  bool write = false;
  std::string only;
  // One fit per core: the machine's other work shares them anyway.
  int jobs = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (a == "--write") {
      write = true;
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--jobs" && i + 1 < argc) {
      jobs = std::max(1, std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: llmhw_calibrate [--data DIR] [--write] [--only GROUP/ENGINE] [--jobs N]\n";
      return 2;
    }
  }
  try {
    return run(data, write, only, jobs);
  } catch (const std::exception& e) {
    std::cerr << "llmhw_calibrate: error: " << e.what() << "\n";
    return 1;
  }
}
