// Mixed fleets: traffic split by prompt length across two hardware types, each side sized by
// recommend() for its slice of the lengths (docs/estimation.md "Mixed fleets").
#include "llmhw/mixed_fleet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "llmhw/disaggregated.hpp"
#include "llmhw/power.hpp"
#include "llmhw/precision.hpp"
#include "llmhw/text.hpp"

namespace llmhw {
namespace {

// Percentiles of the lengths tried as thresholds: a few, so that recommend stays fast (each is
// two recommend() runs), spread so that either side may take most of the traffic.
constexpr double kSplitQuantiles[] = {0.2, 0.4, 0.6, 0.8};

double normal_pdf(double z) {
  return std::exp(-z * z / 2.0) / std::sqrt(2.0 * std::numbers::pi);
}
double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

// The standard normal quantile by bisection on the CDF (60 halvings of [-10, 10]: far below a
// token's width at any sd this program accepts).
double normal_quantile(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2.0;
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2.0;
}

// The range a uniform mean and sd came from: mean -+ sqrt(3) sd (sd = (hi - lo) / sqrt 12).
std::pair<double, double> uniform_range(double mean, double sd) {
  const double half = std::sqrt(3.0) * sd;
  return {std::round(mean - half), std::round(mean + half)};
}

LengthSlice uniform_slice(double lo, double hi, double share) {
  return {share, (lo + hi) / 2.0, (hi - lo) / std::sqrt(12.0), lo, hi, fmt::format("{:.0f}..{:.0f}", lo, hi)};
}

// A side of a normal cut at z (standard units): the truncated normal's mean and sd (Johnson,
// Kotz & Balakrishnan, Continuous Univariate Distributions vol. 1, 13.10), in whole tokens.
LengthSlice normal_slice(double mean, double sd, double z, bool below) {
  const double phi = normal_pdf(z), cdf = normal_cdf(z);
  const double share = below ? cdf : 1.0 - cdf;
  const double lambda = below ? -phi / cdf : phi / (1.0 - cdf);  // the shift of the mean, in sd
  const double variance = 1.0 + z * lambda - lambda * lambda;
  const double m = std::max(1.0, std::round(mean + sd * lambda));
  const double s = std::round(sd * std::sqrt(std::max(0.0, variance)));
  return {share, m, s, 0, 0, fmt::format("{:.0f}+-{:.0f}", m, s)};
}

std::string layout_of(const Evaluation& e) {
  if (!e.disaggregated) return layout(e.deployment);
  return layout_cell(e.disaggregated->deployment);  // "3P1D TP2", as the ranking's layout column
}

FleetSide side_of(const Recommendation& r, const Query& q, const LengthSlice& lengths) {
  const Evaluation& e = r.evaluation;
  const Hardware& hw = *e.deployment.hardware;
  FleetSide s;
  s.lengths = lengths;
  s.qps = q.qps;
  s.hardware = hw.id;
  s.hardware_name = hw.name;
  s.precision = std::string(to_string(e.deployment.weights));
  s.layout = layout_of(e);
  s.replicas = e.replicas;
  s.devices = e.total_devices();
  s.cost_per_hour = e.total_cost_per_hour;
  s.power_kw = fleet_power_kw(e, q);
  s.ttft_ms = e.at_load.ttft_at(q.ttft_percentile) * 1e3;
  s.tpot_ms = e.at_load.tpot_at(q.tpot_percentile) * 1e3;
  return s;
}

// The two cheapest feasible deployments of different hardware for one slice (recommend keeps one
// per hardware, best first: under the cost objective, cheapest first).
std::vector<FleetSide> cheapest_sides(const Query& q, const LengthSlice& lengths, const Model& model,
                                      const std::vector<Hardware>& candidates, const Calibration& calibration,
                                      std::span<const Hardware> known, SizingCache* cache) {
  Query at = q;
  at.qps = q.qps * lengths.share;
  at.workload.input_tokens = lengths.mean;
  at.input_sd = lengths.sd;
  const RecommendResult found = recommend(at, model, candidates, calibration, 0, cache, known);
  std::vector<FleetSide> out;
  for (size_t i = 0; i < found.recommendations.size() && i < 2; ++i)
    out.push_back(side_of(found.recommendations[i], at, lengths));
  return out;
}

// Whether two sides together keep the query's budget and power budget (each side alone already
// passed recommend's hard rules).
bool within_budgets(const FleetSide& a, const FleetSide& b, const Query& q) {
  if (q.budget_per_hour && a.cost_per_hour + b.cost_per_hour > *q.budget_per_hour) return false;
  if (q.power_budget_kw && a.power_kw + b.power_kw > *q.power_budget_kw) return false;
  return true;
}

// The cheapest pair of different hardware from each side's two cheapest.
std::optional<std::pair<FleetSide, FleetSide>> cheapest_pair(const std::vector<FleetSide>& shorter,
                                                             const std::vector<FleetSide>& longer,
                                                             const Query& q) {
  std::optional<std::pair<FleetSide, FleetSide>> best;
  for (const FleetSide& a : shorter) {
    for (const FleetSide& b : longer) {
      if (a.hardware == b.hardware || !within_budgets(a, b, q)) continue;
      if (!best || a.cost_per_hour + b.cost_per_hour < best->first.cost_per_hour + best->second.cost_per_hour)
        best.emplace(a, b);
    }
  }
  return best;
}

// Hardware types of `candidates` the query's --kind admits, counted up to two.
int hardware_types(const std::vector<Hardware>& candidates, const Query& q) {
  int n = 0;
  for (const Hardware& hw : candidates)
    if (q.kinds.empty() || std::find(q.kinds.begin(), q.kinds.end(), hw.kind) != q.kinds.end())
      if (++n == 2) break;
  return n;
}

// Why the search does not run for this query, or empty.
std::string not_searched(const Query& q, const RecommendResult& single,
                         const std::vector<Hardware>& candidates) {
  if (q.input_sd <= 0) return "the prompts are all one length (--input-tokens N)";
  if (hardware_types(candidates, q) < 2) return "only one hardware type is a candidate";
  if (q.objective != Objective::cost) return "mixed fleets are searched when ranking by cost";
  if (!q.owned.empty()) return "not with --have (owned devices)";
  if (single.recommendations.empty()) return "no single hardware type meets the constraints";
  return "";
}

}  // namespace

std::vector<double> split_thresholds(LengthShape shape, double mean, double sd) {
  std::vector<double> out;
  if (sd <= 0) return out;
  for (double p : kSplitQuantiles) {
    double t = 0;
    if (shape == LengthShape::uniform) {
      const auto [lo, hi] = uniform_range(mean, sd);
      t = std::round(lo + p * (hi - lo));
    } else {
      t = std::round(mean + sd * normal_quantile(p));
    }
    if (t >= 2 && (out.empty() || t > out.back())) out.push_back(t);
  }
  return out;
}

std::pair<LengthSlice, LengthSlice> split_lengths(LengthShape shape, double mean, double sd,
                                                  double threshold) {
  if (shape == LengthShape::uniform) {
    const auto [lo, hi] = uniform_range(mean, sd);
    const double t = std::clamp(threshold, lo, hi);
    const double below = hi > lo ? (t - lo) / (hi - lo) : 0.5;
    return {uniform_slice(lo, t, below), uniform_slice(t, hi, 1.0 - below)};
  }
  const double z = (threshold - mean) / sd;
  return {normal_slice(mean, sd, z, true), normal_slice(mean, sd, z, false)};
}

MixedFleet search_mixed_fleet(const Query& query, LengthShape shape, const Model& model,
                              const std::vector<Hardware>& candidates, const Calibration& calibration,
                              const RecommendResult& single, std::span<const Hardware> known,
                              SizingCache* cache, const MixedFleetOptions& options) {
  MixedFleet out;
  out.min_saving_share = options.min_saving_share;
  out.note = not_searched(query, single, candidates);
  if (!out.note.empty()) return out;
  out.searched = true;
  const Evaluation& first = single.recommendations.front().evaluation;
  const double single_cost = first.total_cost_per_hour;
  std::optional<MixedSplit> best;
  for (double t : split_thresholds(shape, query.workload.input_tokens, query.input_sd)) {
    const auto [shorter, longer] = split_lengths(shape, query.workload.input_tokens, query.input_sd, t);
    if (shorter.share <= 0 || longer.share <= 0 || shorter.mean <= query.workload.shared_prefix_tokens)
      continue;
    ++out.splits_tried;
    const auto pair =
        cheapest_pair(cheapest_sides(query, shorter, model, candidates, calibration, known, cache),
                      cheapest_sides(query, longer, model, candidates, calibration, known, cache), query);
    if (!pair) continue;
    const double cost = pair->first.cost_per_hour + pair->second.cost_per_hour;
    if (best && cost >= best->cost_per_hour) continue;  // ties keep the lower threshold
    best = MixedSplit{t,
                      pair->first,
                      pair->second,
                      cost,
                      first.deployment.hardware->id,
                      single_cost,
                      single_cost - cost,
                      (single_cost - cost) / single_cost};
  }
  if (!best) {
    out.note =
        "no split by prompt length has a different hardware type on each side that meets the constraints";
    return out;
  }
  out.recommended = best->saving_share > options.min_saving_share;
  if (!out.recommended) {
    const std::string split =
        fmt::format("the cheapest split (at {} tokens: {} + {})", text::grouped(best->threshold_tokens),
                    best->short_side.hardware, best->long_side.hardware);
    out.note =
        best->saving_share < 0
            ? fmt::format("{} costs {:.1f}% more than the best single type ({})", split,
                          -best->saving_share * 100, best->single_hardware)
            : fmt::format("{} saves {:.1f}% against the best single type ({}), not more than {:.0f}%", split,
                          best->saving_share * 100, best->single_hardware, options.min_saving_share * 100);
  }
  out.cheapest = std::move(best);
  return out;
}

}  // namespace llmhw
