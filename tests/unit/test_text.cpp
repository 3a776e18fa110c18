// Number formatting (src/core/text.cpp) and "did you mean" (src/core/suggest.cpp).
#include <catch2/catch.hpp>

#include "llmhw/suggest.hpp"
#include "llmhw/text.hpp"

namespace text = llmhw::text;

TEST_CASE("text::ms picks ms or s", "[text]") {
  CHECK(text::ms(38.2) == "38 ms");
  CHECK(text::ms(4.2) == "4.2 ms");
  CHECK(text::ms(0.8) == "0.8 ms");
  CHECK(text::ms(1250) == "1.25 s");
  CHECK(text::ms(2000) == "2 s");
}

TEST_CASE("text::gb, usd, rate: three significant figures below 100, grouped integers above", "[text]") {
  CHECK(text::gb(141) == "141 GB");
  CHECK(text::gb(0.42) == "0.42 GB");
  CHECK(text::gb(16.06) == "16.1 GB");
  CHECK(text::usd(1234) == "$1,234");
  // Below $1: three significant digits with trailing zeros, never an exponent, so a column of
  // prices reads alike.
  CHECK(text::usd(0.012) == "$0.0120");
  CHECK(text::usd(0.26) == "$0.260");
  CHECK(text::usd(0.205) == "$0.205");
  CHECK(text::usd(0.0000722) == "$0.0000722");
  CHECK(text::usd(0.9996) == "$1.00");
  CHECK(text::usd(2.5) == "$2.50");
  CHECK(text::rate(0.42) == "0.42");
  CHECK(text::rate(1200) == "1,200");
}

TEST_CASE("text::counted agrees the noun with the count", "[text]") {
  CHECK(text::counted(1, "replica") == "1 replica");
  CHECK(text::counted(5, "replica") == "5 replicas");
  CHECK(text::counted(0, "device") == "0 devices");
  CHECK(text::counted(1.2, "concurrent request") == "1 concurrent request");  // rounded first
  CHECK(text::counted(1024, "sequence") == "1,024 sequences");
}

TEST_CASE("text::params uses M, B and T", "[text]") {
  CHECK(text::params(70.6e9) == "70.6B");
  CHECK(text::params(8'030'261'248) == "8.03B");
  CHECK(text::params(1.2e12) == "1.2T");
  CHECK(text::params(671'026'404'352) == "671B");
  CHECK(text::params(500e6) == "500M");
}

TEST_CASE("text::grouped inserts thousands separators", "[text]") {
  CHECK(text::grouped(0) == "0");
  CHECK(text::grouped(999) == "999");
  CHECK(text::grouped(1000) == "1,000");
  CHECK(text::grouped(12345) == "12,345");
  CHECK(text::grouped(1234567.4) == "1,234,567");
  CHECK(text::grouped(-1234567) == "-1,234,567");
}

TEST_CASE("edit_distance is the case-insensitive Levenshtein distance, transpositions one edit",
          "[suggest]") {
  CHECK(llmhw::edit_distance("--qsp", "--qps") == 1);  // s and p swapped
  CHECK(llmhw::edit_distance("--qsp", "--top") == 2);  // q->t, s->o
  CHECK(llmhw::edit_distance("ab", "ba") == 1);
  CHECK(llmhw::edit_distance("kitten", "sitting") == 3);  // k->s, e->i, +g
  CHECK(llmhw::edit_distance("", "abc") == 3);
  CHECK(llmhw::edit_distance("abc", "") == 3);
  CHECK(llmhw::edit_distance("H100", "h100") == 0);
  CHECK(llmhw::edit_distance("h100", "h200") == 1);
  CHECK(llmhw::edit_distance("mi300x", "mi300") == 1);
}

TEST_CASE("nearest_name suggests close names and prefixes", "[suggest]") {
  const std::vector<std::string> names = {"a100-80gb", "h100-sxm", "h200-sxm", "mi300x", "tpu-v5e"};
  CHECK(llmhw::nearest_name("h10", names) == std::optional<std::string>("h100-sxm"));  // prefix
  CHECK(llmhw::nearest_name("mi300", names) == std::optional<std::string>("mi300x"));
  CHECK(llmhw::nearest_name("tpu-v5p", names) == std::optional<std::string>("tpu-v5e"));  // one typo
  CHECK_FALSE(llmhw::nearest_name("gaudi3", names).has_value());                          // nothing alike
  CHECK_FALSE(llmhw::nearest_name("x", {}).has_value());
  // Ties go to the alphabetically first candidate: both are one edit from "h300-sxm".
  CHECK(llmhw::nearest_name("h300-sxm", names) == std::optional<std::string>("h100-sxm"));
}

TEST_CASE("suggestions list every prefix match and rank typos by distance, then size", "[suggest]") {
  using V = std::vector<std::string>;
  const V hardware = {"a100-80gb", "h100-nvl", "h100-pcie", "h100-sxm", "h200-sxm", "mi300x"};
  // An ambiguous prefix: all three H100s, not one of them.
  CHECK(llmhw::suggestions("h100", hardware) == V{"h100-nvl", "h100-pcie", "h100-sxm"});
  CHECK(llmhw::suggestions("H100-", hardware) == V{"h100-nvl", "h100-pcie", "h100-sxm"});  // any case
  // Both are one edit from "h300-sxm".
  CHECK(llmhw::suggestions("h300-sxm", hardware) == V{"h100-sxm", "h200-sxm"});
  CHECK(llmhw::suggestions("gaudi3", hardware).empty());
  CHECK(llmhw::suggestions("", hardware).empty());
  // "7b" is one edit from both 8b and 70b; the size token puts 8b (7/8) before 70b (7/70).
  const V models = {"llama-2-7b", "llama-3.1-405b", "llama-3.1-70b", "llama-3.1-8b"};
  CHECK(llmhw::suggestions("llama-3.1-7b", models) == V{"llama-3.1-8b", "llama-3.1-70b"});
  CHECK(llmhw::nearest_name("llama-3.1-7b", models) == std::optional<std::string>("llama-3.1-8b"));
  CHECK(llmhw::suggestions("llama-3.1-60b", models) == V{"llama-3.1-70b"});  // 8b is two edits away
}

TEST_CASE("did_you_mean joins names as a sentence", "[suggest]") {
  CHECK(llmhw::did_you_mean({}).empty());
  CHECK(llmhw::did_you_mean({"a"}) == "did you mean 'a'?");
  CHECK(llmhw::did_you_mean({"a", "b"}) == "did you mean 'a' or 'b'?");
  CHECK(llmhw::did_you_mean({"a", "b", "c"}) == "did you mean 'a', 'b' or 'c'?");
}

TEST_CASE("text formats are chosen after rounding, and long durations stay readable", "[text]") {
  // 1,234,567 ms = 1234.567 s: a grouped integer of seconds, never scientific notation.
  CHECK(llmhw::text::ms(1234567) == "1,235 s");
  // 999.6 ms rounds to 3 significant figures as 1000 ms = 1 s.
  CHECK(llmhw::text::ms(999.6) == "1 s");
  // 99.96 rounds to 100: printed as the integer 100, not "100.0".
  CHECK(llmhw::text::gb(99.96) == "100 GB");
  // 9.996 rounds to 10.0 (3 significant figures).
  CHECK(llmhw::text::usd(9.996) == "$10.0");
  // -0.4 rounds to 0, which has no sign.
  CHECK(llmhw::text::grouped(-0.4) == "0");
}
