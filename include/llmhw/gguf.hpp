#pragma once
// How llama.cpp stores a quantized model on a CPU (GGUF). llmhw serves CPUs with llama.cpp
// (docs/hardware-profiles.md "CPU slices"), whose quantized files differ from the GPU formats
// that weight_bytes_per_param() describes: blocks of 32 or 256 weights with their own scales, and
// an LM head that is quantized too, not kept at 16 bits.
#include <optional>

#include "llmhw/hardware.hpp"
#include "llmhw/precision.hpp"

namespace llmhw {

struct GgufBytes {
  const char* format;  // the GGUF file type a precision stands for on a CPU
  double body;         // bytes per weight of the transformer layers
  double head;         // bytes per weight of the LM head (the embedding where it is tied)
  double embedding;    // bytes per weight of an untied token embedding (kept, not streamed)
};

// The GGUF layout a CPU runs a precision in: int8 as Q8_0, int4 as Q4_0 (as --emit llama.cpp makes them);
// nullopt for other precisions and for devices that are not CPUs (whose formats weight_bytes_per_param
// gives).
std::optional<GgufBytes> gguf_bytes(const Hardware& hw, Precision weights);

}  // namespace llmhw
