#include "cli/emit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "llmhw/error.hpp"

namespace llmhw::cli {
namespace {

// The instance type a price names, for a node selector: on the clouds whose Kubernetes nodes carry
// it as node.kubernetes.io/instance-type (EKS, GKE, AKS, OKE); other providers name offers, not
// node types.
std::string instance_type(const Price* price) {
  if (!price || price->devices_per_instance == 0) return "";
  const std::string& t = price->instance_type;
  // A label value: at most 63 of [A-Za-z0-9._-] ("v6e-8 (ct6e-standard-8t)" describes, not names).
  const bool label = !t.empty() && t.size() <= 63 && std::all_of(t.begin(), t.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
  for (const char* cloud : {"aws", "gcp", "azure", "oci"})
    if (label && price->provider == cloud) return t;
  return "";
}

// A --model size is a generic shape (model_from_size: "dense-70b"), not a checkpoint to load.
std::string model_note(const Model& m, const std::string& ref) {
  if (ref != m.id || m.id.rfind("dense-", 0) != 0) return "";
  return fmt::format(
      "{} is llmhw's generic shape for a model of that size: put your checkpoint's Hugging Face id "
      "in its place",
      m.id);
}

}  // namespace

std::optional<render::EmitTarget> emit_target(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const auto t = render::parse_emit_target(text);
  if (!t) throw usage_error(fmt::format("--emit: '{}' is not one of {}", text, render::kEmitTargets));
  return t;
}

std::string emit_engine(render::EmitTarget target, const std::string& engine, const Hardware& hw) {
  if (target != render::EmitTarget::k8s) return render::to_string(target);
  if (!engine.empty()) return engine;
  return hw.kind == DeviceKind::cpu ? "llama.cpp" : "vllm";
}

std::string model_ref(const ResolvedModel& m) {
  return m.entry && !m.entry->hf_id.empty() ? m.entry->hf_id : m.model.id;
}

render::EmitPlan plan_from_recommendation(const Recommendation& r, const Query& q, const std::string& ref,
                                          int rank, const Calibration& calibration,
                                          const std::string& engine) {
  const Evaluation& e = r.evaluation;
  render::EmitPlan p;
  p.deployment = e.deployment;
  p.model_ref = ref;
  p.model_note = model_note(*e.deployment.model, ref);
  p.workload = q.workload;
  p.memory = e.memory;
  const double per_group = std::floor(e.capacity.concurrency / e.deployment.dp + 1e-9);
  p.max_num_seqs = static_cast<int>(std::max(1.0, per_group));
  p.max_num_tokens = calibration.limits(engine, *e.deployment.hardware).max_num_tokens;
  p.replicas = e.replicas;
  p.ttft_s = e.at_load.ttft_at(0);
  p.tpot_s = e.at_load.tpot_at(0);
  p.capacity_rps = e.capacity.requests_per_s;
  p.capacity_concurrency = e.capacity.concurrency;
  p.origin = fmt::format("llmhw recommend, rank {}", rank);
  p.engine_for_manifest = engine;
  p.instance_type = instance_type(e.price);
  return p;
}

void add_day_plan(render::EmitPlan& p, const Evaluation& at_peak, const DayPlan& day,
                  const LoadProfile& profile) {
  render::Autoscaling a;
  a.min_replicas = day.floor_replicas;
  a.max_replicas = 0;
  for (const ScheduleEntry& s : day.schedule) a.max_replicas = std::max(a.max_replicas, s.replicas);
  // The file's name, not its path: the manifest is the same wherever the profile lives.
  a.profile = std::filesystem::path(profile.source).filename().string();
  a.target_running = at_peak.at_load.concurrency;
  p.autoscaling = a;
  p.origin += ", ranked by cost per day over " + a.profile;
}

render::EmitPlan plan_from_estimate(const render::EstimateView& v, const EngineLimits& limits,
                                    const std::string& ref, const std::string& engine) {
  render::EmitPlan p;
  p.deployment = v.deployment;
  p.model_ref = ref;
  p.model_note = model_note(*v.deployment.model, ref);
  p.workload = v.workload;
  p.memory = v.memory;
  p.max_num_seqs = limits.max_batch;
  p.max_num_tokens = limits.max_num_tokens;
  if (v.point) {
    p.ttft_s = v.point->ttft_s;
    p.tpot_s = v.point->tpot_s;
    p.capacity_rps = v.qps ? v.max_requests_per_s : v.point->requests_per_s;
    // Open loop: the most the replica holds (memory and slots), where it serves max_requests_per_s.
    p.capacity_concurrency =
        v.qps ? std::min(static_cast<double>(v.admitted), v.slots) : v.effective_concurrency;
  }
  p.origin = "llmhw estimate";
  p.engine_for_manifest = engine;
  p.instance_type = instance_type(v.deployment.hardware->price("on-demand"));
  return p;
}

}  // namespace llmhw::cli
