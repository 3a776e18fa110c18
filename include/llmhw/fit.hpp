#pragma once
// Fitting efficiency factors to observations: minimise the mean absolute percentage error of the
// estimator's predictions over a group's rows (the error docs/accuracy.md reports; unlike the
// squared log error it weighs a row's error linearly, so a few benchmark outliers, such as TTFTs
// that jump ten-fold, do not pull every other prediction), plus a weak prior on the efficiencies
// (data/calibration/fit_groups.json), with Nelder-Mead over nine physically meaningful
// parameters (bandwidth efficiency, decode and prefill compute efficiency, overhead per layer and
// per running sequence, the share of prefill work at a narrow precision's peak, the share of the
// link bandwidth collectives reach, and, for closed-loop benchmarks, how synchronised arrivals
// are and the request latency outside the engine).
#include <utility>
#include <vector>

#include "llmhw/observations.hpp"

namespace llmhw::tools {

struct Scored {
  const Observation* observation;
  double predicted;
  bool clamped;
};

// Predicts every row it can; rows it cannot are left out (counted by the caller).
std::vector<Scored> predict_all(const std::vector<const Observation*>& rows, const Catalogs& c,
                                const Calibration& calibration, const Efficiency& eff);
// The engine limits of each row (its engine on its hardware): invariant over a fit.
std::vector<EngineLimits> limits_of(const std::vector<const Observation*>& rows, const Catalogs& c,
                                    const Calibration& calibration);
// As above, with each row's limits given (`limits[i]` for `rows[i]`).
std::vector<Scored> predict_all(const std::vector<const Observation*>& rows,
                                const std::vector<EngineLimits>& limits, const Catalogs& c,
                                const Efficiency& eff);
// A row with what predicting it needs that does not depend on the efficiency factors.
struct PreparedRow {
  const Observation* observation;
  Deployment deployment;  // points into the Catalogs it was prepared from
  EngineLimits limits;
};
// The rows llmhw can predict at all (mapped, with a positive measured value), prepared.
std::vector<PreparedRow> prepare_rows(const std::vector<const Observation*>& rows,
                                      const std::vector<EngineLimits>& limits, const Catalogs& c);
std::vector<Scored> predict_all(const std::vector<PreparedRow>& rows, const Efficiency& eff);
// Mean of |predicted / measured - 1|: the loss the fit minimises.
double mean_absolute_percentage_error(const std::vector<Scored>& scored);

struct FitResult {
  Efficiency efficiency;
  double loss = 0;
  int rows = 0;  // rows predicted
};

// A weak prior on the fitted factors: the loss adds, for each named factor, its weight x
// ln(value / centre)^2. Where the rows pin a factor down it barely moves it; where they do not (a
// trade-off the data leave flat, such as prefill efficiency against the narrow-precision share
// when every row is at one precision, or the request latency of closed-loop benchmarks when every
// row is an offline one) it keeps the factor near its centre instead of anywhere along the valley.
struct Prior {
  struct Centre {
    double Efficiency::*factor;
    double value, weight;
    std::string name;  // as in fit_groups.json, for the log
    // A property of the engine and the benchmark client rather than of the hardware (the
    // closed-loop request latency and arrival synchronisation): tools/calibrate centres it on the
    // same engine's fits on the other hardware groups, where there are any.
    bool engine_wide = false;
    // The closed-loop TTFT rows behind an engine-wide centre drawn from the other groups' fits;
    // 0 for the global centre.
    double evidence_rows = 0;
  };
  std::vector<Centre> centres;
  // Factors held at a value rather than fitted: tools/calibrate holds the per-layer overhead at the
  // same engine's value across a vendor's groups (fit_groups.json `shared_by_vendor`).
  std::vector<std::pair<double Efficiency::*, double>> fixed;
  double penalty(const Efficiency& e) const;
  Efficiency with_fixed(Efficiency e) const;
};

// The geometric mean of values weighted by their weights (evidence: a fitted value and the number
// of rows that informed it); `fallback` when no weight is positive.
double pooled_centre(const std::vector<std::pair<double, double>>& value_and_weight, double fallback);

FitResult fit_efficiency(const std::vector<const Observation*>& rows, const Catalogs& c,
                         const Calibration& calibration, const Efficiency& start, const Prior& prior = {});

// Whether a row's metric belongs to a band's: the throughput band (`output_tokens_per_s`) also
// holds static-batch throughput (`batch_output_tokens_per_s`).
bool counts_as(const std::string& metric, const std::string& band_metric);

// The p-th quantile (0..1) of measured / predicted over the rows of one metric (counts_as).
double ratio_quantile(const std::vector<Scored>& scored, const std::string& metric, double p);

}  // namespace llmhw::tools
