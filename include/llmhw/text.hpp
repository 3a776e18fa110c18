#pragma once
// Number formatting shared by reasons and renderers, so a figure reads the same everywhere.
#include <string>
#include <string_view>

namespace llmhw::text {

std::string ms(double milliseconds);               // "38 ms", "4.2 ms", "1.25 s"
std::string gb(double gigabytes);                  // "141 GB", "0.42 GB"
std::string usd(double dollars);                   // "$12.3", "$1,234", "$0.260", "$0.0120"
std::string params(double parameters);             // "70.6B", "8.03B", "1.2T"
std::string rate(double per_second);               // "50 req/s" style number: "7.6", "0.42", "1,200"
std::string grouped(double value);                 // 12,345 (rounded to an integer)
std::string percentile_prefix(double percentile);  // "p99 " for a percentile target, "" for the mean
// "1 replica", "5 replicas", "1,024 sequences": a count (rounded, grouped) with its noun, whose
// plural adds an s.
std::string counted(double n, std::string_view noun);

// v rounded to `digits` significant digits (0 and non-finite values unchanged).
double round_significant(double v, int digits);

}  // namespace llmhw::text
