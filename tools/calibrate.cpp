// tools/calibrate: fits the efficiency factors of data/efficiency.json to
// data/calibration/observations.csv, per hardware group (data/calibration/fit_groups.json) and
// engine, with the weak prior of fit_groups.json (its engine-wide factors centred on the same
// engine's first-pass fits on the other groups), and the error bands from leave-one-model-out
// residuals (models of one architecture held out together); it writes the leave-one-model-out and
// leave-one-hardware-out predictions (the latter also with the engine's closed-loop factors as
// fitted) to data/calibration/holdout_predictions.csv for tools/accuracy. Rerun it after changing
// the estimator or the data (about 10-15 minutes, single-threaded):
//
//   cmake --build --preset release --target llmhw_calibrate
//   ./build/release/llmhw_calibrate --data data --write
//   ./build/release/llmhw_calibrate --data data --only hopper/trtllm   # one subset, writes nothing
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "llmhw/error.hpp"
#include "llmhw/fit.hpp"
#include "llmhw/io/loaders.hpp"
#include "observations_io.hpp"

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using namespace llmhw;
using namespace llmhw::tools;

namespace {

struct Subset {
  std::string group, engine;
  std::vector<std::string> hardware;
  std::vector<const Observation*> rows;
  // The rows a device of this subset is held out of: the same engine's rows on the other devices
  // of the group's `family` (fit_groups.json: groups of one vendor fitted apart, such as CDNA 2, 3
  // and 4), or of the group alone when it names no family.
  std::vector<const Observation*> family_rows;
};

std::vector<Subset> subsets_to_fit(const ordered_json& groups_doc, const std::vector<Observation>& obs,
                                   const Catalogs& catalogs) {
  const int min_engine = groups_doc.at("min_rows_per_engine");
  const int min_any = groups_doc.at("min_rows_any_engine");
  // Rows by family (a group without one is its own family) and engine ("*": every engine).
  std::map<std::string, std::map<std::string, std::vector<const Observation*>>> family_rows;
  std::vector<std::map<std::string, std::vector<const Observation*>>> group_rows;
  for (const auto& g : groups_doc.at("groups")) {
    const auto hardware = g.at("hardware").get<std::vector<std::string>>();
    const std::string family = g.value("family", "group " + g.at("name").get<std::string>());
    auto& by_engine = group_rows.emplace_back();
    for (const Observation& o : obs) {
      if (std::find(hardware.begin(), hardware.end(), o.hardware) == hardware.end()) continue;
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
    std::vector<const Observation*> all = by_engine["*"];
    by_engine.erase("*");
    for (auto& [engine, rows] : by_engine) {
      if (static_cast<int>(rows.size()) >= min_engine)
        out.push_back({g.at("name"), engine, hardware, rows, family_rows[family][engine]});
    }
    if (static_cast<int>(all.size()) >= min_any)
      out.push_back({g.at("name"), "*", hardware, all, family_rows[family]["*"]});
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

Prior read_prior(const ordered_json& doc) {
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
  Prior p;
  for (const auto& [name, centre] : doc.items()) {
    if (name == "note") continue;
    const auto it = factors.find(name);
    if (it == factors.end()) throw data_error("fit_groups.json: prior." + name + ": not a fitted factor");
    p.centres.push_back({it->second, centre.at("centre").get<double>(), centre.at("weight").get<double>(),
                         name, centre.value("engine_wide", false)});
  }
  return p;
}

// One engine's fit on one hardware group with the global prior, and how many of its rows were
// closed-loop TTFTs (the rows that inform the engine-wide factors; a throughput row at a fixed
// concurrency barely does).
struct EngineEvidence {
  std::string group, engine;
  Efficiency efficiency;
  int ttft_rows = 0;
};

// The first pass: each engine's fit on each group that has closed-loop TTFT rows, for the
// `engines` to be fitted.
std::vector<EngineEvidence> engine_evidence(const std::vector<Subset>& subsets,
                                            const std::set<std::string>& engines, const Catalogs& catalogs,
                                            const Calibration& defaults, const Calibration& unfitted,
                                            const Prior& prior) {
  std::vector<EngineEvidence> out;
  for (const Subset& s : subsets) {
    const int ttfts = ttft_rows(s.rows);
    if (s.engine == "*" || !(engines.count(s.engine) || engines.count("*")) || ttfts == 0) continue;
    const Efficiency& start = unfitted.for_hardware(catalogs.hardware.at(s.rows.front()->hardware));
    const Efficiency e = fit_efficiency(s.rows, catalogs, defaults, start, prior).efficiency;
    std::cerr << fmt::format("first pass {}/{}: {} TTFT rows, req {:.1f} ms sync {:.2f}\n", s.group, s.engine,
                             ttfts, e.request_latency_ms, e.wave_synchronization);
    out.push_back({s.group, s.engine, e, ttfts});
  }
  return out;
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
                     const Efficiency& start, const Prior& prior, const std::set<std::string>& engine_fits,
                     std::ostream& holdout) {
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
      holdout_residuals(s, s.family_rows, hardware, catalogs, defaults, start, prior, r.efficiency);
  for (const Scored& sc : by_hardware.held_out) write_holdout(holdout, s, engine_fits, "hardware", sc);
  for (const Scored& sc : by_hardware.with_fitted_closed_loop)
    write_holdout(holdout, s, engine_fits, "hardware-factors", sc);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  log_fit(s, r, seconds, mean_absolute_percentage_error(in_sample),
          held.empty() ? -1.0 : mean_absolute_percentage_error(held));
  // The error bands come from the held-out models' residuals (a single-model subset: its own).
  const std::vector<Scored>& residuals = held.empty() ? in_sample : held;
  ordered_json entry = {{"group", s.group}, {"hardware", s.hardware}, {"engine", s.engine}, {"rows", r.rows}};
  std::set<std::string> measured;
  for (const Observation* o : s.rows) measured.insert(o->hardware);
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
// group llmhw has not seen). With no fitted group of the class, the physics defaults.
Efficiency cautious_defaults(DeviceKind kind, const Efficiency& physics, const std::vector<GroupFit>& fits,
                             const std::string& without) {
  std::vector<const GroupFit*> pool;
  for (const GroupFit& f : fits) {
    if (same_class(f.kind, kind) && f.group != without) pool.push_back(&f);
  }
  if (pool.empty()) return physics;
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
int run(const fs::path& data, bool write, const std::string& only) {
  const Catalogs catalogs = load_catalogs(data);
  const std::vector<Observation> obs = read_observations(data / "calibration" / "observations.csv");
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
  std::ofstream holdout;  // left closed (writes ignored) when fitting one subset
  if (only.empty()) holdout.open(data / "calibration" / "holdout_predictions.csv");
  holdout << "subset,held_out,obs_id,predicted\n";
  const std::vector<Subset> subsets = subsets_to_fit(groups, obs, catalogs);
  std::set<std::string> engine_fits, engines;
  for (const Subset& s : subsets) {
    engine_fits.insert(s.group + "/" + s.engine);
    if (only.empty() || only == s.group + "/" + s.engine) engines.insert(s.engine);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<EngineEvidence> first_pass =
      engine_evidence(subsets, engines, catalogs, defaults, unfitted, prior);
  ordered_json fitted = ordered_json::array();
  std::vector<GroupFit> group_fits;
  int used = 0;
  for (const Subset& s : subsets) {
    if (!only.empty() && only != s.group + "/" + s.engine) continue;
    const Hardware& hw = catalogs.hardware.at(s.rows.front()->hardware);
    const Efficiency& start = unfitted.for_hardware(hw);
    const SubsetFit f =
        fit_subset(s, catalogs, defaults, start, prior_for(s, prior, first_pass), engine_fits, holdout);
    fitted.push_back(f.entry);
    if (s.engine == "*") {
      used += f.entry.at("rows").get<int>();
      group_fits.push_back({s.group, hw.kind, f.efficiency, s.rows});
    }
  }
  std::cerr << fmt::format("fits took {:.0f} s\n",
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (!only.empty()) return 0;
  if (!doc.contains("by_kind_physics")) doc["by_kind_physics"] = doc["by_kind"];
  write_kind_defaults(doc, physics, group_fits, catalogs, defaults, holdout);
  doc["status"] = fmt::format(
      "fitted on {} by tools/calibrate to {} rows of data/calibration/observations.csv; hardware "
      "without calibration data uses the per-kind defaults",
      today(), used);
  doc["date"] = today();
  doc["fitted"] = fitted;
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
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (a == "--write") {
      write = true;
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::cerr << "usage: llmhw_calibrate [--data DIR] [--write] [--only GROUP/ENGINE]\n";
      return 2;
    }
  }
  try {
    return run(data, write, only);
  } catch (const std::exception& e) {
    std::cerr << "llmhw_calibrate: error: " << e.what() << "\n";
    return 1;
  }
}
