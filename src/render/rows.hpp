#pragma once
// The cells of each table output, shared by the text table and the Markdown renderer so that
// both show the same figures. The first row is the header.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llmhw/render.hpp"
#include "llmhw/render_estimate.hpp"
#include "llmhw/render_models.hpp"

namespace llmhw::render {

using Rows = std::vector<std::vector<std::string>>;

// What a recommend answer is for: model, load and targets, one line each; with precision
// auto, the precisions it chose for the rows shown.
std::vector<std::string> recommend_preamble(const RecommendContext& ctx, const RecommendResult& result);
// The ranked deployments, at most `shown` of them; latencies at the targets' percentiles.
Rows recommend_rows(const RecommendResult& result, const RecommendContext& ctx, size_t shown);
// Their costs: per hour, per month (730 h), per request, per 1M output tokens, per 1M tokens in
// and out, and the energy they draw.
Rows recommend_cost_rows(const RecommendResult& result, const RecommendContext& ctx, size_t shown);

// What an estimate is for: deployment and workload, one line each.
std::vector<std::string> estimate_preamble(const EstimateView& v);
// KV cache in use per device at the estimate's concurrency.
double kv_gb_in_use(const EstimateView& v);
// The load an estimate ran at, in words: "64 concurrent requests (closed loop)", "8 requests/s ...".
std::string load_text(const EstimateView& v);
// Sequences the deployment runs at once: what the KV cache admits, capped by the engine's slots.
double concurrency_limit(const EstimateView& v);
// Labelled figures: memory, TTFT, TPOT, throughput, bottleneck (no header row).
Rows estimate_rows(const EstimateView& v);

Rows hardware_list_rows(const std::vector<Hardware>& catalog);
// Labelled figures of one profile with their sources (no header row).
Rows hardware_show_rows(const nlohmann::ordered_json& profile, const std::string& origin);

// "MoE 256x top-8", "MLA", "GQA 8/64", ...: what sets a model apart, for lists.
std::vector<std::string> model_features(const Model& m);
Rows models_list_rows(const std::vector<ModelInfo>& models);
// Labelled figures of one model (no header row).
Rows model_show_rows(const ModelInfo& info);

}  // namespace llmhw::render
