#pragma once
// The experts' token exchange (MoE dispatch and combine) across nodes, as decoding engines run it
// when attention data parallelism spreads a replica over more devices than one fast (NVLink)
// domain: SGLang with --moe-a2a-backend deepep (DeepEP's low-latency kernels, pure RDMA) and
// TensorRT-LLM's wide expert parallelism send each token's activations to the ranks of its top-k
// experts over the scale-out network in every MoE layer, and gather the outputs back.
namespace llmhw {

// Fixed cost of one cross-node dispatch or combine, from DeepEP's published low-latency numbers
// (github.com/deepseek-ai/DeepEP, docs/legacy.md "Low-latency kernels with pure RDMA": H800, CX7
// 400 Gb/s ~50 GB/s, 128 tokens per rank, hidden 7168, top-8, FP8 dispatch, BF16 combine):
// dispatch 118/155/173 us and combine 195/273/314 us at 16/32/64 ranks. Less each rank's remote
// bytes at 50 GB/s (128 x 8 copies of 7,392 B dispatched or 14,336 B combined, the (EP - 8) / EP
// share on other nodes) leaves 41-42 us per dispatch and 48-57 us per combine; their mean, 47 us.
inline constexpr double kInternodeExchangeLatencyUs = 47.0;

// One cross-node dispatch or combine: the fixed cost plus the rank's bytes bound for other nodes
// at `bytes_per_second` of scale-out bandwidth (0 or less: the fixed cost alone).
inline double internode_exchange_seconds(double remote_bytes, double bytes_per_second) {
  const double wire = bytes_per_second > 0 ? remote_bytes / bytes_per_second : 0.0;
  return kInternodeExchangeLatencyUs * 1e-6 + wire;
}

}  // namespace llmhw
