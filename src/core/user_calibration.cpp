#include "llmhw/user_calibration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "llmhw/error.hpp"
#include "llmhw/fit.hpp"

namespace llmhw {
namespace {

using tools::Observation;

// The prior's weight on each fitted factor: weight x ln(value / shipped)^2 joins the loss (the
// mean absolute percentage error, as in tools/calibrate). At 0.02 moving a factor 2x costs about
// one point of MAPE: runs that pin a factor move it, a factor the runs leave flat (prefill
// efficiency against request latency with one prompt length, say) stays near the shipped value,
// so two or three runs cannot produce nonsense.
constexpr double kPriorWeight = 0.02;
// One deployment at one precision and parallelism cannot tell the narrow-precision share or the
// link efficiency from the other factors: they stay at the shipped values.
constexpr double kPinnedWeight = 1.0;

std::string field(const BenchRun& r, const std::string& key) {
  const auto it = r.fields.find(key);
  return it != r.fields.end() ? it->second : key;
}

[[noreturn]] void bad_run(const BenchRun& r, const std::string& key, const std::string& why) {
  throw data_error(fmt::format("{}: {}: {}", r.where(), field(r, key), why));
}

tools::Prior prior_around(const Efficiency& shipped) {
  tools::Prior p;
  for (const auto& [name, factor] : calibrated_factors())
    p.centres.push_back({factor, std::max(shipped.*factor, 1e-3), kPriorWeight, name});
  p.centres.push_back({&Efficiency::quantized_share, std::max(shipped.quantized_share, 1e-3), kPinnedWeight,
                       "quantized_share"});
  p.centres.push_back({&Efficiency::interconnect_bandwidth, std::max(shipped.interconnect_bandwidth, 1e-3),
                       kPinnedWeight, "interconnect_bandwidth"});
  return p;
}

EngineLimits limits_for(const CalibrationTarget& t, const tools::Catalogs& c,
                        const Calibration& calibration) {
  return calibration.limits(t.engine, c.hardware.at(t.hardware));
}

// The prediction of one observation, 0 when the estimator cannot make it (does not fit).
double predicted(const Observation& o, const tools::Catalogs& c, const Efficiency& e, const EngineLimits& l) {
  const tools::Prediction p = tools::predict(o, c, e, l);
  return p.ok ? p.value : 0.0;
}

double ape(double predicted_value, double measured) {
  return predicted_value > 0 ? std::abs(predicted_value / measured - 1.0) : 4.0;  // as the fit counts it
}

MetricErrors errors(const std::vector<RunPrediction>& runs, double RunPrediction::*ttft,
                    double RunPrediction::*tpot) {
  MetricErrors m;
  for (const RunPrediction& r : runs) {
    m.ttft += ape(r.*ttft, r.run->ttft_ms);
    m.tpot += ape(r.*tpot, r.run->tpot_ms);
  }
  const double n = static_cast<double>(std::max<size_t>(1, runs.size()));
  return {m.ttft / n, m.tpot / n};
}

// Measured / predicted over the held-out runs, at least 10% either way (a handful of runs does
// not measure a tail).
Band ratio_band(const std::vector<RunPrediction>& runs, double BenchRun::*measured,
                double RunPrediction::*prediction) {
  Band b{0.9, 1.1};
  for (const RunPrediction& r : runs) {
    if (!(r.*prediction > 0)) continue;
    const double ratio = (*r.run).*measured / r.*prediction;
    b.low = std::min(b.low, ratio);
    b.high = std::max(b.high, ratio);
  }
  return {std::round(b.low * 1000) / 1000, std::round(b.high * 1000) / 1000};
}

}  // namespace

std::string BenchRun::where() const {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

const std::vector<std::pair<std::string, double Efficiency::*>>& calibrated_factors() {
  static const std::vector<std::pair<std::string, double Efficiency::*>> factors = {
      {"memory_bandwidth", &Efficiency::memory_bandwidth},
      {"decode_compute", &Efficiency::decode_compute},
      {"prefill_compute", &Efficiency::prefill_compute},
      {"layer_overhead_us", &Efficiency::layer_overhead_us},
      {"sequence_overhead_us", &Efficiency::sequence_overhead_us},
      {"request_latency_ms", &Efficiency::request_latency_ms},
      {"wave_synchronization", &Efficiency::wave_synchronization}};
  return factors;
}

std::vector<Observation> observations_of(const std::vector<BenchRun>& runs, const CalibrationTarget& t) {
  std::vector<Observation> out;
  for (size_t i = 0; i < runs.size(); ++i) {
    const BenchRun& r = runs[i];
    Observation o;
    o.source = r.where();
    o.model = t.model;
    o.hardware = t.hardware;
    o.engine = t.engine;
    o.precision = t.weights;
    o.kv = t.kv;
    o.tp = t.tp, o.pp = t.pp, o.dp = t.dp, o.moe_ep = t.ep;
    o.moe_tp = t.ep > 1 && (t.tp * t.dp) % t.ep == 0 ? t.tp * t.dp / t.ep : 0;
    o.devices = t.tp * t.pp * t.dp;
    o.isl = r.input_tokens / r.completed;
    o.osl = r.output_tokens / r.completed;
    o.mapped = true;
    if (r.max_concurrency) {
      o.concurrency = *r.max_concurrency;
    } else if (!r.request_rate || !(r.duration_s > 0)) {
      o.concurrency = r.completed;  // every request sent at once
    } else {
      // Little's law: requests in flight = arrival rate x time in the system.
      const double e2e_ms = r.e2el_ms > 0 ? r.e2el_ms : r.ttft_ms + (o.osl - 1) * r.tpot_ms;
      o.concurrency = std::max(1.0, r.completed / r.duration_s * e2e_ms / 1e3);
    }
    for (const auto& [metric, value] : {std::pair{"ttft_ms", r.ttft_ms}, std::pair{"tpot_ms", r.tpot_ms}}) {
      o.id = fmt::format("run{}-{}", i + 1, metric);
      o.metric = metric;
      o.value = value;
      out.push_back(o);
    }
  }
  return out;
}

void check_runs(const std::vector<BenchRun>& runs, const CalibrationTarget& t, const tools::Catalogs& c,
                const Calibration& calibration, const Efficiency& shipped) {
  if (runs.empty()) throw usage_error("calibrate: no benchmark runs in the files given");
  // Mixed deployments: every key the files state must agree.
  for (const char* key :
       {"model_id", "backend", "hardware", "tensor_parallel_size", "tp", "precision", "engine"}) {
    const BenchRun* first = nullptr;
    for (const BenchRun& r : runs) {
      const auto it = r.metadata.find(key);
      if (it == r.metadata.end()) continue;
      if (!first) {
        first = &r;
      } else if (first->metadata.at(key) != it->second) {
        throw data_error(
            fmt::format("{}: {}: '{}', but {} has '{}': the files are from different deployments", r.where(),
                        key, it->second, first->where(), first->metadata.at(key)));
      }
    }
  }
  for (const BenchRun& r : runs) {
    if (auto hw = r.metadata.find("hardware"); hw != r.metadata.end() && hw->second != t.hardware)
      bad_run(r, "hardware", fmt::format("'{}', but --hardware is '{}'", hw->second, t.hardware));
    if (!(r.completed > 0)) bad_run(r, "completed", "no completed requests");
    if (!(r.input_tokens > 0)) bad_run(r, "total_input_tokens", "no input tokens");
    if (!(r.output_tokens > r.completed))
      bad_run(r, "total_output_tokens", "fewer than two output tokens per request");
    if (!(r.ttft_ms > 0) || !std::isfinite(r.ttft_ms)) bad_run(r, "mean_ttft_ms", "not a positive time");
    if (!(r.tpot_ms > 0) || !std::isfinite(r.tpot_ms)) bad_run(r, "mean_tpot_ms", "not a positive time");
  }
  // The physical floor: one decode step of a single sequence at the datasheet bandwidth and peak,
  // with no overheads, reads every active weight once; no run of this deployment is faster.
  Efficiency ideal = shipped;
  ideal.memory_bandwidth = ideal.decode_compute = ideal.prefill_compute = 1;
  ideal.quantized_share = ideal.interconnect_bandwidth = 1;
  ideal.step_overhead_ms = ideal.layer_overhead_us = ideal.sequence_overhead_us = 0;
  ideal.collective_latency_us = ideal.request_latency_ms = 0;
  const EngineLimits limits = limits_for(t, c, calibration);
  const std::vector<Observation> rows = observations_of(runs, t);
  for (size_t i = 0; i < runs.size(); ++i) {
    Observation one = rows[2 * i + 1];
    one.concurrency = 1;
    const tools::Prediction p = tools::predict(one, c, ideal, limits);
    if (!p.ok)
      bad_run(runs[i], "total_input_tokens",
              fmt::format("the deployment cannot run this request shape ({})", p.why_not));
    if (runs[i].tpot_ms < p.value * 0.999) {
      bad_run(
          runs[i], "mean_tpot_ms",
          fmt::format("{:.3g} ms is below the physical floor of {:.3g} ms (the weights over the datasheet "
                      "bandwidth) on {} x{}: not a run of this deployment",
                      runs[i].tpot_ms, p.value, t.hardware, t.tp * t.pp * t.dp));
    }
  }
}

UserFit fit_runs(const std::vector<BenchRun>& runs, const CalibrationTarget& t, const tools::Catalogs& c,
                 const Calibration& calibration, const Efficiency& shipped) {
  const std::vector<Observation> rows = observations_of(runs, t);
  const tools::Prior prior = prior_around(shipped);
  const EngineLimits limits = limits_for(t, c, calibration);
  auto pointers = [&rows](std::optional<size_t> without) {
    std::vector<const Observation*> out;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!without || i / 2 != *without) out.push_back(&rows[i]);
    }
    return out;
  };
  UserFit f;
  f.shipped = shipped;
  f.fitted = tools::fit_efficiency(pointers(std::nullopt), c, calibration, shipped, prior).efficiency;
  std::vector<Efficiency> held_fits;
  for (size_t i = 0; i < runs.size(); ++i) {
    RunPrediction p;
    p.run = &runs[i];
    p.concurrency = rows[2 * i].concurrency.value_or(0);
    p.shipped_ttft = predicted(rows[2 * i], c, shipped, limits);
    p.shipped_tpot = predicted(rows[2 * i + 1], c, shipped, limits);
    p.overlay_ttft = predicted(rows[2 * i], c, f.fitted, limits);
    p.overlay_tpot = predicted(rows[2 * i + 1], c, f.fitted, limits);
    if (runs.size() > 1) {
      const Efficiency e = tools::fit_efficiency(pointers(i), c, calibration, shipped, prior).efficiency;
      held_fits.push_back(e);
      p.held_out_ttft = predicted(rows[2 * i], c, e, limits);
      p.held_out_tpot = predicted(rows[2 * i + 1], c, e, limits);
    } else {
      p.held_out_ttft = p.shipped_ttft, p.held_out_tpot = p.shipped_tpot;  // nothing to fit on
    }
    f.runs.push_back(p);
  }
  f.in_sample = {errors(f.runs, &RunPrediction::shipped_ttft, &RunPrediction::shipped_tpot),
                 errors(f.runs, &RunPrediction::overlay_ttft, &RunPrediction::overlay_tpot)};
  f.leave_one_out = {f.in_sample.shipped,
                     errors(f.runs, &RunPrediction::held_out_ttft, &RunPrediction::held_out_tpot)};
  // Jackknife standard error of ln(factor) over the leave-one-run-out fits (Efron and Stein 1981):
  // sqrt((n-1)/n x sum (x_i - mean)^2).
  if (held_fits.size() >= 3) {
    const double n = static_cast<double>(held_fits.size());
    for (const auto& [name, factor] : calibrated_factors()) {
      double mean = 0, sum_sq = 0;
      for (const Efficiency& e : held_fits) mean += std::log(std::max(e.*factor, 1e-6)) / n;
      for (const Efficiency& e : held_fits) sum_sq += std::pow(std::log(std::max(e.*factor, 1e-6)) - mean, 2);
      f.relative_uncertainty[name] = std::sqrt((n - 1) / n * sum_sq);
    }
  }
  f.bounds.ttft = ratio_band(f.runs, &BenchRun::ttft_ms, &RunPrediction::held_out_ttft);
  f.bounds.tpot = ratio_band(f.runs, &BenchRun::tpot_ms, &RunPrediction::held_out_tpot);
  // Throughput goes as 1 / TPOT at a concurrency.
  f.bounds.throughput = {std::round(1000 / f.bounds.tpot.high) / 1000,
                         std::round(1000 / f.bounds.tpot.low) / 1000};
  return f;
}

bool apply_overlay(Calibration& calibration, const CalibrationOverlay& overlay,
                   std::span<const Hardware> catalog) {
  const CalibrationTarget& t = overlay.deployment;
  const auto hw =
      std::find_if(catalog.begin(), catalog.end(), [&t](const Hardware& h) { return h.id == t.hardware; });
  if (hw == catalog.end()) return false;
  FittedEfficiency f;
  f.group = std::string("calibration overlay");  // (operator=(const char*) trips GCC 12 -Wrestrict at -O3)
  f.hardware = f.measured_hardware = {t.hardware};
  f.engine = t.engine;
  // The factors the overlay does not fit (memory fraction, reserve, link share) stay as the
  // shipped calibration, or an earlier overlay, has them.
  f.efficiency = *calibration.resolve(*hw, t.engine, catalog).efficiency;
  for (const auto& [name, factor] : calibrated_factors()) {
    if (const auto it = overlay.factors.find(name); it != overlay.factors.end())
      f.efficiency.*factor = it->second;
  }
  f.bounds = overlay.bounds;
  f.rows = 2 * overlay.runs;
  f.overlay = fmt::format(
      "calibration overlay {} (llmhw calibrate, {}): fitted to {} runs of {} on {} x{} with {}",
      overlay.origin, overlay.created, overlay.runs, t.model, t.hardware, t.tp * t.pp * t.dp, t.engine);
  // Also where no engine is named (recommend, estimate without --engine): the user's cluster runs
  // this engine. A named other engine keeps its own fit.
  FittedEfficiency any_engine = f;
  any_engine.engine = std::string("*");  // (as f.group above: operator=(const char*) trips -Wrestrict)
  calibration.fitted.insert(calibration.fitted.begin(), {std::move(f), std::move(any_engine)});
  return true;
}

}  // namespace llmhw
