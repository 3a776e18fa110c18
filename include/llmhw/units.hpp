#pragma once
// Parsers for the quantities users type: model sizes, durations, money rates, counts.
// Each throws a usage Error naming the flag (`what`) and the accepted form.
#include <string>
#include <string_view>
#include <vector>

namespace llmhw {

// Hard limits on user quantities (README "Limits"): large enough for any real deployment,
// small enough that no arithmetic downstream overflows or loses meaning.
inline constexpr double kMaxQps = 1e9;
inline constexpr long kMaxTokens = 10'000'000;
inline constexpr double kMaxModelParams = 1e14;  // 100T
inline constexpr double kMinModelParams = 5e8;   // 0.5B: below, embeddings dominate the shape

// "70b", "1.5B", "405b", "1t", "350m" -> parameters.
double parse_model_size(std::string_view text, std::string_view what);
// Whether the text has the shape of a size ("70b"), as opposed to a catalog id.
bool looks_like_model_size(std::string_view text);
// "500ms", "2s", "1.5s", "800us" -> milliseconds. A bare number is rejected: ambiguous (the
// message offers "0.8s (800 ms)" for a small one).
double parse_duration_ms(std::string_view text, std::string_view what);
// "30/h", "$30/hour", "20000/month" -> USD per hour (a month is 730 hours).
double parse_budget_per_hour(std::string_view text, std::string_view what);
// One device's price: "2.5", "$2.5/h", "2.5/hour" (USD per hour) or "1800/month" (730 h), > 0
// and at most kMaxUsdPerDeviceHour.
inline constexpr double kMaxUsdPerDeviceHour = 1e6;
double parse_usd_per_hour(std::string_view text, std::string_view what);
// A finite number > 0 and <= max ("50", "2.5", "1e3").
double parse_positive(std::string_view text, std::string_view what, double max);
// A request rate -> per second, > 0 and <= max: "50" (per second), "1e3", "2/min", "120/h",
// "10k/day", "3/s"; k = thousand, M = million.
double parse_rate_per_second(std::string_view text, std::string_view what, double max);
// A whole number in [1, max].
long parse_count(std::string_view text, std::string_view what, long max);
// A request length as users give it: "1024" (every request), "1024±256" or "1024+-256" (mean and
// standard deviation), "512..2048" (uniform between the two). Counts are whole numbers in
// [1, max]; the mean is kept, the spread becomes a standard deviation (uniform: (max-min)/sqrt 12).
struct TokenCount {
  double mean = 0;
  double sd = 0;
};
TokenCount parse_token_count(std::string_view text, std::string_view what, long max);
// A latency target: "800ms" is a mean; "p90:800ms" a percentile (0 < p < 100).
struct LatencyTarget {
  double ms = 0;
  double percentile = 0;  // 0 = the mean
};
LatencyTarget parse_latency_target(std::string_view text, std::string_view what);
// "a,b,c" -> {"a","b","c"}; empty items are an error.
std::vector<std::string> split_list(std::string_view text, std::string_view what);

inline constexpr double kHoursPerMonth = 730.0;

}  // namespace llmhw
