// Properties of the search over seeded random valid queries on real hardware and models (plain
// blocks, not SECTIONs: Catch2 runs one section per pass, which would skip most queries):
// deterministic, monotonic in load, budget and targets, and JSON that round-trips.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "llmhw/io/loaders.hpp"
#include "llmhw/recommend.hpp"
#include "llmhw/render.hpp"

namespace fs = std::filesystem;
using namespace llmhw;

namespace {

struct PropertyWorld {
  std::vector<Hardware> hardware;
  std::vector<Model> models;
  Calibration calibration;
};

const PropertyWorld& property_world() {
  static const PropertyWorld cached = [] {
    PropertyWorld w;
    const fs::path data = LLMHW_DATA;
    for (Hardware& hw : io::load_hardware_dir(data / "hardware")) {
      for (const char* id :
           {"l4", "a100-80gb", "h100-sxm", "b200", "mi300x", "tpu-v6e", "gaudi3", "xeon-6980p"}) {
        if (hw.id == id) w.hardware.push_back(hw);
      }
    }
    for (const auto& entry : io::list_model_catalog(data / "models")) {
      for (const char* id : {"llama-3.1-8b", "mixtral-8x7b", "qwen3-30b-a3b", "gemma-3-27b"}) {
        if (entry.id == id) w.models.push_back(io::load_catalog_model(entry));
      }
    }
    w.models.push_back(model_from_size(70e9));
    w.calibration = io::load_calibration(data / "efficiency.json");
    return w;
  }();
  return cached;
}

Query random_query(std::mt19937& rng) {
  std::uniform_real_distribution<double> unit(0, 1);
  Query q;
  q.model_text = "random";
  q.qps = 0.1 * std::pow(5000.0, unit(rng));  // 0.1 .. 500 req/s, log-uniform
  q.workload = {std::round(128 * std::pow(32.0, unit(rng))), std::round(64 * std::pow(32.0, unit(rng)))};
  q.tpot_ms = 20 + 180 * unit(rng);
  q.ttft_ms = 200 + 4800 * unit(rng);
  // Half the queries have spread lengths and percentile targets.
  if (unit(rng) < 0.5) {
    q.input_sd = q.workload.input_tokens * 0.5 * unit(rng);
    q.output_sd = q.workload.output_tokens * 0.5 * unit(rng);
    q.ttft_percentile = 90;
    q.tpot_percentile = 99;
  }
  return q;
}

std::map<std::string, const Evaluation*> feasible(const RecommendResult& r) {
  std::map<std::string, const Evaluation*> out;
  for (const auto& rec : r.recommendations) out[rec.evaluation.deployment.hardware->id] = &rec.evaluation;
  return out;
}

}  // namespace

TEST_CASE("properties over seeded random queries", "[properties]") {
  const PropertyWorld& w = property_world();
  std::mt19937 rng(20261126);
  for (int i = 0; i < 12; ++i) {
    const Model& model = w.models[rng() % w.models.size()];
    const Query q = random_query(rng);
    INFO("query " << i << ": " << model.id << " qps " << q.qps << " isl " << q.workload.input_tokens
                  << " osl " << q.workload.output_tokens << " tpot " << q.tpot_ms << " ttft " << q.ttft_ms);
    const RecommendResult base = recommend(q, model, w.hardware, w.calibration);
    // Every device is either recommended or rejected with a reason.
    CHECK(base.recommendations.size() + base.rejected.size() == w.hardware.size());

    {  // deterministic, and its JSON round-trips without a NaN
      const RecommendResult again = recommend(q, model, w.hardware, w.calibration);
      render::RecommendContext ctx{&q, &model, "auto", w.calibration.status, 100, {}};
      const std::string text = render::recommend_json(base, ctx);
      CHECK(text == render::recommend_json(again, ctx));
      CHECK(text.find("NaN") == std::string::npos);
      const auto parsed = nlohmann::json::parse(text);
      CHECK(nlohmann::json::parse(parsed.dump()) == parsed);
    }
    {  // more load never needs fewer replicas or less money
      Query more = q;
      more.qps = q.qps * 2;
      const RecommendResult doubled = recommend(more, model, w.hardware, w.calibration);
      const auto now = feasible(base), then = feasible(doubled);
      for (const auto& [id, e] : then) {
        if (!now.count(id)) continue;
        INFO(id);
        CHECK(e->cost_per_hour >= now.at(id)->cost_per_hour * (1 - 1e-9));
        CHECK(e->total_devices() >= now.at(id)->total_devices());
      }
    }
    {  // a larger budget never removes an option; tighter targets never add one
      Query tight_budget = q, loose_budget = q, tighter = q;
      const double cheapest =
          base.recommendations.empty() ? 10.0 : base.recommendations.front().evaluation.cost_per_hour;
      tight_budget.budget_per_hour = cheapest * 1.5;
      loose_budget.budget_per_hour = cheapest * 3;
      const RecommendResult tight_result = recommend(tight_budget, model, w.hardware, w.calibration);
      const RecommendResult loose_result = recommend(loose_budget, model, w.hardware, w.calibration);
      const auto tight = feasible(tight_result), loose = feasible(loose_result);
      for (const auto& [id, e] : tight) CHECK(loose.count(id) == 1);
      tighter.tpot_ms = q.tpot_ms / 2;
      tighter.ttft_ms = q.ttft_ms / 2;
      const auto all = feasible(base);
      const RecommendResult tighter_result = recommend(tighter, model, w.hardware, w.calibration);
      for (const auto& [id, e] : feasible(tighter_result)) CHECK(all.count(id) == 1);
      // A target on the 99th percentile is tighter than the same target on the mean.
      Query p99 = q;
      p99.ttft_percentile = p99.tpot_percentile = 99;
      p99.e2e_ms = 1e3 * (q.ttft_ms + q.tpot_ms * q.workload.output_tokens);
      p99.e2e_percentile = 99;
      for (const auto& [id, e] : feasible(recommend(p99, model, w.hardware, w.calibration))) {
        if (q.ttft_percentile == 0) CHECK(all.count(id) == 1);
      }
    }
    for (const auto& rec : base.recommendations) {  // percentiles are ordered; energy adds up
      const Evaluation& e = rec.evaluation;
      const LoadPoint& l = e.at_load;
      INFO(e.deployment.hardware->id);
      CHECK(l.ttft_at(50) <= l.ttft_at(90));
      CHECK(l.ttft_at(90) <= l.ttft_at(99));
      CHECK(l.tpot_at(50) <= l.tpot_at(99));
      CHECK(l.e2e_at(90) <= l.e2e_at(99));
      CHECK(e.utilisation > 0);
      CHECK(e.utilisation <= 1.0 + 1e-9);
      CHECK(e.energy_kwh_per_hour == Approx(static_cast<double>(e.total_devices()) *
                                            e.deployment.hardware->tdp_w / 1000.0 * e.utilisation * q.pue));
    }
  }
}

TEST_CASE("a sizing cache shared across queries changes no answer", "[properties][cache]") {
  // Batch mode keeps one SizingCache per worker across lines; the uncached search is the oracle.
  const PropertyWorld& w = property_world();
  std::mt19937 rng(7);
  SizingCache cache;
  for (int i = 0; i < 8; ++i) {
    const Model& model = w.models[rng() % w.models.size()];
    Query q = random_query(rng);
    q.pricing = std::vector<std::string>{"on-demand", "spot", "amortized-purchase"}[rng() % 3];
    q.objective = static_cast<Objective>(rng() % 4);
    // Queries that differ from the first in one field each: the rate (sizings reused) or a
    // field the sizing depends on (which must not be answered from the cache); then the first
    // again, from the cache.
    std::vector<Query> variants(9, q);
    variants[1].qps *= 3;
    variants[2].qps /= 7;
    variants[3].tpot_ms *= 0.6;
    variants[4].ttft_ms *= 0.3;
    variants[5].tpot_percentile = variants[5].tpot_percentile > 0 ? 0 : 99;
    variants[6].input_sd += 0.4 * q.workload.input_tokens;
    variants[7].workload.output_tokens *= 2;
    variants[8].e2e_ms = 20'000;
    variants.push_back(q);
    for (const Query& v : variants) {
      INFO("query " << i << ": " << model.id << " qps " << v.qps << " tpot " << v.tpot_ms << " ttft "
                    << v.ttft_ms << " pricing " << v.pricing);
      render::RecommendContext ctx{&v, &model, "auto", w.calibration.status, 100, {}};
      CHECK(render::recommend_json(recommend(v, model, w.hardware, w.calibration, SIZE_MAX, &cache), ctx) ==
            render::recommend_json(recommend(v, model, w.hardware, w.calibration), ctx));
    }
  }
  CHECK(cache.size() > 0);
}

TEST_CASE("the search finds each device's cheapest passing candidate (brute force)", "[properties][search]") {
  // The search skips candidates it can prove cannot win; trying every single-node layout with
  // evaluate() must find none that passes every rule and costs less per token.
  const PropertyWorld& w = property_world();
  std::mt19937 rng(11);
  for (int i = 0; i < 10; ++i) {
    const Model& model = w.models[rng() % w.models.size()];
    const Query q = random_query(rng);
    const RecommendResult r = recommend(q, model, w.hardware, w.calibration);
    const auto found = feasible(r);
    for (const Hardware& hw : w.hardware) {
      const Efficiency& eff = w.calibration.for_hardware(hw);
      std::optional<double> cheapest;
      for (Precision p : candidate_precisions(q, hw, model)) {
        for (int tp : candidate_tp_sizes(hw, model)) {
          for (int ep : {1, tp}) {
            if (ep > 1 && (!model.moe || tp == 1)) continue;
            Deployment d{&model, &hw, p, Precision::bf16, tp};
            if (ep > 1) d.moe_tp = 1, d.moe_ep = ep;
            d.max_batch = default_slots(hw, w.calibration);
            const Evaluation e = evaluate(d, q, eff);
            const auto& rules = hard_rules();
            if (!std::all_of(rules.begin(), rules.end(), [&](const Rule& rule) { return rule.passes(e, q); }))
              continue;
            if (!cheapest || e.cost_per_million_tokens < *cheapest) cheapest = e.cost_per_million_tokens;
          }
        }
      }
      INFO("query " << i << ": " << model.id << " qps " << q.qps << " on " << hw.id);
      if (!cheapest) continue;
      REQUIRE(found.count(hw.id));
      CHECK(found.at(hw.id)->cost_per_million_tokens <= *cheapest * (1 + 1e-12));
    }
  }
}
