// Sizing of one candidate (src/core/sizing.cpp), the hard rules (src/core/rules.cpp) and the
// search and ranking (src/core/recommend.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "llmhw/recommend.hpp"
#include "test_shapes.hpp"

using Catch::Matchers::Contains;
using llmhw::Precision;

namespace {

llmhw::Query chat_query(double qps) {
  llmhw::Query q;
  q.model_text = "test";
  q.qps = qps;
  q.workload = {1024, 256};
  q.ttft_ms = 1000;
  q.tpot_ms = 50;
  return q;
}

llmhw::Calibration calibration() {
  llmhw::Calibration c;
  c.gpu = c.tpu = c.accelerator = llmhw_test::realistic();
  c.cpu = llmhw_test::realistic();
  c.cpu.memory_bandwidth = 0.6;
  c.cpu.decode_compute = 0.3;
  c.cpu.prefill_compute = 0.15;
  c.cpu.step_overhead_ms = 5;
  c.status = "test";
  return c;
}

// A catalog of made-up devices of different speeds and prices.
std::vector<llmhw::Hardware> make_catalog() {
  std::vector<llmhw::Hardware> hws;
  hws.push_back(llmhw_test::round_gpu("gpu-a", 2.0));  // 80 GB, 1000 GB/s, 100 TFLOP/s
  llmhw::Hardware b = llmhw_test::round_gpu("gpu-b", 4.0);
  b.memory_bandwidth_gbps = 2000;
  b.tflops = {{Precision::bf16, 400.0}, {Precision::fp8, 800.0}};
  hws.push_back(b);
  llmhw::Hardware c = llmhw_test::round_gpu("gpu-c", 10.0);
  c.memory_gb = 141;
  c.memory_bandwidth_gbps = 4800;
  c.tflops = {{Precision::bf16, 1000.0}, {Precision::fp8, 2000.0}};
  c.interconnect = {"nvlink-test", 450};
  hws.push_back(c);
  llmhw::Hardware cpu = llmhw_test::round_gpu("cpu-x", 1.0);
  cpu.kind = llmhw::DeviceKind::cpu;
  cpu.memory_gb = 768;
  cpu.memory_bandwidth_gbps = 300;
  cpu.tflops = {{Precision::fp32, 5.0}, {Precision::bf16, 20.0}};
  cpu.interconnect = {"upi", 50};
  cpu.fast_group_sizes = {1, 2};
  hws.push_back(cpu);
  return hws;
}

// One catalog for the whole run: results point into it, so it must outlive them.
const std::vector<llmhw::Hardware>& toy_catalog() {
  static const std::vector<llmhw::Hardware> hws = make_catalog();
  return hws;
}

std::set<std::string> recommended_ids(const llmhw::RecommendResult& r) {
  std::set<std::string> ids;
  for (const auto& rec : r.recommendations) ids.insert(rec.evaluation.deployment.hardware->id);
  return ids;
}

bool is_subset(const std::set<std::string>& a, const std::set<std::string>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

}  // namespace

TEST_CASE("candidate_tp_sizes: fast group sizes that divide the heads, sorted", "[recommend]") {
  llmhw::Hardware hw = llmhw_test::round_gpu();
  hw.fast_group_sizes = {8, 3, 1, 64, 2, 6, 4, 2, 0};
  // 32 heads: 1, 2, 4, 8 divide it; 3, 6 and 64 do not; 0 is not a group.
  CHECK(llmhw::candidate_tp_sizes(hw, llmhw_test::llama_8b()) == std::vector<int>{1, 2, 4, 8});
  // 64 heads: 64 divides too.
  CHECK(llmhw::candidate_tp_sizes(hw, llmhw_test::llama_70b()) == std::vector<int>{1, 2, 4, 8, 64});
}

TEST_CASE("candidate_precisions: auto is 16- and 8-bit, explicit lists are filtered", "[recommend]") {
  llmhw::Query q = chat_query(1);
  const llmhw::Model model = llmhw_test::llama_8b();
  const llmhw::Hardware bf16_only = llmhw_test::round_gpu();  // bf16 + fp16
  llmhw::Hardware fp8_gpu = bf16_only;
  fp8_gpu.tflops[Precision::fp8] = 200;
  // Auto on a device without fp8 keeps one 8-bit choice (int8 weight-only).
  CHECK(llmhw::candidate_precisions(q, bf16_only, model) ==
        std::vector<Precision>{Precision::bf16, Precision::int8});
  CHECK(llmhw::candidate_precisions(q, fp8_gpu, model) ==
        std::vector<Precision>{Precision::bf16, Precision::fp8, Precision::int8});
  // Asked explicitly, fp8 and fp4 weight-only are allowed on a GPU.
  q.precisions = {Precision::fp8};
  CHECK(llmhw::candidate_precisions(q, bf16_only, model) == std::vector<Precision>{Precision::fp8});
  q.precisions = {Precision::fp4, Precision::int4};
  CHECK(llmhw::candidate_precisions(q, bf16_only, model) ==
        std::vector<Precision>{Precision::fp4, Precision::int4});
  llmhw::Hardware tpu = bf16_only;
  tpu.kind = llmhw::DeviceKind::tpu;
  q.precisions = {Precision::fp8};
  CHECK(llmhw::candidate_precisions(q, tpu, model).empty());
  // A checkpoint published at 4 bits (gpt-oss: MXFP4) is a candidate in auto mode, natively or
  // weight-only.
  llmhw::Model mxfp4 = model;
  mxfp4.checkpoint_precision = Precision::fp4;
  llmhw::Hardware blackwell = fp8_gpu;
  blackwell.tflops[Precision::fp4] = 400;
  q.precisions = {};
  CHECK(llmhw::candidate_precisions(q, blackwell, mxfp4) ==
        std::vector<Precision>{Precision::bf16, Precision::fp8, Precision::int8, Precision::fp4});
  CHECK(llmhw::candidate_precisions(q, fp8_gpu, mxfp4) ==
        std::vector<Precision>{Precision::bf16, Precision::fp8, Precision::int8, Precision::fp4});
  CHECK(llmhw::candidate_precisions(q, tpu, mxfp4) ==
        std::vector<Precision>{Precision::bf16, Precision::int8});
}

TEST_CASE("evaluate: replicas, load per replica and cost", "[recommend][sizing]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu("gpu-a", 2.0);
  const llmhw::Efficiency eff = llmhw_test::realistic();
  for (int tp : {1, 2}) {
    for (double qps : {0.3, 1.0, 7.0, 25.0, 130.0}) {
      INFO("tp " << tp << " qps " << qps);
      const llmhw::Query q = chat_query(qps);
      const llmhw::Evaluation e = llmhw::evaluate({&m, &hw, Precision::bf16, Precision::bf16, tp}, q, eff);
      REQUIRE(e.memory.fits());
      // The capacity point meets both targets.
      CHECK(e.capacity.tpot_s * 1e3 <= q.tpot_ms);
      CHECK(e.capacity.ttft_s * 1e3 <= q.ttft_ms);
      CHECK(e.capacity.concurrency <= static_cast<double>(e.memory.max_sequences));
      // ... and is the largest whole concurrency that does, unless memory caps it.
      if (e.limited_by == "TPOT" || e.limited_by == "TTFT") {
        const llmhw::ServingPoint next =
            llmhw::serve(e.deployment, q.workload, e.capacity.concurrency + 1, eff);
        CHECK((next.tpot_s * 1e3 > q.tpot_ms || next.ttft_s * 1e3 > q.ttft_ms));
      }
      // replicas = ceil(qps / (capacity per replica x the 0.85 utilisation cap)).
      CHECK(e.replicas == static_cast<long>(std::ceil(qps / (0.85 * e.capacity.requests_per_s))));
      CHECK(e.replicas >= 1);
      // Each replica serves exactly its share of the load, within the targets.
      CHECK(e.at_load.requests_per_s == Approx(qps / static_cast<double>(e.replicas)).epsilon(1e-6));
      CHECK(e.at_load.concurrency <= e.capacity.concurrency + 1e-9);
      CHECK(e.at_load.tpot_s <= e.capacity.tpot_s + 1e-12);
      // Cost: replicas x tp devices x $2/h; per 1M output tokens: cost / (qps x 256 x 3600) x 1e6.
      const double cost = static_cast<double>(e.replicas) * tp * 2.0;
      CHECK(e.cost_per_hour == Approx(cost));
      CHECK(e.cost_per_million_tokens == Approx(cost / (qps * 256 * 3600) * 1e6));
      REQUIRE(e.price != nullptr);
      CHECK(e.price->usd_per_device_hour == 2.0);
      CHECK(e.devices() == tp);
    }
  }
}

TEST_CASE("evaluate: memory caps the concurrency", "[recommend][sizing]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  llmhw::Hardware hw = llmhw_test::round_gpu("small", 2.0);
  hw.memory_gb = 21;
  llmhw::Query q = chat_query(10);
  q.tpot_ms = 200;
  q.ttft_ms = 5000;
  // 21 GB x 0.9 = 18.9 usable - 2 reserve - 8,030,261,248 x 2 bytes (16.0605 GB) = 0.839478 GB
  // for KV; a running sequence holds 1024 + 256/2 = 1152 tokens on average, 131,072 x 1152 =
  // 0.150994944 GB -> floor(5.56) = 5 (and one full 1280-token sequence, 0.168 GB, fits).
  const llmhw::Evaluation e =
      llmhw::evaluate({&m, &hw, Precision::bf16, Precision::bf16, 1}, q, llmhw_test::realistic());
  CHECK(e.memory.max_sequences == 5);
  CHECK(e.capacity.concurrency == 5.0);
  CHECK(e.limited_by == "memory");
  CHECK(e.replicas == static_cast<long>(std::ceil(10.0 / (0.85 * e.capacity.requests_per_s))));
}

TEST_CASE("evaluate: a model that does not fit is left unsized", "[recommend][sizing]") {
  const llmhw::Model m = llmhw_test::llama_70b();  // 141 GB at bf16
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  const llmhw::Evaluation e =
      llmhw::evaluate({&m, &hw, Precision::bf16, Precision::bf16, 1}, chat_query(1), llmhw_test::realistic());
  CHECK_FALSE(e.memory.fits());
  CHECK(e.replicas == 0);
  CHECK(e.cost_per_hour == 0.0);
}

TEST_CASE("evaluate: an unreachable TPOT is reported as the limit", "[recommend][sizing]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Hardware hw = llmhw_test::round_gpu();
  llmhw::Query q = chat_query(1);
  // Batch 1 reads 15.01 GB at 0.8 x 1000 GB/s = 18.8 ms, + 1 ms overhead: 10 ms is out of reach.
  q.tpot_ms = 10;
  const llmhw::Evaluation e =
      llmhw::evaluate({&m, &hw, Precision::bf16, Precision::bf16, 1}, q, llmhw_test::realistic());
  CHECK(e.limited_by == "TPOT");
  CHECK(e.at_load.tpot_s * 1e3 > 10.0);
  CHECK(e.at_load.tpot_s * 1e3 > (15'009'849'344.0 / 0.8e12 + 1e-3) * 1e3 - 1e-9);
}

TEST_CASE("recommend ranks by cost per 1M tokens, ties by hardware id", "[recommend]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  std::vector<llmhw::Hardware> hws = toy_catalog();
  // Two identical devices: same cost, replicas and latency, so the id decides.
  hws.push_back(llmhw_test::round_gpu("twin-b", 3.0));
  hws.push_back(llmhw_test::round_gpu("twin-a", 3.0));
  const llmhw::RecommendResult r = llmhw::recommend(chat_query(20), m, hws, calibration());
  REQUIRE(r.recommendations.size() >= 3);
  for (size_t i = 1; i < r.recommendations.size(); ++i) {
    CHECK(r.recommendations[i - 1].evaluation.cost_per_million_tokens <=
          r.recommendations[i].evaluation.cost_per_million_tokens);
  }
  std::vector<std::string> order;
  for (const auto& rec : r.recommendations) order.push_back(rec.evaluation.deployment.hardware->id);
  const auto a = std::find(order.begin(), order.end(), "twin-a");
  const auto b = std::find(order.begin(), order.end(), "twin-b");
  REQUIRE(a != order.end());
  REQUIRE(b != order.end());
  CHECK(a + 1 == b);
  // Every recommendation explains itself and ends with its rank.
  for (size_t i = 0; i < r.recommendations.size(); ++i) {
    const auto& reasons = r.recommendations[i].reasons;
    REQUIRE_FALSE(reasons.empty());
    CHECK_THAT(reasons.back(), Contains("rank " + std::to_string(i + 1)));
  }
}

TEST_CASE("recommend: the best candidate per device passes every hard rule", "[recommend]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  const llmhw::Query q = chat_query(20);
  const llmhw::RecommendResult r = llmhw::recommend(q, m, toy_catalog(), calibration());
  REQUIRE_FALSE(r.recommendations.empty());
  for (const auto& rec : r.recommendations) {
    for (const llmhw::Rule& rule : llmhw::hard_rules()) {
      INFO(rec.evaluation.deployment.hardware->id << " rule " << rule.name);
      CHECK(rule.passes(rec.evaluation, q));
    }
    CHECK(rec.evaluation.at_load.tpot_s * 1e3 <= q.tpot_ms);
    CHECK(rec.evaluation.at_load.ttft_s * 1e3 <= q.ttft_ms);
  }
}

TEST_CASE("recommend: a larger budget never removes an option", "[recommend][budget]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  std::set<std::string> previous;
  std::set<std::string> smallest, largest;
  bool first = true;
  for (double budget : {0.5, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0, 200.0, 1000.0}) {
    INFO("budget " << budget);
    llmhw::Query q = chat_query(20);
    q.budget_per_hour = budget;
    const llmhw::RecommendResult r = llmhw::recommend(q, m, toy_catalog(), calibration());
    const std::set<std::string> ids = recommended_ids(r);
    CHECK(is_subset(previous, ids));
    for (const auto& rec : r.recommendations) CHECK(rec.evaluation.cost_per_hour <= budget);
    if (first) smallest = ids;
    first = false;
    largest = ids;
    previous = ids;
  }
  // No budget at all is the largest budget.
  const std::set<std::string> unlimited =
      recommended_ids(llmhw::recommend(chat_query(20), m, toy_catalog(), calibration()));
  CHECK(is_subset(largest, unlimited));
  // The sweep is meaningful: the budget did remove options at the low end.
  CHECK(smallest.size() < unlimited.size());
}

TEST_CASE("recommend: a tighter TPOT never adds an option", "[recommend][tpot]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  std::set<std::string> previous;
  bool first = true;
  size_t loosest = 0, tightest = 0;
  for (double tpot : {500.0, 200.0, 100.0, 50.0, 30.0, 20.0, 15.0, 10.0, 5.0, 2.0}) {
    INFO("tpot " << tpot);
    llmhw::Query q = chat_query(20);
    q.tpot_ms = tpot;
    const std::set<std::string> ids = recommended_ids(llmhw::recommend(q, m, toy_catalog(), calibration()));
    if (!first) CHECK(is_subset(ids, previous));
    if (first) loosest = ids.size();
    first = false;
    tightest = ids.size();
    previous = ids;
  }
  CHECK(tightest < loosest);
}

TEST_CASE("recommend: rejections carry the rule and a reason", "[recommend][rules]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  std::vector<llmhw::Hardware> hws = toy_catalog();
  hws.push_back(llmhw_test::round_gpu("no-price", 0.0));  // no price entries at all
  llmhw::Hardware tiny = llmhw_test::round_gpu("tiny", 1.0);
  // 1 GB x 0.9 = 0.9 usable: bf16 needs 16.06 GB, int8 7,504,924,672 x 1 + 1,050,673,152 x 2
  // = 9.56 GB: neither fits even split over the deepest pipeline tried (8 stages, 7.2 GB).
  tiny.memory_gb = 1;
  tiny.fast_group_sizes = {1};
  hws.push_back(tiny);
  llmhw::Query q = chat_query(20);
  const llmhw::RecommendResult r = llmhw::recommend(q, m, hws, calibration());

  std::set<std::string> rule_names;
  for (const llmhw::Rule& rule : llmhw::hard_rules()) rule_names.insert(std::string(rule.name));
  REQUIRE(r.rejected.size() >= 2);
  for (size_t i = 0; i < r.rejected.size(); ++i) {
    const llmhw::Rejection& rej = r.rejected[i];
    REQUIRE(rej.hardware != nullptr);
    INFO("rejected " << rej.hardware->id);
    CHECK(rule_names.count(rej.rule) == 1);
    REQUIRE_FALSE(rej.reasons.empty());
    for (const std::string& reason : rej.reasons) CHECK_FALSE(reason.empty());
    if (i > 0) CHECK(r.rejected[i - 1].hardware->id < rej.hardware->id);  // sorted by id
  }
  const auto find = [&](const std::string& id) -> const llmhw::Rejection* {
    for (const auto& rej : r.rejected)
      if (rej.hardware->id == id) return &rej;
    return nullptr;
  };
  const llmhw::Rejection* no_price = find("no-price");
  REQUIRE(no_price != nullptr);
  CHECK(no_price->rule == "has-price");
  CHECK_THAT(no_price->reasons.front(), Contains("price"));
  const llmhw::Rejection* too_small = find("tiny");
  REQUIRE(too_small != nullptr);
  CHECK(too_small->rule == "fits-memory");
  CHECK_THAT(too_small->reasons.front(), Contains("GB"));
  // The device with no price is not among the recommendations.
  CHECK(recommended_ids(r).count("no-price") == 0);
  CHECK(recommended_ids(r).count("tiny") == 0);
}

TEST_CASE("recommend: budget, precision and kind filters", "[recommend][rules]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  SECTION("a budget below every option rejects the viable devices with within-budget") {
    // Devices that pass every other rule without a budget fail only the budget with one.
    const std::set<std::string> viable =
        recommended_ids(llmhw::recommend(chat_query(20), m, toy_catalog(), calibration()));
    REQUIRE_FALSE(viable.empty());
    llmhw::Query q = chat_query(20);
    q.budget_per_hour = 0.01;
    const llmhw::RecommendResult r = llmhw::recommend(q, m, toy_catalog(), calibration());
    CHECK(r.recommendations.empty());
    REQUIRE(r.rejected.size() == toy_catalog().size());
    for (const auto& rej : r.rejected) {
      if (viable.count(rej.hardware->id) == 0) continue;
      INFO(rej.hardware->id);
      CHECK(rej.rule == "within-budget");
      CHECK_THAT(rej.reasons.front(), Contains("budget"));
    }
  }
  SECTION("a precision no device offers is rejected as precision-supported") {
    llmhw::Query q = chat_query(1);
    q.precisions = {Precision::fp4};
    // GPUs and CPUs run fp4 weight-only; the same devices as TPUs have neither fp4 units nor
    // a weight-only fp4 path.
    std::vector<llmhw::Hardware> tpus = toy_catalog();
    for (llmhw::Hardware& hw : tpus) hw.kind = llmhw::DeviceKind::tpu;
    const llmhw::RecommendResult r = llmhw::recommend(q, m, tpus, calibration());
    CHECK(r.recommendations.empty());
    REQUIRE(r.rejected.size() == tpus.size());
    for (const auto& rej : r.rejected) {
      CHECK(rej.rule == "precision-supported");
      CHECK_THAT(rej.reasons.front(), Contains("fp4"));
    }
  }
  SECTION("kinds restrict the search") {
    llmhw::Query q = chat_query(1);
    q.tpot_ms = 500;
    q.ttft_ms = 60'000;
    q.kinds = {llmhw::DeviceKind::cpu};
    const llmhw::RecommendResult r = llmhw::recommend(q, m, toy_catalog(), calibration());
    CHECK(r.recommendations.size() + r.rejected.size() == 1);
    for (const auto& rec : r.recommendations)
      CHECK(rec.evaluation.deployment.hardware->kind == llmhw::DeviceKind::cpu);
  }
}

TEST_CASE("hard_rules are in their documented order", "[recommend][rules]") {
  std::vector<std::string> names;
  for (const llmhw::Rule& rule : llmhw::hard_rules()) names.emplace_back(rule.name);
  CHECK(names == std::vector<std::string>{"fits-memory", "meets-tpot", "meets-ttft", "meets-e2e",
                                          "sane-replica-count", "has-price", "within-budget",
                                          "within-power-budget"});
}

TEST_CASE("Calibration picks the efficiency of the device kind", "[recommend]") {
  llmhw::Calibration c;
  c.cpu.memory_bandwidth = 0.1;
  c.gpu.memory_bandwidth = 0.2;
  c.tpu.memory_bandwidth = 0.3;
  c.accelerator.memory_bandwidth = 0.4;
  llmhw::Hardware hw = llmhw_test::round_gpu();
  CHECK(c.for_hardware(hw).memory_bandwidth == 0.2);
  hw.kind = llmhw::DeviceKind::cpu;
  CHECK(c.for_hardware(hw).memory_bandwidth == 0.1);
  hw.kind = llmhw::DeviceKind::tpu;
  CHECK(c.for_hardware(hw).memory_bandwidth == 0.3);
  hw.kind = llmhw::DeviceKind::accelerator;
  CHECK(c.for_hardware(hw).memory_bandwidth == 0.4);
}

TEST_CASE("recommend: a model larger than a node gets pipeline stages over nodes", "[recommend][fleet]") {
  // 405B at bf16 is ~811 GB: more than 8 x 80 GB x 0.9 usable, so one 8-GPU node cannot hold it.
  const llmhw::Model m = llmhw::model_from_size(405e9);
  llmhw::Query q = chat_query(2);
  q.precisions = {llmhw::Precision::bf16};
  q.tpot_ms = 200;
  q.ttft_ms = 5000;
  llmhw::Hardware gpu = llmhw_test::round_gpu("node-gpu", 2.0);
  gpu.memory_gb = 80;
  gpu.devices_per_node = 8;
  gpu.fast_group_sizes = {1, 2, 4, 8};
  const llmhw::RecommendResult r = llmhw::recommend(q, m, {gpu}, calibration());
  REQUIRE(r.recommendations.size() == 1);
  const llmhw::Deployment& d = r.recommendations.front().evaluation.deployment;
  CHECK(d.tp == 8);
  CHECK(d.pp >= 2);
  CHECK(d.devices() == d.tp * d.pp);
}

TEST_CASE("recommend: objectives rank by their own measure", "[recommend][fleet]") {
  const llmhw::Model m = llmhw_test::llama_8b();
  for (auto objective : {llmhw::Objective::latency, llmhw::Objective::energy, llmhw::Objective::cost}) {
    llmhw::Query q = chat_query(20);
    q.objective = objective;
    const llmhw::RecommendResult r = llmhw::recommend(q, m, toy_catalog(), calibration());
    REQUIRE(r.recommendations.size() >= 2);
    for (size_t i = 1; i < r.recommendations.size(); ++i) {
      const auto& a = r.recommendations[i - 1].evaluation;
      const auto& b = r.recommendations[i].evaluation;
      INFO(llmhw::to_string(objective) << " rank " << i);
      if (objective == llmhw::Objective::latency) CHECK(a.at_load.tpot_s <= b.at_load.tpot_s);
      if (objective == llmhw::Objective::energy) {
        // Hardware whose power is not published ranks after all that have a TDP.
        CHECK((!b.energy_known || (a.energy_known && a.energy_kwh_per_hour <= b.energy_kwh_per_hour)));
      }
      if (objective == llmhw::Objective::cost) CHECK(a.cost_per_million_tokens <= b.cost_per_million_tokens);
    }
  }
}

TEST_CASE("a rejection never reads as its own target: TPOT 50.31 ms > 50 ms", "[recommend][rules]") {
  llmhw::Query q = chat_query(1);
  llmhw::Evaluation e;
  e.at_load.concurrency = 1;
  e.at_load.tpot_s = 0.05031;  // rounds to "50 ms", the target
  const llmhw::Rule& tpot = llmhw::hard_rules()[1];
  REQUIRE(tpot.name == "meets-tpot");
  REQUIRE_FALSE(tpot.passes(e, q));
  CHECK_THAT(tpot.why_not(e, q), Contains("TPOT 50.31 ms > 50 ms target"));
  e.at_load.tpot_s = 0.210;  // clearly over: the usual rounding
  CHECK_THAT(tpot.why_not(e, q), Contains("TPOT 210 ms > 50 ms target"));
}

TEST_CASE("a latency that rounds to its target gets more digits in its own unit", "[recommend][rules]") {
  const auto why_not = [](std::string_view rule, const llmhw::Evaluation& e, const llmhw::Query& q) {
    for (const llmhw::Rule& r : llmhw::hard_rules())
      if (r.name == rule) return r.why_not(e, q);
    return std::string();
  };
  llmhw::Query q;  // targets: TTFT 1 s, TPOT 50 ms (means)
  llmhw::Evaluation e;
  e.at_load.ttft_s = 1.0012;   // "1 s" at three digits, the target's own text
  e.at_load.tpot_s = 0.05031;  // "50 ms"
  CHECK(why_not("meets-ttft", e, q).rfind("TTFT 1.001 s > 1 s target", 0) == 0);
  CHECK(why_not("meets-tpot", e, q).rfind("TPOT 50.31 ms > 50 ms target", 0) == 0);
  e.at_load.tpot_s = 0.0612;  // far enough from the target: three digits
  CHECK(why_not("meets-tpot", e, q).rfind("TPOT 61 ms > 50 ms target", 0) == 0);
}
