#pragma once
// From a query (model, request rate, latency targets, budget) to ranked deployments: the search
// over hardware x precision x tensor parallelism, the sizing of replicas, and the rules that
// reject or rank each candidate with a reason.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "llmhw/calibration.hpp"
#include "llmhw/estimate.hpp"
#include "llmhw/fleet.hpp"
#include "llmhw/hardware.hpp"
#include "llmhw/model.hpp"
#include "llmhw/queueing.hpp"

namespace llmhw {

struct DisaggregatedPlan;  // llmhw/disaggregated.hpp

// Defaults suited to interactive chat (docs/estimation.md "Latency targets"): MLPerf Inference's
// Llama 2 70B interactive scenario asks p99 TTFT 450 ms / TPOT 40 ms, its server scenario
// 2 s / 200 ms; llmhw's mean targets sit between: 1 s to the first token, 50 ms per token
// (20 tokens/s, faster than people read).
inline constexpr double kDefaultTtftMs = 1000;
inline constexpr double kDefaultTpotMs = 50;

// Energy defaults (docs/estimation.md "Cost"): PUE between hyperscale sites (about 1.1) and the
// Uptime Institute 2024 survey average (1.56); electricity between typical US industrial and
// commercial rates (EIA, 2024: about 0.08 and 0.13 USD/kWh).
inline constexpr double kDefaultPue = 1.3;
inline constexpr double kDefaultUsdPerKwh = 0.10;

// What a latency target is checked against (--confidence): the prediction itself, or the
// pessimistic end of its error band (prediction x band high: the 90th percentile of measured /
// predicted in calibration, widened for borrowed fits), so that uncertain hardware needs more
// headroom.
enum class Confidence { expected, p90 };
const char* to_string(Confidence c);

// Replicas run at most this share of the rate at which they would just meet the targets, so
// that a burst or a slower-than-predicted request does not break the SLO at once. 0.85 is the
// load at which an M/M/1 queue's mean wait is 5.7x the service time (rho / (1 - rho)): the knee
// past which waits grow fastest, and a common autoscaling target (Kubernetes HPA examples and
// cloud autoscalers default to 60-90% utilisation).
inline constexpr double kDefaultMaxUtilisation = 0.85;

// What the ranking optimises (ties broken by device count, then hardware id and precision).
enum class Objective { cost, latency, throughput, energy };
const char* to_string(Objective o);

// Devices of one hardware id the user owns (recommend --have 16xh100-sxm).
struct OwnedDevices {
  std::string hardware;
  long devices = 0;
};

struct Query {
  std::string model_text;  // what the user typed, echoed in output
  double qps = 0;
  Workload workload;    // mean lengths
  double input_sd = 0;  // spread of the lengths (0 = every request alike)
  double output_sd = 0;
  double ttft_ms = kDefaultTtftMs;
  double tpot_ms = kDefaultTpotMs;
  double ttft_percentile = 0;  // 0 = the target is on the mean
  double tpot_percentile = 0;
  std::optional<double> e2e_ms;  // end-to-end latency target, if any
  double e2e_percentile = 0;
  std::optional<double> budget_per_hour;
  std::optional<double> power_budget_kw;  // --power-budget: devices x TDP x PUE at most this
  std::vector<Precision> precisions;      // empty = auto (16-bit and 8-bit formats)
  std::vector<DeviceKind> kinds;          // empty = all
  std::string pricing = "on-demand";
  std::vector<std::string> providers;  // prices only from these (--cloud); empty = any
  // --have: devices the user owns, used before any is rented (owned.hpp); --owned-cost: what an
  // owned device costs per hour, all in (unset = its amortized-purchase price plus power).
  std::vector<OwnedDevices> owned;
  std::optional<double> owned_usd_per_device_hour;
  // Headroom (docs/estimation.md "Replicas"): the share of a replica's capacity at the targets
  // that the load may use, and spare replicas for failover.
  double max_utilisation = kDefaultMaxUtilisation;
  int n_plus = 0;
  PriceBasis price_basis() const { return {pricing, providers}; }
  Objective objective = Objective::cost;
  double pue = kDefaultPue;
  double usd_per_kwh = kDefaultUsdPerKwh;
  Confidence confidence = Confidence::expected;
  // Also try disaggregated prefill/decode layouts (--no-disaggregated turns it off).
  bool disaggregated = true;
  // What a predicted TTFT and TPOT are multiplied by before they are checked against the
  // targets: 1, or under --confidence p90 the searched device's band high end (recommend() sets
  // them per device; see for_device()).
  double ttft_check_factor = 1;
  double tpot_check_factor = 1;
  // Speculative decoding to try besides plain decoding on every layout (inactive = none): the
  // model's MTP layers when it has them, or what --speculative asks for.
  Speculation speculation = {};
};

// The query as checked on a device with this band: the check factors set from the confidence.
Query for_device(const Query& q, const Bounds& bounds);

// One replica under Poisson arrivals at a concurrency: the mean serving point plus what the
// queueing model says about the spread over requests (docs/estimation.md "Queueing").
struct LoadPoint : ServingPoint {
  double prefill_mean_s = 0;  // the step(s) carrying one request's prompt, over the input lengths
  double residual_s = 0;      // the running step's remainder an arrival waits out
  double prefill_sd_s = 0;
  double prefill_utilisation = 0;  // share of the token budget prompts take (no budget: of the step time)
  queueing::Wait wait;             // for the token budget (M/G/c, c = attention dp groups)
  double tpot_sd_s = 0;            // over requests: the prompts mixed into a request's steps
  double output_tokens = 0;
  double output_sd = 0;
  double request_latency_s = 0;  // HTTP, tokenization, admission: in every TTFT

  // Latency at a percentile over requests (0 = the mean).
  double ttft_at(double percentile) const;
  double tpot_at(double percentile) const;
  double e2e_at(double percentile) const;
};

// The latencies a query's targets are checked against: at the target's percentile, times the
// query's check factors (E2E: TTFT and the remaining tokens' TPOT each times theirs).
double checked_ttft_s(const LoadPoint& p, const Query& q);
double checked_tpot_s(const LoadPoint& p, const Query& q);
double checked_e2e_s(const LoadPoint& p, const Query& q);

// One candidate deployment evaluated against the query.
struct Evaluation {
  Deployment deployment;
  MemoryPlan memory;
  LoadPoint capacity;  // the largest per-replica concurrency that meets the targets
  LoadPoint at_load;   // what each replica runs at under the query's load
  long replicas = 0;
  const Price* price = nullptr;        // the price basis' entry the fleet is rented at
  Rental rental;                       // the whole instances the fleet rents
  long owned_devices = 0;              // devices of the fleet the user owns (--have)
  double owned_cost_per_hour = 0;      // what those cost (in cost_per_hour)
  double cost_per_hour = 0;            // rental (or amortized purchase) of all rented devices
  bool energy_known = false;           // the profile states a TDP
  double energy_kwh_per_hour = 0;      // devices x TDP x utilisation x PUE (0 when unknown)
  double energy_cost_per_hour = 0;     // at the query's electricity price
  double total_cost_per_hour = 0;      // rental, plus energy when the price excludes it (purchase)
  double cost_per_million_tokens = 0;  // total cost per 1M output tokens
  double utilisation = 0;              // load / capacity per replica
  std::string limited_by;  // what capped the per-replica concurrency: "TPOT", "TTFT", "E2E", "memory"
  // A disaggregated replica (prefill and decode workers; `deployment` and `memory` are then one
  // decode worker's); null = aggregated.
  std::shared_ptr<const DisaggregatedPlan> disaggregated;
  int devices() const;  // per replica, both sides of a disaggregated one
  long total_devices() const { return replicas * devices(); }
};

// A named check of an evaluated deployment. Hard rules reject; `why_not` explains a failure with
// the numbers behind it (formatted only for the rejections shown: the search judges thousands).
struct Rule {
  std::string_view name;
  bool (*passes)(const Evaluation&, const Query&);
  std::string (*why_not)(const Evaluation&, const Query&);
};
const std::vector<Rule>& hard_rules();

struct Recommendation {
  Evaluation evaluation;
  std::vector<std::string> reasons;
  // The device's evidence tier, why, and its error band (measured / predicted ratios).
  Evidence evidence = Evidence::datasheet;
  std::string evidence_basis;
  Bounds bounds;
};

// The parallel layout as reasons and rejections name it: "TP=2", "TP=4, PP=8", "TP=8, EP=8".
std::string layout(const Deployment& d);

// --explain: how a recommendation was derived, step by step (memory, step times, queue,
// replicas, cost), one line per step.
std::vector<std::string> derivation(const Evaluation& e, const Query& q);

struct Rejection {
  const Hardware* hardware = nullptr;
  std::string rule;  // the hard rule that failed for the best attempt
  std::vector<std::string> reasons;
  std::optional<Evaluation> closest;  // that attempt (none when no precision was offered)
};

struct RecommendResult {
  std::vector<Recommendation> recommendations;  // best first
  std::vector<Rejection> rejected;              // by hardware id
  // CPU slices (slice()) that recommendations point into; shared so that copies stay valid.
  std::vector<std::shared_ptr<const Hardware>> slices;
};

// What sizing one candidate finds before the request rate matters: its memory plan and the
// largest per-replica concurrency that meets the latency targets (0 = none does).
struct Sizing {
  MemoryPlan memory;
  long best_concurrency = 0;
  LoadPoint capacity;
  std::string limited_by;
};

// Sizings by candidate and query shape. A sizing depends on the model, the device, the layout,
// the lengths and the latency targets, not on the request rate, budget, prices or objective,
// so a batch of queries that differ only in those (a qps sweep) sizes each candidate once.
// Not thread-safe: one per thread. Bounded: cleared when it holds kMaxEntries.
class SizingCache {
 public:
  static constexpr size_t kMaxEntries = 50'000;
  struct Key {
    const Model* model;
    const Efficiency* efficiency;
    std::string hardware;
    int weights, kv, tp, pp, dp, moe_tp, moe_ep;
    double input_tokens, output_tokens, input_sd, output_sd;
    double ttft_ms, tpot_ms, e2e_ms, ttft_percentile, tpot_percentile, e2e_percentile;
    double ttft_check_factor, tpot_check_factor;
    // Speculative decoding (K, tokens kept per step; 0 = off) and prefix caching (equality only).
    double draft_tokens = 0, acceptance = 0, prefix_cache_hit = 0, shared_prefix_tokens = 0;
    const Model* drafter = nullptr;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  const Sizing* find(const Key& key) const;
  const Sizing& insert(const Key& key, Sizing sizing);
  size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<Key, Sizing, KeyHash> entries_;
};

// Sizes one candidate for the query: the largest per-replica concurrency that meets the
// latency targets, the replicas for the request rate, the load each then runs at, and the cost.
Evaluation evaluate(const Deployment& deployment, const Query& query, const Efficiency& eff);
// evaluate() in two steps, so that a search can drop a candidate on its cost before the
// load point (a root-finding over the concurrency) is worked out: everything but `at_load`
// (with a cache, the sizing is looked up or stored there)...
Evaluation size_and_price(const Deployment& deployment, const Query& query, const Efficiency& eff,
                          SizingCache* cache = nullptr);
// ... then `at_load`, the concurrency each replica runs at under the query's rate.
void add_load_point(Evaluation& e, const Query& query, const Efficiency& eff);
// The fleet's cost and energy for `replicas` replicas at `utilisation` (whole instances of the
// cheapest type that hosts a replica).
void add_cost(Evaluation& e, const Query& q);

// One deployment under Poisson arrivals at q.qps, with the replica model recommend sizes with
// (estimate --qps): the most the replica serves at `concurrency_limit` requests in flight (memory
// and the engine's batch limit) and, when q.qps is below that, the load point that serves it.
struct RateLoad {
  bool sustainable = false;
  LoadPoint at_limit;
  LoadPoint at_rate;  // when sustainable
};
RateLoad load_at_rate(const Deployment& deployment, const Query& query, const Efficiency& eff,
                      long concurrency_limit);

// The running requests per attention data-parallel group a replica on `hw` may hold in
// recommend, which names no engine, so each kind runs its usual one (Deployment::max_batch): on
// CPUs (Apple silicon included) llama.cpp, whose llama-server runs its --parallel slots (4 by
// default) and never more requests at once; 0 (no slot limit) on GPUs, TPUs and accelerators,
// whose batch engines (vLLM, SGLang, TensorRT-LLM, JetStream) raise max_num_seqs as far as
// memory allows.
int default_slots(const Hardware& hw, const Calibration& calibration);
// The tokens per engine step (Deployment::max_num_tokens) of that engine on `hw`: llama.cpp's
// batch on CPUs, the engine-independent default elsewhere (data/efficiency.json "engines").
int default_step_tokens(const Hardware& hw, const Calibration& calibration);
// The engine limits recommend assumes on `hw` (its token budget, scheduling ahead, API-server time).
EngineLimits default_engine(const Hardware& hw, const Calibration& calibration);

// Tensor-parallel sizes to try on a device for a model: its fast group sizes that divide the
// attention heads.
std::vector<int> candidate_tp_sizes(const Hardware& hw, const Model& model);

// `explained`: how many of the best recommendations get their reasons and derivation written
// out (formatting them is most of the cost when only the top few are shown).
// `cache`: sizings kept across calls (batch mode); the answer is the same with or without.
// `known`: the devices a device without calibration of its own may borrow a sibling's fit from
// (Calibration::resolve); empty = `catalog`. Pass the whole catalog when `catalog` is filtered.
RecommendResult recommend(const Query& query, const Model& model, const std::vector<Hardware>& catalog,
                          const Calibration& calibration, size_t explained = SIZE_MAX,
                          SizingCache* cache = nullptr, std::span<const Hardware> known = {});

// Every precision x layout recommend tries on a device (facts: derive_facts(model), which the
// deployments point to; slots: default_slots()), best quality first, then by layout.
std::vector<Deployment> candidate_deployments(const Hardware& hw, const Query& query, const Model& model,
                                              const ModelFacts& facts, const Efficiency& eff, int slots);

// The sizing of one candidate (memory plan, largest per-replica concurrency within the targets),
// which size_and_price() uses; with a cache, looked up or stored there.
Sizing size_candidate(const Deployment& deployment, const Query& query, const Efficiency& eff,
                      SizingCache* cache = nullptr);

// Precisions llmhw considers for a query on a device, best quality first.
std::vector<Precision> candidate_precisions(const Query& query, const Hardware& hw, const Model& model);

}  // namespace llmhw
