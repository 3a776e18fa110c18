#pragma once
// `--emit` on recommend and estimate: from an evaluated deployment to the render::EmitPlan the
// emitters print (src/render/emit_*.cpp).
#include <optional>
#include <string>

#include "cli/model_lookup.hpp"
#include "llmhw/calibration.hpp"
#include "llmhw/load_profile.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render_emit.hpp"
#include "llmhw/render_estimate.hpp"

namespace llmhw::cli {

// "" = no --emit; otherwise the target, or a usage error naming --emit.
std::optional<render::EmitTarget> emit_target(const std::string& text);

// The engine whose defaults the emitted flags start from: the target, or for k8s the engine the
// pods run (`engine`, else vLLM; llama.cpp on CPUs).
std::string emit_engine(render::EmitTarget target, const std::string& engine, const Hardware& hw);

// What the engine loads: the catalog's Hugging Face id, else the model's id.
std::string model_ref(const ResolvedModel& m);

// Recommendation `rank` (1-based) of a recommend answer. max_num_seqs is the per-replica
// concurrency at capacity (the most running requests that still meet the latency targets), per
// attention data-parallel group; the step holds the engine's default tokens or a whole prompt.
render::EmitPlan plan_from_recommendation(const Recommendation& r, const Query& q, const std::string& ref,
                                          int rank, const Calibration& calibration,
                                          const std::string& engine);

// --load-profile: the plan's k8s manifest also autoscales, between the day plan's fewest and most
// replicas (its schedule), and the header names the profile's ranking.
void add_day_plan(render::EmitPlan& p, const Evaluation& at_peak, const DayPlan& day,
                  const LoadProfile& profile);

// The estimate as computed: its memory plan, the engine limits it ran with, its prediction.
render::EmitPlan plan_from_estimate(const render::EstimateView& v, const EngineLimits& limits,
                                    const std::string& ref, const std::string& engine);

}  // namespace llmhw::cli
