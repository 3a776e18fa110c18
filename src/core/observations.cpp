#include "llmhw/observations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "llmhw/hardware.hpp"

namespace llmhw::tools {

std::string socket_of(const std::string& hardware_id) {
  return hardware_id.substr(0, hardware_id.find('@'));
}

void add_slices(Catalogs& c, const std::vector<Observation>& obs) {
  for (const Observation& o : obs) {
    const size_t at = o.hardware.find('@');
    if (at == std::string::npos || c.hardware.count(o.hardware)) continue;
    const auto socket = c.hardware.find(o.hardware.substr(0, at));
    if (socket == c.hardware.end()) continue;  // check_mappable reports it
    const int vcpus = std::atoi(o.hardware.c_str() + at + 1);
    if (vcpus < 1 || vcpus > socket->second.socket_vcpus()) continue;
    Hardware s = slice(socket->second, vcpus);
    if (s.id == o.hardware) c.hardware[s.id] = std::move(s);
  }
}

namespace {

Deployment deployment_of(const Observation& o, const Catalogs& c) {
  Deployment d;
  d.model = &c.models.at(o.model);
  const auto facts = c.facts.find(o.model);
  if (facts != c.facts.end()) d.facts = &facts->second;
  d.hardware = &c.hardware.at(o.hardware);
  d.weights = o.precision;
  d.kv = o.kv;
  d.tp = std::max(1, o.tp);
  d.pp = std::max(1, o.pp);
  d.dp = std::max(1, o.dp);
  d.moe_ep = o.moe_ep;
  d.moe_tp = o.moe_tp > 0 && o.moe_tp * o.moe_ep == d.tp * d.dp ? o.moe_tp : 0;
  if (d.moe_tp == 0 && d.moe_ep > d.tp * d.dp) d.moe_ep = 1;
  return d;
}

Prediction not_predicted(std::string why) {
  Prediction p;
  p.why_not = std::move(why);
  return p;
}

const std::vector<std::string> kMetrics = {"ttft_ms",
                                           "tpot_ms",
                                           "output_tokens_per_s",
                                           "e2e_ms",
                                           "prefill_ms",
                                           "prefill_tokens_per_s",
                                           "batch_output_tokens_per_s",
                                           "decode_tokens_per_s"};

// A static batch (Argonne LLM-Inference-Bench): `batch` prompts of isl tokens prefilled together,
// then osl decode steps of the whole batch, with no server, queue or request latency around them.
// The KV read per step grows linearly from isl to isl + osl, so osl steps at the mean context
// isl + osl/2 cost what the steps do. A batch whose KV does not fit runs in as few waves as fit
// (an engine admits what fits and the rest wait).
Prediction static_batch(const Observation& o, const Deployment& d, const Efficiency& eff, Prediction p) {
  const double batch = std::max(1.0, o.concurrency.value_or(1.0));
  const MemoryPlan mem = plan_memory(d, Workload{o.isl, std::max(1.0, o.osl)}, eff);
  if (!mem.fits()) {
    p.ok = false;
    p.why_not = "does not fit in memory";
    return p;
  }
  const double waves = std::ceil(batch / static_cast<double>(std::max(1L, mem.max_sequences)));
  const double per_wave = batch / waves;
  const double seconds = waves * (prefill(d, o.isl, eff, per_wave).total_s() +
                                  o.osl * decode_step(d, per_wave, o.isl + o.osl / 2, eff).total_s());
  p.clamped = waves > 1;
  p.max_sequences = mem.max_sequences;
  p.value = batch * o.osl / seconds;
  return p;
}

}  // namespace

Prediction check_mappable(const Observation& o, const Catalogs& c) {
  if (!o.mapped) return not_predicted("not mapped: " + o.note);
  if (!c.models.count(o.model)) return not_predicted("model not in catalog: " + o.model);
  if (!c.hardware.count(o.hardware)) return not_predicted("hardware not in catalog: " + o.hardware);
  if (std::find(kMetrics.begin(), kMetrics.end(), o.metric) == kMetrics.end()) {
    return not_predicted("metric not predicted: " + o.metric);
  }
  if (o.isl <= 0 || (o.osl <= 0 && o.metric != "prefill_tokens_per_s"))
    return not_predicted("no request shape");
  const Deployment d = deployment_of(o, c);
  if (!compute_precision(*d.hardware, d.weights))
    return not_predicted("precision not offered on the hardware");
  Prediction ok;
  ok.ok = true;
  return ok;
}

Prediction predict(const Observation& o, const Catalogs& c, const Efficiency& eff,
                   const EngineLimits& limits) {
  const Prediction p = check_mappable(o, c);
  if (!p.ok) return p;
  return predict_mappable(o, deployment_of(o, c), eff, limits);
}

Deployment deployment_of_mappable(const Observation& o, const Catalogs& c) {
  return deployment_of(o, c);
}

Prediction predict_mappable(const Observation& o, const Deployment& d, const Efficiency& eff,
                            const EngineLimits& limits) {
  Prediction p;
  p.ok = true;
  const Workload w{o.isl, std::max(1.0, o.osl)};
  if (o.metric == "prefill_tokens_per_s") {
    p.value = o.isl / prefill(d, o.isl, eff).total_s();
    return p;
  }
  // An in-process static batch (no server): its first token is one prefill of the whole batch.
  if (o.metric == "prefill_ms") {
    p.value = prefill(d, o.isl, eff, std::max(1.0, o.concurrency.value_or(1.0))).total_s() * 1e3;
    return p;
  }
  if (o.metric == "batch_output_tokens_per_s") return static_batch(o, d, eff, p);
  // A single stream's generation rate (llama-bench tg: decode steps of one sequence from a short
  // context, no prefill or server in the time), at the run's mean context isl + osl/2.
  if (o.metric == "decode_tokens_per_s") {
    p.value = 1.0 / decode_step(d, 1, o.isl + o.osl / 2, eff).total_s();
    return p;
  }
  const MemoryPlan mem = plan_memory(d, w, eff);
  if (!mem.fits()) return not_predicted("does not fit in memory");
  // "max" runs hold as many sequences as fit in memory (and the engine allows). A benchmark at a
  // fixed concurrency ran that many at once; where llmhw's memory estimate holds fewer (engines
  // differ in KV precision and memory fraction), the row is predicted at the measured
  // concurrency and counted as `clamped` in the report rather than queued.
  // The memory plan counts every attention data-parallel group, the engine's batch limit is per
  // group (as `llmhw estimate` does).
  EngineLimits fitting = limits;
  const long admitted = limits.reserve_full_length ? mem.max_full_length_sequences : mem.max_sequences;
  const long per_group = std::min<long>(std::max(1L, admitted / d.dp), limits.max_batch);
  if (!o.concurrency) fitting.max_batch = static_cast<int>(per_group);
  const double concurrency =
      o.concurrency ? std::max(1.0, *o.concurrency) : static_cast<double>(per_group) * d.dp;
  p.clamped = o.concurrency && *o.concurrency > static_cast<double>(mem.max_sequences);
  const ServingPoint s = serve_closed_loop(d, w, concurrency, eff, fitting);
  p.serving = s;
  p.max_sequences = mem.max_sequences;
  p.engine_capacity = std::min<long>(admitted, static_cast<long>(limits.max_batch) * d.dp);
  const double replicas = std::max(1.0, static_cast<double>(o.devices) / d.devices());
  // The rows were measured by closed-loop clients: their own latency counts in what they saw.
  const double client_ttft_s = s.ttft_s + s.client_latency_s;
  if (o.metric == "ttft_ms") p.value = client_ttft_s * 1e3;
  if (o.metric == "tpot_ms") p.value = s.tpot_s * 1e3;
  if (o.metric == "e2e_ms") p.value = (client_ttft_s + (w.output_tokens - 1) * s.tpot_s) * 1e3;
  if (o.metric == "output_tokens_per_s") p.value = s.output_tokens_per_s * replicas;
  if (!std::isfinite(p.value) || p.value <= 0) return not_predicted("prediction not finite");
  return p;
}

std::string model_family(const std::string& id) {
  for (const char* family : {"gpt-oss", "gpt-j", "deepseek", "mixtral", "mistral", "nemotron", "llama",
                             "qwen", "gemma", "phi", "falcon"}) {
    if (id.rfind(family, 0) == 0) return family;
  }
  return id;
}

}  // namespace llmhw::tools
