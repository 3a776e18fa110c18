#include "llmhw/text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace llmhw::text {

// Three significant figures below 100, integers above: enough to compare, not falsely precise.
static std::string short_number(double v) {
  const double a = std::fabs(v);
  if (a >= 100) return grouped(v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  if (a >= 1) return fmt::format("{:.2f}", v);
  return fmt::format("{:.3g}", v);
}

std::string grouped(double value) {
  std::string digits = fmt::format("{:.0f}", std::fabs(value));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (value < 0 ? "-" : "") + out;
}

std::string ms(double milliseconds) {
  if (milliseconds >= 1000) return fmt::format("{:.3g} s", milliseconds / 1000);
  if (milliseconds >= 10) return fmt::format("{:.0f} ms", milliseconds);
  return fmt::format("{:.2g} ms", milliseconds);
}

std::string gb(double gigabytes) {
  return short_number(gigabytes) + " GB";
}

std::string usd(double dollars) {
  return "$" + short_number(dollars);
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
