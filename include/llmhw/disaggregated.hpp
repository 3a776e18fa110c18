#pragma once
// Disaggregated serving: prefill workers and decode workers on separate devices, each prompt's
// KV cache sent from the prefill worker that computed it to a decode worker (NVIDIA Dynamo,
// SGLang PD disaggregation, vLLM's KV connectors; DistServe, Zhong et al., OSDI 2024).
// Pure functions of plain structs, built on the aggregated model in estimate.hpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/estimate.hpp"
#include "llmhw/queueing.hpp"
#include "llmhw/recommend.hpp"

namespace llmhw {

// One side's layout as the user writes it: `workers=N,tp=T,dp=D,ep=E,pp=P` (omitted keys 1).
struct WorkerSpec {
  int workers = 1;
  int tp = 1;
  int dp = 1;
  int ep = 1;
  int pp = 1;
};

// Parses a SPEC; throws usage_error naming the flag and the key ("--prefill: key 'tq' is not one
// of workers, tp, dp, ep, pp") for an unknown key, a repeated key or a value that is not a
// positive integer (zero workers included).
WorkerSpec parse_worker_spec(std::string_view text, std::string_view flag);

// Checks a SPEC against the model: TP divides the attention heads, EP is at most the routed
// experts (and 1 for a dense model) and divides tp x dp. Throws usage_error naming flag and key.
void check_worker_spec(const WorkerSpec& spec, const Model& model, std::string_view flag);

// `base` (model, hardware, precisions, facts) laid out as one worker of `spec`.
Deployment worker_deployment(const Deployment& base, const WorkerSpec& spec);

// A disaggregated replica: `prefill_workers` engines that only prefill, `decode_workers` that
// only decode, all of one hardware.
struct DisaggregatedDeployment {
  Deployment prefill;
  int prefill_workers = 1;
  Deployment decode;
  int decode_workers = 1;
  int devices() const { return prefill.devices() * prefill_workers + decode.devices() * decode_workers; }
};

// The KV cache of one prompt crossing from a prefill worker to a decode worker.
struct KvTransfer {
  double bytes = 0;        // the prompt's KV, all layers, at the KV precision
  std::string link;        // "nvlink5", "infiniband-ndr", ...
  bool scale_out = false;  // between nodes (true) or inside one fast domain (NVLink, ICI)
  int lanes = 1;           // device links used in parallel (ranks holding parts of the KV)
  double gbps = 0;         // achieved GB/s over all lanes
  double seconds = 0;      // per prompt
  double utilisation = 0;  // share of the prefill side's outgoing link time it takes
};

// Which link a deployment's KV crosses: the fast domain (NVLink, ICI: the largest fast group or
// node) when both sides fit in one, else the scale-out network (or the fast link when the
// profile states none). Its achieved bandwidth uses the fitted interconnect efficiency.
KvTransfer kv_transfer(const DisaggregatedDeployment& d, const Workload& w, const Efficiency& eff);

// What the engines admit per worker: the decode side's running limit (batch limit x dp groups,
// and the KV it holds), the prefill side's prompts per step.
struct DisaggregatedLimits {
  EngineLimits prefill;
  EngineLimits decode;
};

struct DisaggregatedPoint {
  double concurrency = 0;  // requests in flight over the whole replica
  double requests_per_s = 0;
  double output_tokens_per_s = 0;
  double ttft_s = 0;
  double tpot_s = 0;
  // Prefill side
  double prefill_s = 0;            // one request's own prefill (with the prompts batched with it)
  double prefill_wait_s = 0;       // queueing for a prefill worker (waves or Poisson arrivals)
  queueing::Wait prefill_queue;    // open loop: the M/G/c wait
  double prefill_utilisation = 0;  // share of the prefill workers' time spent prefilling
  double prompts_per_step = 1;     // per dp group of a prefill worker
  StepTime prefill_step;           // one prefill step of a worker
  // Decode side
  double decode_running = 0;      // sequences decoding per decode worker
  double decode_capacity = 0;     // the most a decode worker runs at once (batch limit, KV)
  double decode_queue_s = 0;      // waiting for a decode slot (in TTFT)
  double decode_utilisation = 0;  // running / capacity
  StepTime decode_step;
  KvTransfer transfer;
  std::string limited_by;   // "prefill", "decode", "kv-capacity", "transfer"
  bool sustainable = true;  // open loop: the rate is below what both sides serve
};

// Closed loop (benchmarks): `concurrency` requests always in flight, all of one shape. Prefill
// workers take up to max_num_tokens / isl prompts per step per dp group; a wave of arrivals waits
// for the prefills ahead of it as far as arrivals are synchronised (the fitted
// wave_synchronization, as in serve_closed_loop); decode workers run the requests as their batch
// and KV allow, the rest wait for a slot. Little's law ties concurrency, rate and latency.
DisaggregatedPoint serve_disaggregated(const DisaggregatedDeployment& d, const Workload& w,
                                       double concurrency, const Efficiency& eff,
                                       const DisaggregatedLimits& limits);

// Open loop: Poisson arrivals at `qps`; prefill queueing is M/G/c over the prefill workers' dp
// groups; the decode workers' batch is the fixed point of Little's law (batch = rate x osl x TPOT).
DisaggregatedPoint serve_disaggregated_at_rate(const DisaggregatedDeployment& d, const Workload& w,
                                               double qps, const Efficiency& eff,
                                               const DisaggregatedLimits& limits);

// The replica's figures as the ServingPoint estimate renders and LoadPoint extends: the decode
// workers' step as the step, the prefill workers' step as the prompt; prefill_share 0, since
// prefills never pause a decode worker.
ServingPoint serving_point(const DisaggregatedPoint& p);

// "2 prefill x TP=4 + 1 decode x TP=8, EP=8"
std::string describe(const DisaggregatedDeployment& d);
// "P2xTP4+D1xTP8 EP8", for a table cell.
std::string layout_cell(const DisaggregatedDeployment& d);

// What recommend keeps of a disaggregated candidate (Evaluation::disaggregated): the layout, the
// replica at its capacity (the largest rate meeting the targets) and at the query's load.
struct DisaggregatedPlan {
  DisaggregatedDeployment deployment;
  DisaggregatedPoint capacity;
  DisaggregatedPoint at_load;
  MemoryPlan prefill_memory;
};

// recommend's disaggregated candidates on one hardware: the aggregated winner's worker layout
// (TP, DP, EP) on both sides at a few prefill:decode worker ratios (kDisaggregatedRatios, not a
// brute force), each sized for the query (replicas at the query's headroom, whole instances
// rented) and judged by the hard rules; the best that passes (nullopt if none, or when the
// layout has pipeline stages). `limits`: the engine limits of the device (recommend names no
// engine).
std::optional<Evaluation> best_disaggregated(const Evaluation& aggregated, const Query& q,
                                             const Efficiency& eff, const EngineLimits& limits);

// One disaggregated layout (a recommendation's plan->deployment) sized for the query as
// best_disaggregated() sizes each ratio: replicas at the query's headroom, whole instances rented,
// the load point at its rate; nullopt when it breaks a hard rule there. The day plan
// (load_profile.cpp) sizes each period of a disaggregated recommendation with it.
std::optional<Evaluation> size_disaggregated(const DisaggregatedDeployment& d, const Query& q,
                                             const Efficiency& eff, const EngineLimits& limits);

// Why a disaggregated recommendation wins or loses against the aggregated one on the same
// hardware (null when that failed the targets), with the numbers.
std::vector<std::string> disaggregated_reasons(const Evaluation& e, const Evaluation* aggregated,
                                               const Query& q);

// The reason line of an aggregated recommendation that beat (or tied) the disaggregated layout of
// its workers: both costs, TTFT and TPOT, and why.
std::string versus_disaggregated(const Evaluation& aggregated, const Evaluation& split);

// --explain for a disaggregated recommendation: each side, the KV transfer, replicas and cost.
std::vector<std::string> disaggregated_derivation(const Evaluation& e, const Query& q);

}  // namespace llmhw
