#pragma once
// The query flags recommend and capacity share (model, workload, targets, precision, headroom),
// as typed, and their parsing into a Query: parsed after CLI11 so that every error names its flag.
#include <string>
#include <vector>

#include "llmhw/recommend.hpp"

namespace llmhw::cli {

// What to compute (as typed; parsed after CLI11 so that every error names its flag).
struct RecommendOptions {
  std::string model, model_config, qps, input_tokens = "1024", output_tokens = "256";
  std::string ttft, tpot, e2e, budget, precision = "auto", kinds, pricing = "on-demand";
  std::string optimize = "cost", pue, electricity_price, confidence = "expected";
  std::string max_utilisation, n_plus;             // headroom
  std::string vendors, hardware, exclude, clouds;  // catalog filters
  std::vector<std::string> prices;                 // --price ID=USD/h, repeatable
  std::string price_file;                          // --price-file FILE
  // A daily load profile in place of --qps (recommend --load-profile; see load_profile.hpp).
  std::string load_profile, scale_up_minutes = "5", baseline;
  std::string power_budget;       // --power-budget 40kW
  std::string have, owned_cost;   // recommend --have 16xh100-sxm,8xl40s, --owned-cost 0
  bool no_disaggregated = false;  // --no-disaggregated
  bool no_mixed_fleet = false;    // --no-mixed-fleet
  std::string speculative, acceptance, prefix_cache_hit, shared_prefix_tokens;  // "" = default
};

// The flags as a Query; usage errors name the flag. An empty qps leaves Query::qps at 0.
Query build_query(const RecommendOptions& o);

}  // namespace llmhw::cli
