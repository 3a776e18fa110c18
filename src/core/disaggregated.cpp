// Disaggregated prefill/decode serving (include/llmhw/disaggregated.hpp; docs/estimation.md
// "Disaggregated serving").
#include "llmhw/disaggregated.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "llmhw/error.hpp"
#include "llmhw/queueing.hpp"
#include "llmhw/recommend.hpp"

namespace llmhw {
namespace {

constexpr std::string_view kKeys = "workers, tp, dp, ep, pp";

// The SPEC's keys, in the order of `fields`.
constexpr std::array<std::string_view, 5> kKeyNames = {"workers", "tp", "dp", "ep", "pp"};

std::array<int*, 5> fields(WorkerSpec& s) {
  return {&s.workers, &s.tp, &s.dp, &s.ep, &s.pp};
}

// The decode workers' running limit per worker: the engine's batch per dp group, and the KV held.
double decode_capacity(const Deployment& d, const EngineLimits& limits) {
  double cap = static_cast<double>(limits.max_batch) * d.dp;
  if (limits.kv_sequences > 0) cap = std::min(cap, static_cast<double>(limits.kv_sequences));
  return std::max(1.0, cap);
}

double prompts_per_step(const Workload& w, const EngineLimits& limits) {
  return std::max(1.0, std::floor(limits.max_num_tokens / std::max(1.0, w.input_tokens)));
}

}  // namespace

WorkerSpec parse_worker_spec(std::string_view text, std::string_view flag) {
  WorkerSpec spec;
  bool seen[5] = {false, false, false, false, false};
  if (text.empty()) throw usage_error(fmt::format("{}: empty; expected workers=N,tp=T,dp=D,ep=E,pp=P", flag));
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    const size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const auto name = std::find(kKeyNames.begin(), kKeyNames.end(), key);
    if (name == kKeyNames.end()) {
      throw usage_error(fmt::format("{}: key '{}' is not one of {}", flag, key, kKeys));
    }
    const auto index = static_cast<size_t>(name - kKeyNames.begin());
    int* slot = fields(spec)[index];
    if (seen[index]) throw usage_error(fmt::format("{}: key '{}' given twice", flag, key));
    seen[index] = true;
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    long n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() || n < 1 || n > 4096) {
      throw usage_error(
          fmt::format("{}: key '{}' needs a whole number from 1 to 4096, not '{}'", flag, key, value));
    }
    *slot = static_cast<int>(n);
    start = comma + 1;
  }
  return spec;
}

void check_worker_spec(const WorkerSpec& spec, const Model& model, std::string_view flag) {
  if (model.heads % spec.tp != 0) {
    throw usage_error(fmt::format("{}: key 'tp': {} does not divide the model's {} attention heads", flag,
                                  spec.tp, model.heads));
  }
  if (spec.ep > 1 && !model.moe)
    throw usage_error(fmt::format("{}: key 'ep': the model has no experts", flag));
  if (model.moe && spec.ep > model.moe->experts) {
    throw usage_error(fmt::format("{}: key 'ep': {} exceeds the model's {} routed experts", flag, spec.ep,
                                  model.moe->experts));
  }
  if ((spec.tp * spec.dp) % spec.ep != 0) {
    throw usage_error(
        fmt::format("{}: key 'ep': {} must divide tp x dp = {} (experts are spread over those ranks)", flag,
                    spec.ep, spec.tp * spec.dp));
  }
}

Deployment worker_deployment(const Deployment& base, const WorkerSpec& spec) {
  Deployment d = base;
  d.tp = spec.tp;
  d.dp = spec.dp;
  d.pp = spec.pp;
  d.moe_ep = spec.ep;
  d.moe_tp = 0;  // tp x dp / ep
  return d;
}

KvTransfer kv_transfer(const DisaggregatedDeployment& d, const Workload& w, const Efficiency& eff) {
  ModelFacts local;
  const ModelFacts& f = facts_of(d.prefill, local);
  const Hardware& hw = *d.prefill.hardware;
  KvTransfer t;
  // The decode worker keeps the KV at the prefill side's precision (both run one checkpoint).
  t.bytes = f.kv_bytes_per_sequence(w.input_tokens, element_bytes(d.prefill.kv));
  t.scale_out = d.devices() > fast_domain(hw) && hw.scale_out.has_value();
  const Link& link = t.scale_out ? *hw.scale_out : hw.interconnect;
  t.link = link.kind;
  // Each rank of the prefill worker's tensor/pipeline group holds a part of the prompt's KV
  // (heads, or layers; MLA's latent per layer range) and sends it over its own link to the decode
  // rank that needs it, so the lanes are the smaller side's rank count (NIXL/UCX send rank to
  // rank; one NIC per GPU on NVIDIA HGX and GB200 trays).
  t.lanes = std::max(1, std::min(d.prefill.tp * d.prefill.pp, d.decode.tp * d.decode.pp));
  t.gbps = link.gbps_per_direction * t.lanes * eff.interconnect_bandwidth;
  t.seconds = t.gbps > 0 ? t.bytes / (t.gbps * 1e9) + eff.collective_latency_us * 1e-6
                         : std::numeric_limits<double>::infinity();
  return t;
}

DisaggregatedPoint serve_disaggregated(const DisaggregatedDeployment& d, const Workload& w,
                                       double concurrency, const Efficiency& eff,
                                       const DisaggregatedLimits& limits) {
  DisaggregatedPoint s;
  s.concurrency = concurrency;
  const Deployment& p = d.prefill;
  const double decode_steps = std::max(0.0, w.output_tokens - 1);
  const double wp = d.prefill_workers;
  const double wd = d.decode_workers;
  // Decode side: the requests spread over the workers, each running what its batch and KV allow.
  s.decode_capacity = decode_capacity(d.decode, limits.decode);
  const double resident = std::min(concurrency, wd * s.decode_capacity);
  // Prefill side: a wave of the resident requests reaches the prefill workers' dp groups, which
  // take up to max_num_tokens / isl prompts each per step (serve_closed_loop's wave model).
  const double k = prompts_per_step(w, limits.prefill);
  const double per_group = std::max(1.0, resident / (wp * p.dp));
  const double group = std::min(k, per_group);
  const double groups = std::min<double>(p.dp, std::ceil(resident / (wp * group) - 1e-9));
  s.prompts_per_step = group;
  s.prefill_step = prefill(p, w.input_tokens, eff, group, std::max(1.0, groups));
  const double step_p = s.prefill_step.total_s();
  const double prefill_capacity = wp * std::max(1.0, groups) * group / step_p;
  const double prefill_steps =
      std::max(1.0, std::ceil(resident / (wp * std::max(1.0, groups) * group) - 1e-9));
  const double sync = eff.wave_synchronization;
  const double together = 1.0 + sync * (group - 1.0);
  s.prefill_s =
      prefill(p, w.input_tokens, eff, together, std::round(1.0 + sync * (std::max(1.0, groups) - 1.0)))
          .total_s();
  // Unlike an aggregated replica, a prefill worker runs no decode steps: a request arriving
  // between waves finds it idle (no half-step wait).
  s.prefill_wait_s = step_p * sync * (prefill_steps - 1.0) / 2.0;
  s.transfer = kv_transfer(d, w, eff);
  const double first = s.prefill_s + s.prefill_wait_s + s.transfer.seconds + eff.request_latency_ms * 1e-3;
  // The requests in prefill are not decoding: one refinement of the decode batch by their share.
  double running = std::max(1.0, resident / wd);
  for (int i = 0; i < 2; ++i) {
    s.decode_step = decode_step(d.decode, running, w.input_tokens + w.output_tokens / 2.0, eff);
    const double decoding = decode_steps * s.decode_step.total_s();
    const double share = decoding > 0 ? decoding / (decoding + first) : 1.0;
    running = std::max(1.0, std::min(s.decode_capacity, concurrency * share / wd));
  }
  s.decode_step = decode_step(d.decode, running, w.input_tokens + w.output_tokens / 2.0, eff);
  s.decode_running = running;
  s.decode_utilisation = running / s.decode_capacity;
  const double step_d = s.decode_step.total_s();
  const double decode_rate =
      decode_steps > 0 ? wd * running / (decode_steps * step_d) : std::numeric_limits<double>::infinity();
  const double transfer_rate = wp * p.dp / s.transfer.seconds;
  const double cycle_rate = concurrency / (first + decode_steps * step_d);
  s.requests_per_s = std::min({cycle_rate, decode_rate, prefill_capacity, transfer_rate});
  if (s.requests_per_s == cycle_rate) {
    s.limited_by = "concurrency";
  } else if (s.requests_per_s == prefill_capacity) {
    s.limited_by = "prefill";
  } else if (s.requests_per_s == transfer_rate) {
    s.limited_by = "transfer";
  } else {
    s.limited_by = running >= s.decode_capacity ? "kv-capacity" : "decode";
  }
  s.output_tokens_per_s = s.requests_per_s * w.output_tokens;
  s.tpot_s = step_d;
  // Little's law over the closed loop: concurrency = rate x (TTFT + (osl - 1) x TPOT); what the
  // model's own TTFT leaves is time spent waiting for a decode slot or a busy prefill worker.
  s.ttft_s = std::max(first, concurrency / s.requests_per_s - decode_steps * step_d);
  s.decode_queue_s = s.ttft_s - first;
  s.prefill_utilisation = s.requests_per_s / prefill_capacity;
  s.transfer.utilisation = s.requests_per_s / transfer_rate;
  return s;
}

DisaggregatedPoint serve_disaggregated_at_rate(const DisaggregatedDeployment& d, const Workload& w,
                                               double qps, const Efficiency& eff,
                                               const DisaggregatedLimits& limits) {
  DisaggregatedPoint s;
  const Deployment& p = d.prefill;
  const double decode_steps = std::max(0.0, w.output_tokens - 1);
  const int servers = d.prefill_workers * p.dp;
  // Prefill: each dp group of each worker is a server. Under light load a prompt prefills alone;
  // when one prompt per step cannot keep up, the engine batches b prompts per step (the
  // smallest b up to max_num_tokens / isl that keeps every server below saturation).
  const double k = prompts_per_step(w, limits.prefill);
  double b = 1;
  s.prefill_step = prefill(p, w.input_tokens, eff, 1);
  while (qps * s.prefill_step.total_s() / (b * servers) >= 1.0 && b < k) {
    b = std::min(k, b * 2);
    s.prefill_step = prefill(p, w.input_tokens, eff, b, std::min<double>(p.dp, std::max(1.0, qps)));
  }
  s.prompts_per_step = b;
  const double step_p = s.prefill_step.total_s();
  s.prefill_s = step_p;
  s.prefill_utilisation = qps * step_p / (b * servers);
  const queueing::Wait wait = queueing::mgc_wait(qps / b, step_p, 0.0, servers);
  s.prefill_wait_s = wait.stable ? wait.mean_s() : std::numeric_limits<double>::infinity();
  s.prefill_queue = wait;
  s.transfer = kv_transfer(d, w, eff);
  s.transfer.utilisation = qps * s.transfer.seconds / servers;
  // Decode: the batch b per worker satisfies b = (qps / workers) x (osl - 1) x step(b); step(b)
  // grows with b, so bisect on b up to the worker's capacity.
  s.decode_capacity = decode_capacity(d.decode, limits.decode);
  const double per_worker = qps / d.decode_workers;
  const double context = w.input_tokens + w.output_tokens / 2.0;
  const auto excess = [&](double batch) {
    return per_worker * decode_steps * decode_step(d.decode, batch, context, eff).total_s() - batch;
  };
  double running = 1;
  bool decode_ok = excess(s.decode_capacity) <= 0;
  if (excess(1.0) > 0) {
    double lo = 1, hi = s.decode_capacity;
    for (int i = 0; i < 40 && hi - lo > 1e-3 * hi; ++i) {
      const double mid = 0.5 * (lo + hi);
      (excess(mid) > 0 ? lo : hi) = mid;
    }
    running = hi;
  }
  s.decode_running = running;
  s.decode_utilisation = running / s.decode_capacity;
  s.decode_step = decode_step(d.decode, running, context, eff);
  s.tpot_s = s.decode_step.total_s();
  s.sustainable = decode_ok && wait.stable && s.transfer.utilisation < 1.0;
  s.limited_by = !decode_ok ? (s.decode_capacity < static_cast<double>(limits.decode.max_batch) * d.decode.dp
                                   ? "kv-capacity"
                                   : "decode")
                 : !wait.stable                  ? "prefill"
                 : s.transfer.utilisation >= 1.0 ? "transfer"
                                                 : "rate";
  s.requests_per_s = qps;
  s.output_tokens_per_s = qps * w.output_tokens;
  s.concurrency = qps * (s.prefill_wait_s + step_p + s.transfer.seconds) + running * d.decode_workers;
  s.ttft_s = s.prefill_wait_s + step_p + s.transfer.seconds + eff.request_latency_ms * 1e-3;
  return s;
}

ServingPoint serving_point(const DisaggregatedPoint& p) {
  ServingPoint s;
  s.concurrency = p.concurrency;
  s.requests_per_s = p.requests_per_s;
  s.output_tokens_per_s = p.output_tokens_per_s;
  s.ttft_s = p.ttft_s;
  s.tpot_s = p.tpot_s;
  s.step = p.decode_step;
  s.prompt = p.prefill_step;
  s.prefill_share = 0;  // prefills never pause a decode worker
  return s;
}

std::string describe(const DisaggregatedDeployment& d) {
  const auto side = [](const Deployment& x) {
    std::string out = layout(x);
    if (x.dp > 1) out += fmt::format(", DP={}", x.dp);
    return out;
  };
  return fmt::format("{} prefill x {} + {} decode x {}", d.prefill_workers, side(d.prefill), d.decode_workers,
                     side(d.decode));
}

}  // namespace llmhw
