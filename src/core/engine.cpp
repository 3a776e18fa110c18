// What the serving engines do by default that the estimate depends on: the KV precision they
// pick (--kv-precision auto) and the memory they give the KV cache (docs/estimation.md "Engines").
#include <fmt/format.h>

#include "llmhw/estimate.hpp"

namespace llmhw {

KvChoice auto_kv_precision(const Model& m, Precision weights, const EngineLimits& engine,
                           std::string_view engine_name) {
  // Every engine follows a KV quantization the checkpoint declares: TensorRT-LLM and SGLang read
  // ModelOpt's kv_cache_quant_algo and llm-compressor's kv_cache_scheme; vLLM loads the scales
  // of either.
  if (m.checkpoint_kv_precision) {
    return {*m.checkpoint_kv_precision,
            fmt::format("{} KV cache, as the checkpoint declares ({})", to_string(*m.checkpoint_kv_precision),
                        m.quantization_method.empty() ? "quantization config" : m.quantization_method)};
  }
  const bool quantized = weights == Precision::fp8 || weights == Precision::fp4;
  if (quantized && engine.kv_with_quantized_weights) {
    return {
        *engine.kv_with_quantized_weights,
        fmt::format("{} KV cache, as {} runs {} checkpoints (NVIDIA's ModelOpt checkpoints declare fp8 KV)",
                    to_string(*engine.kv_with_quantized_weights), engine_name, to_string(weights))};
  }
  return {Precision::bf16, fmt::format("bf16 KV cache, the model's 16-bit dtype ({}kv_cache_dtype \"auto\")",
                                       engine_name.empty() ? "" : std::string(engine_name) + " ")};
}

Efficiency with_engine_memory(const Efficiency& eff, const EngineLimits& engine) {
  Efficiency e = eff;
  if (engine.memory_fraction > 0) {
    e.usable_memory_fraction = engine.memory_fraction;
    e.usable_fraction_of_free = engine.memory_fraction_of_free;
  }
  return e;
}

}  // namespace llmhw
