// Mixed fleets (mixed_fleet.hpp): how prompt lengths are cut at a threshold, checked by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "llmhw/mixed_fleet.hpp"

using namespace llmhw;

namespace {
// --input-tokens 100..8000 as the query keeps it: mean 4050, sd 7900 / sqrt(12).
constexpr double kMean = 4050;
const double kSd = 7900 / std::sqrt(12.0);
}  // namespace

TEST_CASE("a uniform range splits into two uniform ranges at the threshold", "[mixed]") {
  const auto [shorter, longer] = split_lengths(LengthShape::uniform, kMean, kSd, 1680);
  // 1680 is 20% of the way from 100 to 8000: (1680 - 100) / 7900.
  CHECK(shorter.share == Approx(0.2));
  CHECK(longer.share == Approx(0.8));
  CHECK(shorter.flag == "100..1680");
  CHECK(longer.flag == "1680..8000");
  CHECK(shorter.mean == Approx(890));                   // (100 + 1680) / 2
  CHECK(shorter.sd == Approx(1580 / std::sqrt(12.0)));  // 456.1
  CHECK(longer.mean == Approx(4840));                   // (1680 + 8000) / 2
  CHECK(longer.sd == Approx(6320 / std::sqrt(12.0)));   // 1824.4
  // The two halves' means weighted by their shares give back the whole's mean.
  CHECK(shorter.share * shorter.mean + longer.share * longer.mean == Approx(kMean));
}

TEST_CASE("the thresholds are the 20/40/60/80th percentiles in whole tokens", "[mixed]") {
  CHECK(split_thresholds(LengthShape::uniform, kMean, kSd) == std::vector<double>{1680, 3260, 4840, 6420});
  // Normal, mean 1000, sd 100: z = -0.8416, -0.2533, 0.2533, 0.8416 (standard normal tables).
  CHECK(split_thresholds(LengthShape::normal, 1000, 100) == std::vector<double>{916, 975, 1025, 1084});
  CHECK(split_thresholds(LengthShape::uniform, 1024, 0).empty());  // one length: nothing to split
}

TEST_CASE("a normal cut at its mean gives two half-normals", "[mixed]") {
  // Half-normal: mean shifted by sd x sqrt(2/pi) = 797.9, sd = sd x sqrt(1 - 2/pi) = 602.8.
  const auto [shorter, longer] = split_lengths(LengthShape::normal, 2000, 1000, 2000);
  CHECK(shorter.share == Approx(0.5));
  CHECK(longer.share == Approx(0.5));
  CHECK(shorter.mean == 1202);
  CHECK(longer.mean == 2798);
  CHECK(shorter.sd == 603);
  CHECK(longer.sd == 603);
  CHECK(shorter.flag == "1202+-603");
  CHECK(longer.flag == "2798+-603");
}
