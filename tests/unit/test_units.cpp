// Parsers of user quantities (src/core/units.cpp).
#include <catch2/catch.hpp>

#include "llmhw/error.hpp"
#include "llmhw/units.hpp"

using Catch::Matchers::Contains;
using llmhw::Error;

namespace {
llmhw::ExitCode code_of(void (*fn)()) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return llmhw::ExitCode::ok;
}
}  // namespace

TEST_CASE("parse_model_size reads b, m and t suffixes", "[units]") {
  CHECK(llmhw::parse_model_size("70b", "--model") == Approx(70e9));
  CHECK(llmhw::parse_model_size("1.5B", "--model") == Approx(1.5e9));
  CHECK(llmhw::parse_model_size("1t", "--model") == Approx(1e12));
  CHECK(llmhw::parse_model_size("405B", "--model") == Approx(405e9));
  CHECK(llmhw::parse_model_size("750m", "--model") == Approx(750e6));
  CHECK(llmhw::parse_model_size(" 8b ", "--model") == Approx(8e9));  // surrounding spaces
  // The limits are inclusive: 0.5b = 5e8 and 100t = 1e14.
  CHECK(llmhw::parse_model_size("0.5b", "--model") == Approx(5e8));
  CHECK(llmhw::parse_model_size("100t", "--model") == Approx(1e14));
}

TEST_CASE("parse_model_size rejects malformed and out-of-range sizes", "[units]") {
  for (const char* bad : {"70bb", "", "-5", "nan", "inf", "1e3b", "70", "b", "7 0b", "1.2.3b", "70g", "."}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_AS(llmhw::parse_model_size(bad, "--model"), Error);
  }
  CHECK_THROWS_WITH(llmhw::parse_model_size("70bb", "--model"),
                    Contains("--model") && Contains("not a model size"));
  // 0.4b = 4e8 < 5e8 and 101t = 1.01e14 > 1e14.
  CHECK_THROWS_WITH(llmhw::parse_model_size("0.4b", "--model"), Contains("outside"));
  CHECK_THROWS_WITH(llmhw::parse_model_size("101t", "--model"), Contains("outside"));
  CHECK(code_of([] { llmhw::parse_model_size("70bb", "--model"); }) == llmhw::ExitCode::usage);
}

TEST_CASE("looks_like_model_size tells sizes from catalog ids", "[units]") {
  CHECK(llmhw::looks_like_model_size("70b"));
  CHECK(llmhw::looks_like_model_size("1.5B"));
  CHECK_FALSE(llmhw::looks_like_model_size("llama-3.1-8b"));
  CHECK_FALSE(llmhw::looks_like_model_size("qwen3-8b"));
  CHECK_FALSE(llmhw::looks_like_model_size("70"));
}

TEST_CASE("parse_duration_ms converts us, ms and s to milliseconds", "[units]") {
  CHECK(llmhw::parse_duration_ms("500ms", "--ttft") == Approx(500.0));
  CHECK(llmhw::parse_duration_ms("2s", "--ttft") == Approx(2000.0));      // 2 x 1000
  CHECK(llmhw::parse_duration_ms("1.5s", "--ttft") == Approx(1500.0));    // 1.5 x 1000
  CHECK(llmhw::parse_duration_ms("800us", "--tpot") == Approx(0.8));      // 800 / 1000
  CHECK(llmhw::parse_duration_ms("50MS", "--tpot") == Approx(50.0));      // units are case-insensitive
  CHECK(llmhw::parse_duration_ms("86400s", "--ttft") == Approx(86.4e6));  // 24 h is the limit, inclusive
}

TEST_CASE("parse_duration_ms rejects missing or unknown units and non-positive values", "[units]") {
  CHECK_THROWS_WITH(llmhw::parse_duration_ms("500", "--ttft"),
                    Contains("'500' needs a unit (ms or s), e.g. 500ms"));
  // A small bare number is likely seconds: both readings, seconds first, with the milliseconds.
  CHECK_THROWS_WITH(llmhw::parse_duration_ms("0.8", "--ttft"),
                    Contains("'0.8' needs a unit: 0.8s (800 ms) or 0.8ms"));
  CHECK_THROWS_WITH(llmhw::parse_duration_ms("2", "--e2e"),
                    Contains("'2' needs a unit: 2s (2,000 ms) or 2ms"));
  CHECK_THROWS_WITH(llmhw::parse_duration_ms("500sm", "--ttft"), Contains("unknown unit"));
  CHECK_THROWS_WITH(llmhw::parse_duration_ms("0ms", "--ttft"), Contains("more than 0"));
  CHECK_THROWS_WITH(llmhw::parse_duration_ms("86401s", "--ttft"), Contains("24 hours"));
  for (const char* bad : {"", "-5ms", "ms", "nan", "infms", "1e3ms", "5h"}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_AS(llmhw::parse_duration_ms(bad, "--ttft"), Error);
  }
}

TEST_CASE("parse_budget_per_hour converts hourly and monthly budgets to USD per hour", "[units]") {
  CHECK(llmhw::parse_budget_per_hour("30/h", "--budget") == Approx(30.0));
  CHECK(llmhw::parse_budget_per_hour("$30/hour", "--budget") == Approx(30.0));
  CHECK(llmhw::parse_budget_per_hour("12.5/hr", "--budget") == Approx(12.5));
  // A month is 730 hours (8760 h / 12): 20000 / 730 = 27.397... USD/h.
  CHECK(llmhw::parse_budget_per_hour("20000/month", "--budget") == Approx(20000.0 / 730.0));
  CHECK(llmhw::parse_budget_per_hour("$7300/mo", "--budget") == Approx(10.0));  // 7300 / 730
}

TEST_CASE("parse_budget_per_hour rejects budgets without a period or amount", "[units]") {
  for (const char* bad : {"30", "30/day", "$/h", "/h", "0/h", "-5/h", "30$/h", "abc/h", "30/", ""}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_AS(llmhw::parse_budget_per_hour(bad, "--budget"), Error);
  }
  CHECK_THROWS_WITH(llmhw::parse_budget_per_hour("30", "--budget"), Contains("not a budget"));
}

TEST_CASE("parse_count accepts whole numbers in [1, max]", "[units]") {
  CHECK(llmhw::parse_count("8", "--top", 100) == 8L);
  CHECK(llmhw::parse_count(" 4 ", "--top", 100) == 4L);
  CHECK(llmhw::parse_count("100", "--top", 100) == 100L);
  CHECK_THROWS_WITH(llmhw::parse_count("0", "--top", 100), Contains("at least 1"));
  CHECK_THROWS_WITH(llmhw::parse_count("-3", "--top", 100), Contains("at least 1"));
  CHECK_THROWS_WITH(llmhw::parse_count("101", "--top", 100), Contains("above the limit"));
  CHECK_THROWS_WITH(llmhw::parse_count("99999999999999999999999", "--top", 100), Contains("above the limit"));
  for (const char* bad : {"", "1.5", "3x", "x3", "1e2"}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_WITH(llmhw::parse_count(bad, "--top", 100), Contains("not a whole number"));
  }
}

TEST_CASE("parse_positive accepts finite numbers above 0 up to max", "[units]") {
  CHECK(llmhw::parse_positive("2.5", "--qps", 10) == Approx(2.5));
  CHECK(llmhw::parse_positive("10", "--qps", 10) == Approx(10.0));
  CHECK(llmhw::parse_positive("0.001", "--qps", 10) == Approx(0.001));
  CHECK(llmhw::parse_positive("1e3", "--qps", 1e9) == Approx(1000.0));  // scientific notation
  CHECK(llmhw::parse_positive("2.5E-2", "--qps", 1e9) == Approx(0.025));
  CHECK_THROWS_WITH(llmhw::parse_positive("0", "--qps", 10), Contains("must be > 0, got '0'"));
  // A negative number is a number, and gets the range message, not "not a number".
  CHECK_THROWS_WITH(llmhw::parse_positive("-1", "--qps", 10), Contains("must be > 0, got '-1'"));
  CHECK_THROWS_WITH(llmhw::parse_positive("10.5", "--qps", 10), Contains("above the limit"));
  CHECK_THROWS_WITH(llmhw::parse_positive("1e3", "--qps", 10), Contains("above the limit"));
  for (const char* bad : {"", "abc", "5x", "1e", "1e+", "e3", "nan", "inf", "1e400", "0x10"}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_AS(llmhw::parse_positive(bad, "--qps", 10), Error);
  }
}

TEST_CASE("parse_rate_per_second reads a count per s, min, h or day", "[units]") {
  using llmhw::parse_rate_per_second;
  CHECK(parse_rate_per_second("50", "--qps", 1e9) == Approx(50.0));
  CHECK(parse_rate_per_second("1e3", "--qps", 1e9) == Approx(1000.0));
  CHECK(parse_rate_per_second("3/s", "--qps", 1e9) == Approx(3.0));
  CHECK(parse_rate_per_second("2/min", "--qps", 1e9) == Approx(2.0 / 60));        // 0.0333 per second
  CHECK(parse_rate_per_second("120/h", "--qps", 1e9) == Approx(120.0 / 3600));    // 0.0333
  CHECK(parse_rate_per_second("10k/day", "--qps", 1e9) == Approx(10e3 / 86400));  // 0.1157
  CHECK(parse_rate_per_second("1.5M/day", "--qps", 1e9) == Approx(1.5e6 / 86400));
  CHECK(parse_rate_per_second(" 60 / Hour ", "--qps", 1e9) == Approx(60.0 / 3600));
  CHECK_THROWS_WITH(parse_rate_per_second("-1", "--qps", 1e9), Contains("--qps: must be > 0, got '-1'"));
  CHECK_THROWS_WITH(parse_rate_per_second("0/min", "--qps", 1e9), Contains("must be > 0"));
  CHECK_THROWS_WITH(parse_rate_per_second("2e9", "--qps", 1e9), Contains("above the limit of 1e+09"));
  for (const char* bad : {"", "abc", "2/week", "2/", "/min", "10x/day", "2m/min", "nan"}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_WITH(parse_rate_per_second(bad, "--qps", 1e9), Contains("is not a rate"));
  }
}

TEST_CASE("parse_usd_per_hour reads a device price per hour or month", "[units]") {
  CHECK(llmhw::parse_usd_per_hour("2.5", "--price") == Approx(2.5));
  CHECK(llmhw::parse_usd_per_hour("$2.5/h", "--price") == Approx(2.5));
  CHECK(llmhw::parse_usd_per_hour("3/hour", "--price") == Approx(3.0));
  CHECK(llmhw::parse_usd_per_hour("1825/month", "--price") == Approx(2.5));  // 1825 / 730
  CHECK_THROWS_WITH(llmhw::parse_usd_per_hour("0", "--price"), Contains("must be > 0"));
  for (const char* bad : {"", "abc", "2.5/day", "2.5x", "$/h"}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_WITH(llmhw::parse_usd_per_hour(bad, "--price"), Contains("is not a price"));
  }
}

TEST_CASE("split_list splits on commas, trims items and rejects empty ones", "[units]") {
  CHECK(llmhw::split_list("a,b,c", "--hw") == std::vector<std::string>{"a", "b", "c"});
  CHECK(llmhw::split_list(" h100-sxm , mi300x ", "--hw") == std::vector<std::string>{"h100-sxm", "mi300x"});
  CHECK(llmhw::split_list("one", "--hw") == std::vector<std::string>{"one"});
  for (const char* bad : {"", "a,,b", "a,", ",a", " , "}) {
    INFO("input: '" << bad << "'");
    CHECK_THROWS_WITH(llmhw::split_list(bad, "--hw"), Contains("empty item"));
  }
}
