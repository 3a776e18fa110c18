#pragma once
// `estimate --plot FILE.svg --sweep concurrency`: TTFT, TPOT and throughput of one deployment
// against the requests in flight, the curve benchmark sweeps draw, as a self-contained SVG.
#include <string>
#include <vector>

namespace llmhw::render {

struct SweepPoint {
  double concurrency = 0;
  double ttft_ms = 0, tpot_ms = 0;
  double output_tokens_per_s = 0;
};

struct SweepView {
  std::string title;               // "llama-3.1-70b on 4 x h100-sxm (TP=4), fp8"
  std::string subtitle;            // workload and engine
  std::vector<SweepPoint> points;  // by concurrency, ascending
  double kv_limit = 0;             // requests the KV cache holds at once (0 = not drawn)
};

// Deterministic bytes: fixed formatting. Each point is a <circle class="sweep-point"> with
// data-metric (ttft, tpot, throughput), data-concurrency and data-value.
std::string estimate_sweep_svg(const SweepView& v);

}  // namespace llmhw::render
