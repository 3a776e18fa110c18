#include "llmhw/text.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace llmhw::text {
namespace {

// Three significant figures below 100, integers above: enough to compare, not falsely precise.
std::string short_number(double v) {
  const double r = round_significant(v, 3);
  const double a = std::fabs(r);
  if (a >= 100) return grouped(v);  // integers keep all their digits
  if (a >= 10) return fmt::format("{:.1f}", r);
  if (a >= 1) return fmt::format("{:.2f}", r);
  return fmt::format("{:.3g}", r);
}

}  // namespace

namespace {

// 10^n as std::pow computes it (so results do not change; pow(10, 23) is not the literal 1e23),
// from a table for the exponents numbers here have: every JSON number is rounded, so this runs
// thousands of times per batch line.
double power_of_ten(int n) {
  constexpr int kRange = 40;
  static const auto table = [] {
    std::array<double, 2 * kRange + 1> t{};
    for (int i = -kRange; i <= kRange; ++i) t[static_cast<size_t>(i + kRange)] = std::pow(10.0, i);
    return t;
  }();
  return n >= -kRange && n <= kRange ? table[static_cast<size_t>(n + kRange)] : std::pow(10.0, n);
}

}  // namespace

// Rounding before choosing a format means 99.96 prints as 100, not "100.0".
double round_significant(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale = power_of_ten(digits - 1 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  return std::round(v * scale) / scale;
}

std::string grouped(double value) {
  const double rounded = std::round(value);
  std::string digits = fmt::format("{:.0f}", std::fabs(rounded));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (rounded < 0 ? "-" : "") + out;
}

std::string percentile_prefix(double percentile) {
  return percentile > 0 ? fmt::format("p{:g} ", percentile) : "";
}

std::string counted(double n, std::string_view noun) {
  const std::string number = grouped(n);
  return fmt::format("{} {}{}", number, noun, number == "1" ? "" : "s");
}

std::string ms(double milliseconds) {
  const double r = round_significant(milliseconds, 3);
  if (r >= 100'000) return grouped(milliseconds / 1000) + " s";
  if (r >= 1000) return fmt::format("{:.3g} s", r / 1000);
  if (r >= 10) return fmt::format("{:.0f} ms", r);
  return fmt::format("{:.2g} ms", r);
}

std::string gb(double gigabytes) {
  return short_number(gigabytes) + " GB";
}

// fmt rather than "$" + string: GCC 12 warns falsely (-Wrestrict) on that operator+ when optimising.
// Below $1 three significant digits with their trailing zeros and never an exponent, so that a
// column reads alike ("$0.260" beside "$0.205", "$0.0000722" per request).
std::string usd(double dollars) {
  const double r = round_significant(dollars, 3);
  if (r == 0 || std::fabs(r) >= 1) return fmt::format("${}", short_number(dollars));
  const int decimals = 2 - static_cast<int>(std::floor(std::log10(std::fabs(r))));
  return fmt::format("${:.{}f}", r, decimals);
}

std::string params(double parameters) {
  if (parameters >= 1e12) return fmt::format("{:.3g}T", parameters / 1e12);
  if (parameters >= 1e9) return fmt::format("{:.3g}B", parameters / 1e9);
  return fmt::format("{:.3g}M", parameters / 1e6);
}

std::string rate(double per_second) {
  return short_number(per_second);
}

}  // namespace llmhw::text
