#include "llmhw/precision.hpp"

namespace llmhw {

std::string_view to_string(Precision p) {
  switch (p) {
    case Precision::fp32:
      return "fp32";
    case Precision::bf16:
      return "bf16";
    case Precision::fp16:
      return "fp16";
    case Precision::fp8:
      return "fp8";
    case Precision::int8:
      return "int8";
    case Precision::fp4:
      return "fp4";
    case Precision::int4:
      return "int4";
  }
  return "?";
}

std::optional<Precision> parse_precision(std::string_view text) {
  for (Precision p : kAllPrecisions) {
    if (to_string(p) == text) return p;
  }
  return std::nullopt;
}

double element_bytes(Precision p) {
  switch (p) {
    case Precision::fp32:
      return 4.0;
    case Precision::bf16:
    case Precision::fp16:
      return 2.0;
    case Precision::fp8:
    case Precision::int8:
      return 1.0;
    case Precision::fp4:
    case Precision::int4:
      return 0.5;
  }
  return 2.0;
}

double weight_bytes_per_param(Precision p) {
  switch (p) {
    case Precision::int4:
      return 0.5 + 2.0 / 128.0;
    case Precision::fp4:
      return 0.5 + 1.0 / 16.0;
    default:
      return element_bytes(p);
  }
}

bool is_wide_float(Precision p) {
  return p == Precision::fp32 || p == Precision::bf16 || p == Precision::fp16;
}

}  // namespace llmhw
