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

struct World {
  std::vector<Hardware> hardware;
  std::vector<Model> models;
  Calibration calibration;
};

const World& world() {
  static const World cached = [] {
    World w;
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
  return q;
}

std::map<std::string, const Evaluation*> feasible(const RecommendResult& r) {
  std::map<std::string, const Evaluation*> out;
  for (const auto& rec : r.recommendations) out[rec.evaluation.deployment.hardware->id] = &rec.evaluation;
  return out;
}

}  // namespace

TEST_CASE("properties over seeded random queries", "[properties]") {
  const World& w = world();
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
      const std::string json = render::recommend_json(base, ctx);
      CHECK(json == render::recommend_json(again, ctx));
      CHECK(json.find("NaN") == std::string::npos);
      const auto parsed = nlohmann::json::parse(json);
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
    }
  }
}
