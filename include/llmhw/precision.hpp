#pragma once
// Numeric formats of weights, KV cache and matrix units.
#include <array>
#include <optional>
#include <string_view>

namespace llmhw {

enum class Precision { fp32, bf16, fp16, fp8, int8, fp4, int4 };

inline constexpr std::array<Precision, 7> kAllPrecisions = {Precision::fp32, Precision::bf16, Precision::fp16,
                                                            Precision::fp8,  Precision::int8, Precision::fp4,
                                                            Precision::int4};

std::string_view to_string(Precision p);
std::optional<Precision> parse_precision(std::string_view text);

// Bytes of one stored element, without quantization scales.
double element_bytes(Precision p);

// Bytes per weight including the scales a quantized checkpoint stores:
// int4: one fp16 scale per group of 128 weights (AWQ/GPTQ default group size) = +2/128 byte;
// fp4: one fp8 scale per block of 16 (NVFP4, NVIDIA TensorRT Model Optimizer docs) = +1/16 byte;
// fp8/int8: per-channel or per-tensor scales, negligible.
double weight_bytes_per_param(Precision p);

// Whether the format is a 16-bit or wider float (weights used as they are).
bool is_wide_float(Precision p);

}  // namespace llmhw
