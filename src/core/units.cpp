#include "llmhw/units.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include "llmhw/error.hpp"
#include "llmhw/text.hpp"

namespace llmhw {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "12.5ms" into 12.5 and "ms". A decimal with an optional minus sign, so that a negative
// value gets "must be > 0" rather than "not a number"; with `exponent`, also scientific notation
// ("1e3", "2.5E-2"; plain quantities such as --qps, not sizes or durations, where "1e3b" and
// "1e3ms" read as typos). No nan, inf or hexadecimal.
struct NumberAndUnit {
  double value;
  std::string_view unit;
};

bool digit_at(std::string_view s, size_t i) {
  return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]));
}

std::optional<NumberAndUnit> split_number(std::string_view text, bool exponent = false) {
  text = trim(text);
  size_t end = 0;
  if (end < text.size() && text[end] == '-') ++end;
  bool seen_digit = false, seen_dot = false;
  while (end < text.size()) {
    char c = text[end];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      seen_digit = true;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
    ++end;
  }
  if (exponent && seen_digit && end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
    size_t exp = end + 1;
    if (exp < text.size() && (text[exp] == '-' || text[exp] == '+')) ++exp;
    if (digit_at(text, exp)) {
      while (digit_at(text, exp)) ++exp;
      end = exp;
    }
  }
  if (!seen_digit || end > 30) return std::nullopt;
  double value = 0;
  // from_chars takes no leading '+' (none is accepted above) and parses the exponent itself.
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
  if (ec != std::errc() || ptr != text.data() + end || !std::isfinite(value)) return std::nullopt;
  return NumberAndUnit{value, trim(text.substr(end))};
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<double> size_multiplier(std::string_view unit) {
  std::string u = lower(unit);
  if (u == "m") return 1e6;
  if (u == "b") return 1e9;
  if (u == "t") return 1e12;
  return std::nullopt;
}

// The one wording of a quantity's range, whichever form it was typed in.
double check_positive(double value, std::string_view text, std::string_view what, double max) {
  if (value <= 0) throw usage_error(fmt::format("{}: must be > 0, got '{}'", what, text));
  if (value > max) throw usage_error(fmt::format("{}: '{}' is above the limit of {:g}", what, text, max));
  return value;
}

}  // namespace

bool looks_like_model_size(std::string_view text) {
  auto parsed = split_number(text);
  return parsed && size_multiplier(parsed->unit).has_value();
}

double parse_model_size(std::string_view text, std::string_view what) {
  auto parsed = split_number(text);
  std::optional<double> mult = parsed ? size_multiplier(parsed->unit) : std::nullopt;
  if (!mult) {
    throw usage_error(
        fmt::format("{}: '{}' is not a model size (expected e.g. 8b, 70b, 1.5b, 1t)", what, text));
  }
  double params = parsed->value * *mult;
  if (params < kMinModelParams || params > kMaxModelParams) {
    throw usage_error(fmt::format("{}: '{}' is outside the supported sizes 0.5b..100t", what, text));
  }
  return params;
}

double parse_duration_ms(std::string_view text, std::string_view what) {
  auto parsed = split_number(text);
  if (!parsed) {
    throw usage_error(fmt::format("{}: '{}' is not a duration (expected e.g. 500ms, 2s)", what, text));
  }
  std::string unit = lower(parsed->unit);
  double ms = 0;
  if (unit == "ms") {
    ms = parsed->value;
  } else if (unit == "s") {
    ms = parsed->value * 1e3;
  } else if (unit == "us") {
    ms = parsed->value * 1e-3;
  } else if (unit.empty()) {
    // A small bare number is most likely seconds ("--ttft 0.8"): offer both readings.
    if (parsed->value > 0 && parsed->value < 10) {
      const double as_ms = parsed->value * 1e3;
      throw usage_error(fmt::format("{}: '{}' needs a unit: {}s ({} ms) or {}ms", what, text, trim(text),
                                    as_ms >= 1000 ? text::grouped(as_ms) : fmt::format("{:g}", as_ms),
                                    trim(text)));
    }
    throw usage_error(fmt::format("{}: '{}' needs a unit (ms or s), e.g. {}ms", what, text, trim(text)));
  } else {
    throw usage_error(
        fmt::format("{}: unknown unit '{}' in '{}' (use us, ms or s)", what, parsed->unit, text));
  }
  if (ms <= 0 || ms > 86'400'000.0) {
    throw usage_error(fmt::format("{}: '{}' must be more than 0 and at most 24 hours", what, text));
  }
  return ms;
}

TokenCount parse_token_count(std::string_view text, std::string_view what, long max) {
  const std::string_view body = trim(text);
  const auto count = [&](std::string_view part) {
    return static_cast<double>(parse_count(trim(part), what, max));
  };
  if (const size_t dots = body.find(".."); dots != std::string_view::npos) {
    const double lo = count(body.substr(0, dots)), hi = count(body.substr(dots + 2));
    if (lo > hi)
      throw usage_error(fmt::format("{}: '{}': the range's minimum exceeds its maximum", what, text));
    return {(lo + hi) / 2.0, (hi - lo) / std::sqrt(12.0)};
  }
  for (std::string_view sep : {std::string_view("\u00b1"), std::string_view("+-")}) {
    if (const size_t at = body.find(sep); at != std::string_view::npos) {
      const double sd_max = static_cast<double>(max);
      const std::string_view sd_text = trim(body.substr(at + sep.size()));
      double sd = 0;
      if (sd_text != "0") sd = parse_positive(sd_text, what, sd_max);
      return {count(body.substr(0, at)), sd};
    }
  }
  return {count(body), 0.0};
}

LatencyTarget parse_latency_target(std::string_view text, std::string_view what) {
  const std::string_view body = trim(text);
  const size_t colon = body.find(':');
  if (colon == std::string_view::npos) return {parse_duration_ms(body, what), 0.0};
  const std::string_view head = body.substr(0, colon);
  if (head.size() < 2 || (head[0] != 'p' && head[0] != 'P')) {
    throw usage_error(fmt::format("{}: '{}' is not a target (expected e.g. 800ms or p90:800ms)", what, text));
  }
  const double p = parse_positive(head.substr(1), what, 100.0);
  if (p >= 100.0) {
    throw usage_error(fmt::format("{}: percentile '{}' must be below 100 (e.g. p99.9)", what, head));
  }
  return {parse_duration_ms(body.substr(colon + 1), what), p};
}

double parse_budget_per_hour(std::string_view text, std::string_view what) {
  std::string_view body = trim(text);
  if (!body.empty() && body.front() == '$') body.remove_prefix(1);
  size_t slash = body.find('/');
  auto fail = [&] {
    return usage_error(fmt::format(
        "{}: '{}' is not a budget (expected USD per hour or month, e.g. 30/h, 20000/month)", what, text));
  };
  if (slash == std::string_view::npos) throw fail();
  auto amount = split_number(body.substr(0, slash));
  if (!amount || !amount->unit.empty()) throw fail();
  std::string period = lower(trim(body.substr(slash + 1)));
  double per_hour = 0;
  if (period == "h" || period == "hr" || period == "hour") {
    per_hour = amount->value;
  } else if (period == "month" || period == "mo") {
    per_hour = amount->value / kHoursPerMonth;
  } else {
    throw fail();
  }
  if (per_hour <= 0 || per_hour > 1e9) {
    throw usage_error(fmt::format("{}: '{}' must be more than 0 and at most 1e9 USD/h", what, text));
  }
  return per_hour;
}

double parse_usd_per_hour(std::string_view text, std::string_view what) {
  std::string_view body = trim(text);
  if (!body.empty() && body.front() == '$') body.remove_prefix(1);
  const size_t slash = body.find('/');
  auto amount = split_number(body.substr(0, slash), true);
  auto fail = [&] {
    return usage_error(fmt::format(
        "{}: '{}' is not a price (expected USD per device-hour, e.g. 2.5, 2.5/h, 1800/month)", what, text));
  };
  if (!amount || !amount->unit.empty()) throw fail();
  double hours = 1;
  if (slash != std::string_view::npos) {
    const std::string period = lower(trim(body.substr(slash + 1)));
    if (period == "month" || period == "mo") {
      hours = kHoursPerMonth;
    } else if (period != "h" && period != "hr" && period != "hour") {
      throw fail();
    }
  }
  return check_positive(amount->value / hours, text, what, kMaxUsdPerDeviceHour);
}

double parse_positive(std::string_view text, std::string_view what, double max) {
  auto parsed = split_number(text, true);
  if (!parsed || !parsed->unit.empty()) {
    throw usage_error(fmt::format("{}: '{}' is not a number", what, text));
  }
  return check_positive(parsed->value, text, what, max);
}

double parse_rate_per_second(std::string_view text, std::string_view what, double max) {
  const std::string_view body = trim(text);
  const size_t slash = body.find('/');
  const std::string_view amount_text = body.substr(0, slash);
  auto amount = split_number(amount_text, true);
  auto fail = [&] {
    return usage_error(
        fmt::format("{}: '{}' is not a rate (expected requests per second, or per s, min, h or day: 50, 1e3, "
                    "2/min, 120/h, 10k/day)",
                    what, text));
  };
  if (!amount) throw fail();
  // "10k": thousands; "2M": millions (the period after the slash is never abbreviated to "m").
  double count = amount->value;
  const std::string multiplier = lower(amount->unit);
  if (multiplier == "k") {
    count *= 1e3;
  } else if (amount->unit == "M") {
    count *= 1e6;
  } else if (!multiplier.empty()) {
    throw fail();
  }
  double seconds = 1;
  if (slash != std::string_view::npos) {
    const std::string period = lower(trim(body.substr(slash + 1)));
    if (period == "s" || period == "sec" || period == "second") {
      seconds = 1;
    } else if (period == "min" || period == "minute") {
      seconds = 60;
    } else if (period == "h" || period == "hr" || period == "hour") {
      seconds = 3600;
    } else if (period == "d" || period == "day") {
      seconds = 86400;
    } else {
      throw fail();
    }
  }
  return check_positive(count / seconds, text, what, max);
}

long parse_count(std::string_view text, std::string_view what, long max) {
  std::string_view body = trim(text);
  long value = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (body.empty() || ec == std::errc::invalid_argument || ptr != body.data() + body.size()) {
    throw usage_error(fmt::format("{}: '{}' is not a whole number", what, text));
  }
  if (ec == std::errc::result_out_of_range || value > max) {
    throw usage_error(fmt::format("{}: '{}' is above the limit of {}", what, text, max));
  }
  if (value < 1) throw usage_error(fmt::format("{}: must be at least 1, got '{}'", what, text));
  return value;
}

std::vector<std::string> split_list(std::string_view text, std::string_view what) {
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item =
        trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    if (item.empty()) throw usage_error(fmt::format("{}: empty item in '{}'", what, text));
    items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

}  // namespace llmhw
