// GGUF bits per weight, from the block layouts of ggml (ggml/src/ggml-common.h, block_q8_0,
// block_q4_K, block_q6_K) and the tensor types llama.cpp's quantizer picks per file type
// (src/llama-quant.cpp, llama_tensor_get_type):
// - Q8_0: 32 int8 weights and one fp16 scale per block, 34 bytes / 32 = 8.5 bits. A Q8_0 file
//   keeps the output tensor at Q8_0 (the quantizer moves it to Q6_K only for other types).
// - Q4_0: 32 4-bit weights and one fp16 scale per block, 18 bytes / 32 = 4.5 bits; the output
//   tensor (or the token embedding where the model ties it to the output) becomes Q6_K, an untied
//   token embedding stays Q4_0. `--emit llama.cpp` quantizes int4 to Q4_0 (src/render/
//   emit_engine.cpp), and Q4_0 is the type llama.cpp's Arm kernels repack (KleidiAI, i8mm).
// - Q4_K: super-blocks of 256 weights, 128 bytes of 4-bit quants + 12 bytes of 6-bit sub-block
//   scales and mins + two fp16 (d, dmin) = 144 bytes / 256 = 4.5 bits.
// - Q6_K: 128 bytes of low 4 bits + 64 bytes of high 2 bits + 16 int8 scales + one fp16 =
//   210 bytes / 256 = 6.5625 bits.
// For reference (not a precision of its own here; a Q4_K_M run is predicted as Q4_0):
// - Q4_K_M: Q4_K, with attn_v and ffn_down at Q6_K in the layers use_more_bits() picks (the
//   first and last eighth and every third between: half of them). In Llama-3.1-8B that is 14% of
//   the layer weights (attn_v 4.2 M + ffn_down 58.7 M of 218 M per layer, in half the layers):
//   4.5 + 0.144 x 2.0625 = 4.80 bits. Check: the Q4_K_M file of Llama-3.1-8B is 4.58 GiB (llama.cpp
//   PR 15277, data/calibration/cpu_threads_llamacpp.csv) = 4.92 GB; the Q6_K output (525 M x
//   6.5625 bits = 0.43 GB) and the Q4_K embedding (525 M x 4.5 bits = 0.30 GB) leave 4.19 GB for
//   6.98 B layer weights: 4.80 bits.
#include "llmhw/gguf.hpp"

namespace llmhw {

std::optional<GgufBytes> gguf_bytes(const Hardware& hw, Precision weights) {
  if (hw.kind != DeviceKind::cpu) return std::nullopt;
  constexpr double kQ8_0 = 34.0 / 32.0, kQ4_0 = 18.0 / 32.0, kQ6_K = 210.0 / 256.0;
  switch (weights) {
    case Precision::int8:
      return GgufBytes{"Q8_0", kQ8_0, kQ8_0, kQ8_0};
    case Precision::int4:
      return GgufBytes{"Q4_0", kQ4_0, kQ6_K, kQ4_0};
    default:
      return std::nullopt;
  }
}

}  // namespace llmhw
