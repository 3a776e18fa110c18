#pragma once
// llama.cpp's K-quant file types (Q4_K_M, Q3_K_M): a mix of block types per tensor, so their bits
// per weight depend on the model's shapes. src/core/gguf_mix.cpp derives them from ggml's block
// sizes and llama.cpp's per-tensor rules, each cited there.
#include <optional>
#include <string_view>

#include "llmhw/gguf.hpp"
#include "llmhw/model.hpp"
#include "llmhw/precision.hpp"

namespace llmhw {

// A GGUF file type as llama-quantize names it. Q4_K and Q3_K are its aliases for Q4_K_M and
// Q3_K_M (tools/quantize: "alias for Q4_K_M").
enum class GgufFileType { q8_0, q4_0, q4_k_m, q3_k_m };

std::string_view to_string(GgufFileType t);
// Case-insensitive: "Q4_K_M", "q4_k_m", "Q4_K"; nullopt for other names.
std::optional<GgufFileType> parse_gguf_file_type(std::string_view text);

// The llmhw precision a file type belongs to: int8 for Q8_0, int4 for the 3- and 4-bit types (it
// selects the compute path; the bytes come from gguf_layout).
Precision gguf_precision(GgufFileType t);

// Bytes per weight of the layers, the LM head and an untied embedding in a file of this type made
// from `m` by llama-quantize (without an importance matrix or overrides). nullopt for layouts
// whose per-tensor rules are not modelled here: MoE, MLA, linear-attention and Mamba models.
std::optional<GgufBytes> gguf_layout(const Model& m, GgufFileType t);

}  // namespace llmhw
