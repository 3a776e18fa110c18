// Device profiles and precisions (src/core/hardware.cpp, src/core/precision.cpp).
#include <catch2/catch.hpp>

#include "llmhw/hardware.hpp"
#include "llmhw/precision.hpp"
#include "test_shapes.hpp"

using llmhw::Precision;

TEST_CASE("Hardware::price is the lowest per-device rate of the pricing mode, whoever lists it",
          "[hardware]") {
  llmhw::Hardware hw = llmhw_test::round_gpu("priced", 0.0);
  const auto add = [&](const char* pricing, double usd, const char* provider) {
    llmhw::Price p;
    p.pricing = pricing;
    p.usd_per_device_hour = usd;
    p.provider = provider;
    hw.prices.push_back(p);
  };
  CHECK(hw.price("on-demand") == nullptr);
  add("on-demand", 1.50, "neocloud");
  add("on-demand", 4.00, "gcp");
  add("on-demand", 3.00, "azure");
  add("spot", 0.90, "aws");
  const llmhw::Price* p = hw.price("on-demand");
  REQUIRE(p != nullptr);
  // One price basis for every device: what a buyer shopping around pays (issue 17).
  CHECK(p->provider == "neocloud");
  CHECK(p->usd_per_device_hour == 1.50);
  REQUIRE(hw.price("spot") != nullptr);
  CHECK(hw.price("spot")->usd_per_device_hour == 0.90);
  CHECK(hw.price("reserved") == nullptr);
}

TEST_CASE("peak_tflops and device kinds", "[hardware]") {
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  REQUIRE(hw.peak_tflops(Precision::bf16).has_value());
  CHECK(*hw.peak_tflops(Precision::bf16) == 100.0);
  CHECK_FALSE(hw.peak_tflops(Precision::fp8).has_value());
  for (llmhw::DeviceKind k : {llmhw::DeviceKind::cpu, llmhw::DeviceKind::gpu, llmhw::DeviceKind::tpu,
                              llmhw::DeviceKind::accelerator}) {
    CHECK(llmhw::parse_device_kind(llmhw::to_string(k)) == k);
  }
  CHECK(llmhw::to_string(llmhw::DeviceKind::accelerator) == "accelerator");
  CHECK_FALSE(llmhw::parse_device_kind("GPU").has_value());
  CHECK_FALSE(llmhw::parse_device_kind("fpga").has_value());
}

TEST_CASE("precision names and bytes", "[precision]") {
  for (Precision p : llmhw::kAllPrecisions) CHECK(llmhw::parse_precision(llmhw::to_string(p)) == p);
  CHECK_FALSE(llmhw::parse_precision("int2").has_value());
  CHECK(llmhw::element_bytes(Precision::fp32) == 4.0);
  CHECK(llmhw::element_bytes(Precision::bf16) == 2.0);
  CHECK(llmhw::element_bytes(Precision::fp8) == 1.0);
  CHECK(llmhw::element_bytes(Precision::int4) == 0.5);
  // Quantization scales: int4 one fp16 scale per 128 weights: 0.5 + 2/128 = 0.515625;
  // fp4 (NVFP4) one fp8 scale per 16 weights: 0.5 + 1/16 = 0.5625; 8-bit scales are negligible.
  CHECK(llmhw::weight_bytes_per_param(Precision::int4) == Approx(0.515625));
  CHECK(llmhw::weight_bytes_per_param(Precision::fp4) == Approx(0.5625));
  CHECK(llmhw::weight_bytes_per_param(Precision::int8) == 1.0);
  CHECK(llmhw::weight_bytes_per_param(Precision::bf16) == 2.0);
  CHECK(llmhw::is_wide_float(Precision::fp16));
  CHECK_FALSE(llmhw::is_wide_float(Precision::fp8));
}
