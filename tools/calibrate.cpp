// tools/calibrate: fits the efficiency factors of data/efficiency.json to
// data/calibration/observations.csv, per hardware group (data/calibration/fit_groups.json) and
// engine, and the error bands from leave-one-model-out residuals. Rerun it after changing the
// estimator or the data:
//
//   cmake --build --preset release --target llmhw_calibrate
//   ./build/release/llmhw_calibrate --data data --write
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "fit.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using namespace llmhw;
using namespace llmhw::tools;

namespace {

struct Group {
  std::string name;
  std::vector<std::string> hardware;
};

struct Subset {
  std::string group, engine;
  std::vector<std::string> hardware;
  std::vector<const Observation*> rows;
};

std::vector<Subset> subsets_to_fit(const ordered_json& groups_doc, const std::vector<Observation>& obs,
                                   const Catalogs& catalogs) {
  const int min_engine = groups_doc.at("min_rows_per_engine");
  const int min_any = groups_doc.at("min_rows_any_engine");
  std::vector<Subset> out;
  for (const auto& g : groups_doc.at("groups")) {
    const auto hardware = g.at("hardware").get<std::vector<std::string>>();
    std::map<std::string, std::vector<const Observation*>> by_engine;
    std::vector<const Observation*> all;
    for (const Observation& o : obs) {
      if (std::find(hardware.begin(), hardware.end(), o.hardware) == hardware.end()) continue;
      if (o.excluded || !check_mappable(o, catalogs).ok) continue;
      by_engine[o.engine].push_back(&o);
      all.push_back(&o);
    }
    for (auto& [engine, rows] : by_engine) {
      if (static_cast<int>(rows.size()) >= min_engine) out.push_back({g.at("name"), engine, hardware, rows});
    }
    if (static_cast<int>(all.size()) >= min_any) out.push_back({g.at("name"), "*", hardware, all});
  }
  return out;
}

// Residuals of each model predicted by a fit on the group's other models (generalisation, not
// memorisation); a single-model subset falls back to its in-sample residuals.
std::vector<Scored> holdout_residuals(const Subset& s, const Catalogs& c, const Calibration& cal,
                                      const Efficiency& start, const Efficiency& fitted) {
  std::set<std::string> models;
  for (const Observation* o : s.rows) models.insert(o->model);
  if (models.size() < 2) return predict_all(s.rows, c, cal, fitted);
  std::vector<Scored> out;
  for (const std::string& held : models) {
    std::vector<const Observation*> train, test;
    for (const Observation* o : s.rows) (o->model == held ? test : train).push_back(o);
    const FitResult r = fit_efficiency(train, c, cal, start);
    for (const Scored& sc : predict_all(test, c, cal, r.efficiency)) out.push_back(sc);
  }
  return out;
}

ordered_json band(const std::vector<Scored>& scored, const std::string& metric, int rows) {
  double low = ratio_quantile(scored, metric, 0.1), high = ratio_quantile(scored, metric, 0.9);
  low = std::min(low, 1.0);
  high = std::max(high, 1.0);
  if (rows < 30) {  // thin data: at least a factor 2 either way
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
          {"collective_latency_us", e.collective_latency_us},
          {"wave_synchronization", r4(e.wave_synchronization)}};
}

std::string today() {
  const std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

int run(const fs::path& data, bool write) {
  const Catalogs catalogs = load_catalogs(data);
  const std::vector<Observation> obs = read_observations(data / "calibration" / "observations.csv");
  const Calibration defaults = io::load_calibration(data / "efficiency.json");
  Calibration unfitted = defaults;
  unfitted.fitted.clear();
  const ordered_json groups = ordered_json::parse(std::ifstream(data / "calibration" / "fit_groups.json"));
  ordered_json fitted = ordered_json::array();
  std::ofstream holdout(data / "calibration" / "holdout_predictions.csv");
  holdout << "subset,obs_id,predicted\n";
  int used = 0;
  for (const Subset& s : subsets_to_fit(groups, obs, catalogs)) {
    const Hardware& any = catalogs.hardware.at(s.rows.front()->hardware);
    // Every fit starts from the kind's defaults, not from the previous fit in efficiency.json:
    // the result is reproducible, and a held-out model's fit does not start from a point fitted
    // on that model's rows.
    const Efficiency& start = unfitted.for_hardware(any);
    const auto t0 = std::chrono::steady_clock::now();
    const FitResult r = fit_efficiency(s.rows, catalogs, defaults, start);
    const auto held = holdout_residuals(s, catalogs, defaults, start, r.efficiency);
    for (const Scored& sc : held)
      holdout << s.group << "/" << s.engine << "," << sc.observation->id << "," << sc.predicted << "\n";
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << fmt::format(
        "{}/{}: {} rows, loss {:.4f}, eta_mem {:.3f} decode {:.3f} prefill {:.3f} overhead {:.2f} ms "
        "+ {:.1f} us/layer + {:.1f} us/seq q {:.2f} req {:.1f} ms sync {:.2f} ({:.1f} s)\n",
        s.group, s.engine, r.rows, r.loss, r.efficiency.memory_bandwidth, r.efficiency.decode_compute,
        r.efficiency.prefill_compute, r.efficiency.step_overhead_ms, r.efficiency.layer_overhead_us,
        r.efficiency.sequence_overhead_us, r.efficiency.quantized_share, r.efficiency.request_latency_ms,
        r.efficiency.wave_synchronization, seconds);
    ordered_json entry = {
        {"group", s.group}, {"hardware", s.hardware}, {"engine", s.engine}, {"rows", r.rows}};
    const ordered_json values = efficiency_json(r.efficiency);
    for (const auto& [k, v] : values.items()) entry[k] = v;
    entry["bounds"] = {{"ttft", band(held, "ttft_ms", r.rows)},
                       {"tpot", band(held, "tpot_ms", r.rows)},
                       {"throughput", band(held, "output_tokens_per_s", r.rows)}};
    fitted.push_back(entry);
    if (s.engine == "*") used += r.rows;
  }
  ordered_json doc = ordered_json::parse(std::ifstream(data / "efficiency.json"));
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
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (a == "--write") {
      write = true;
    } else {
      std::cerr << "usage: llmhw_calibrate [--data DIR] [--write]\n";
      return 2;
    }
  }
  try {
    return run(data, write);
  } catch (const std::exception& e) {
    std::cerr << "llmhw_calibrate: error: " << e.what() << "\n";
    return 1;
  }
}
