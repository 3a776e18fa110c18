#include "llmhw/queueing.hpp"

#include <cmath>
#include <limits>

namespace llmhw::queueing {

double erlang_c(int servers, double a) {
  if (servers < 1 || a >= servers) return 1.0;
  if (a <= 0) return 0.0;
  // Erlang B by its stable recurrence B(k) = a B(k-1) / (k + a B(k-1)), then
  // C = c B / (c - a (1 - B)) (Cooper, Introduction to Queueing Theory, 2nd ed., sec. 3.4).
  double b = 1.0;
  for (int k = 1; k <= servers; ++k) b = a * b / (k + a * b);
  return servers * b / (servers - a * (1.0 - b));
}

double Wait::mean_s() const {
  return stable ? probability * conditional_mean_s : std::numeric_limits<double>::infinity();
}

double Wait::quantile(double p) const {
  if (!stable) return std::numeric_limits<double>::infinity();
  const double tail = 1.0 - p;
  if (probability <= tail || probability <= 0) return 0.0;
  return conditional_mean_s * std::log(probability / tail);
}

Wait mgc_wait(double arrival_rate, double mean_service_s, double service_scv, int servers) {
  Wait w;
  if (arrival_rate <= 0 || mean_service_s <= 0) return w;
  const double a = arrival_rate * mean_service_s;
  if (a >= servers) {
    w.stable = false;
    w.probability = 1.0;
    return w;
  }
  w.probability = erlang_c(servers, a);
  // M/M/c: given a wait, it is exponential with rate c mu - lambda; the Allen-Cunneen factor
  // scales it for service times more or less variable than exponential.
  const double mu = 1.0 / mean_service_s;
  w.conditional_mean_s = 1.0 / (servers * mu - arrival_rate) * (1.0 + service_scv) / 2.0;
  return w;
}

double normal_quantile(double p) {
  // Peter J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
  // function" (2003), coefficients as published.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  const double low = 0.02425;
  if (p < low || p > 1 - low) {
    const double q = std::sqrt(-2 * std::log(p < low ? p : 1 - p));
    const double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                     ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < low ? x : -x;
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

}  // namespace llmhw::queueing
