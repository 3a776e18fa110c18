// The rough edges a new user hits (issue 25): typos in filters are usage errors with a
// suggestion, messages name what they mean, rates take units, and the figures users used to
// compute by hand ($/month, $/request, their own price, the query in CSV, how far a rejection was)
// are in the output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::run_cli;
using json = nlohmann::json;

namespace {

std::vector<std::string> on(const std::string& data, std::vector<std::string> args) {
  args.insert(args.begin(), {"--data-dir", data});
  return args;
}

std::vector<std::string> fixture(std::vector<std::string> args) {
  return on(fixture_data().string(), std::move(args));
}

std::vector<std::string> on_shipped(std::vector<std::string> args) {
  return on(LLMHW_DATA, std::move(args));
}

std::vector<std::string> recommend_at(const std::string& qps, std::vector<std::string> extra) {
  std::vector<std::string> args = {"recommend", "--model", "70b", "--qps", qps};
  args.insert(args.end(), extra.begin(), extra.end());
  return fixture(args);
}

std::vector<std::string> recommend_70b(std::vector<std::string> extra) {
  return recommend_at("50", std::move(extra));
}

json json_of(const std::vector<std::string>& args) {
  const auto r = run_cli(args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

json recommend_70b_json(std::vector<std::string> extra) {
  extra.insert(extra.end(), {"--format", "json"});
  const auto r = run_cli(recommend_70b(extra));
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

const json& recommendation_for(const json& doc, const std::string& id) {
  for (const json& rec : doc.at("recommendations"))
    if (rec.at("hardware").at("id") == id) return rec;
  FAIL("no recommendation for " << id);
  throw;
}

// One usage error: exit 2, exactly this line on stderr, nothing on stdout.
void usage_error(const std::vector<std::string>& args, const std::string& line) {
  const auto r = run_cli(args);
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err == "llmhw: error: " + line + "\n");
  CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("a mistyped --vendor or --cloud is a usage error with a suggestion, not exit 3",
          "[cli][usability]") {
  // The fixture's vendors: amd (mi300x), google (tpu-v6e), intel (xeon-6980p), nvidia (h100, l4).
  usage_error(
      recommend_70b({"--vendor", "nvdia"}),
      "--vendor: unknown vendor 'nvdia'; did you mean 'nvidia'?; the catalog has: amd, google, intel, "
      "nvidia");
  usage_error(
      recommend_70b({"--vendor", "amd,nvdia"}),
      "--vendor: unknown vendor 'nvdia'; did you mean 'nvidia'?; the catalog has: amd, google, intel, "
      "nvidia");
  const auto cloud = run_cli(recommend_70b({"--cloud", "awss"}));
  CHECK(cloud.code == 2);
  CHECK(cloud.err.rfind("llmhw: error: --cloud: unknown cloud 'awss'; did you mean 'aws'?; the catalog has: ",
                        0) == 0);
  CHECK(cloud.out.empty());
  // Known values still filter: only the AMD profile is considered.
  const json amd = recommend_70b_json({"--vendor", "amd", "--top", "100"});
  for (const json& rec : amd.at("recommendations")) CHECK(rec.at("hardware").at("id") == "mi300x");
}

TEST_CASE("filters that together leave no hardware name every flag and exit 2", "[cli][usability]") {
  usage_error(
      recommend_70b({"--hardware", "h100-sxm", "--kind", "cpu"}),
      "--hardware h100-sxm and --kind cpu leave no hardware; `llmhw hardware list` shows the catalog");
  usage_error(recommend_70b({"--vendor", "amd", "--cloud", "gcp", "--kind", "gpu"}),
              "--vendor amd, --cloud gcp and --kind gpu leave no hardware; `llmhw hardware list` shows the "
              "catalog");
  usage_error(recommend_70b({"--hardware", "l4", "--exclude", "l4"}),
              "--hardware l4 and --exclude l4 leave no hardware; `llmhw hardware list` shows the catalog");
  // The fixture has no accelerator-kind profile.
  usage_error(recommend_70b({"--kind", "accelerator"}),
              "--kind accelerator leaves no hardware; `llmhw hardware list` shows the catalog");
  // A valid filter whose hardware cannot meet the targets is still exit 3: it was judged.
  CHECK(run_cli(recommend_70b({"--kind", "cpu"})).code == 3);
}

TEST_CASE("suggestions list every prefix match and prefer the nearer size", "[cli][usability]") {
  usage_error(on_shipped({"hardware", "show", "h100"}),
              "hardware show: unknown hardware 'h100'; did you mean 'h100-nvl', 'h100-pcie' or 'h100-sxm'?; "
              "`llmhw hardware list` shows the catalog");
  const auto model = run_cli(on_shipped({"recommend", "--model", "llama-3.1-7b", "--qps", "5"}));
  CHECK(model.code == 2);
  CHECK(model.err.find("did you mean 'llama-3.1-8b' or 'llama-3.1-70b'?") != std::string::npos);
}

TEST_CASE("an unknown option names the command and the nearest option", "[cli][usability]") {
  usage_error(recommend_70b({"--qsp", "5"}),
              "recommend: unknown option '--qsp'; did you mean '--qps'?; `llmhw recommend --help` lists the "
              "options");
  usage_error(
      recommend_70b({"--vendors=amd"}),
      "recommend: unknown option '--vendors'; did you mean '--vendor'?; `llmhw recommend --help` lists "
      "the options");
  usage_error(
      fixture({"hardware", "list", "--knd", "gpu"}),
      "hardware list: unknown option '--knd'; did you mean '--kind'?; `llmhw hardware list --help` lists "
      "the options");
}

TEST_CASE("option --qps takes scientific notation and a period; a bare latency gets both readings",
          "[cli][usability]") {
  const auto qps = [](const std::string& rate) {
    return json_of(recommend_at(rate, {"--format", "json"})).at("query").at("qps").get<double>();
  };
  // 2 per minute = 2 / 60 = 0.03333 per second (4 significant digits in the JSON).
  CHECK(qps("2/min") == Approx(2.0 / 60).epsilon(1e-3));
  CHECK(qps("120/h") == Approx(120.0 / 3600).epsilon(1e-3));
  // 10,000 a day = 10000 / 86400 = 0.1157 per second.
  CHECK(qps("10k/day") == Approx(10000.0 / 86400).epsilon(1e-3));
  CHECK(qps("1e2") == 100.0);
  usage_error(recommend_at("-1", {}), "--qps: must be > 0, got '-1'");
  usage_error(recommend_70b({"--ttft", "0.8"}), "--ttft: '0.8' needs a unit: 0.8s (800 ms) or 0.8ms");
  usage_error(recommend_70b({"--tpot", "40"}), "--tpot: '40' needs a unit (ms or s), e.g. 40ms");
}

TEST_CASE("a fits-memory rejection counts every device of the replica, pipeline stages too",
          "[cli][usability]") {
  // 6T parameters at int8 are ~6 TB of weights: more than 8 H100s x 8 stages hold (64 x 80 GB
  // = 5.1 TB), so the closest try is TP=8, PP=8 and its message must say 64 devices.
  const auto r = run_cli(fixture({"recommend", "--model", "6t", "--qps", "1", "--precision", "int8",
                                  "--hardware", "h100-sxm", "--format", "json"}));
  REQUIRE(r.code == 3);
  const json doc = json::parse(r.out);
  const json& rejection = doc.at("rejected").at(0);
  CHECK(rejection.at("rule") == "fits-memory");
  const std::string reason = rejection.at("reasons").at(0);
  INFO(reason);
  CHECK(reason.find("split over 64 devices (TP=8, PP=8)") != std::string::npos);
  CHECK(reason.find("closest try: int8, TP=8, PP=8") != std::string::npos);
  // "6T int8 is 6,0xx GB of weights split over ...: 94.x GB per device + ...": the total is the
  // per-device share times 64.
  const auto gb_after = [&reason](const std::string& marker) {
    std::string digits = reason.substr(reason.find(marker) + marker.size());
    digits = digits.substr(0, digits.find(" GB"));
    digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
    return std::stod(digits);
  };
  CHECK(gb_after(" is ") == Approx(gb_after("PP=8): ") * 64).epsilon(0.01));
  // Nothing was served: the closest try has its layout but no latencies.
  const json& closest = rejection.at("closest");
  CHECK(closest.at("tp") == 8);
  CHECK(closest.at("pp") == 8);
  CHECK(closest.at("tpot_ms").is_null());
  CHECK(closest.at("target_ms").is_null());
}

TEST_CASE("counts agree with their nouns, and the layout column is labelled", "[cli][usability]") {
  // 8B at 0.1 req/s: one device, one replica, about one request in flight.
  const auto r = run_cli(fixture({"recommend", "--model", "8b", "--qps", "0.1", "--hardware", "h100-sxm"}));
  REQUIRE(r.code == 0);
  for (const char* wrong : {"1 replicas", "1 devices", "1 concurrent requests", "1 sequences"}) {
    INFO(wrong);
    CHECK(r.out.find(wrong) == std::string::npos);
  }
  CHECK(r.out.find("1 replica for 0.1") != std::string::npos);
  CHECK(r.out.find("= 1 x gpu_1x_h100_sxm5 (1 GPU)") != std::string::npos);
  // "TP1" in a column headed "layout", never a bare "1" beside the "1x1" of dev x rep.
  CHECK(r.out.find("dev x rep  prec  layout") != std::string::npos);
  CHECK(r.out.find(" TP1 ") != std::string::npos);
}

TEST_CASE("the table prices a month and a request, and tokens in and out", "[cli][usability]") {
  const json doc = recommend_70b_json({});
  const json& first = doc.at("recommendations").at(0);
  const double per_hour = first.at("cost").at("total_per_hour_usd");
  // 50 req/s x 3600 s = 180,000 requests an hour; 1,024 + 256 tokens each.
  CHECK(first.at("cost").at("per_request_usd").get<double>() == Approx(per_hour / 180000).epsilon(1e-3));
  CHECK(first.at("cost").at("per_million_input_output_tokens_usd").get<double>() ==
        Approx(per_hour / (180000.0 * 1280) * 1e6).epsilon(1e-3));
  CHECK(first.at("cost").at("total_per_month_usd").get<double>() == Approx(per_hour * 730).epsilon(1e-3));
  // Every recommendation's input and output prices recover its whole cost: input x 1,024 + output
  // x 256 = the all-in price x 256 (disaggregated ones included, whose decode workers never prefill).
  for (const json& rec : doc.at("recommendations")) {
    const json& cost = rec.at("cost");
    INFO(rec.at("hardware").at("id").get<std::string>());
    CHECK(cost.at("per_million_input_tokens_usd").get<double>() > 0);
    CHECK(cost.at("per_million_input_tokens_usd").get<double>() * 1024 +
              cost.at("per_million_output_tokens_usd").get<double>() * 256 ==
          Approx(cost.at("per_million_tokens_usd").get<double>() * 256).epsilon(2e-3));
  }
  const auto table = run_cli(recommend_70b({}));
  REQUIRE(table.code == 0);
  // The ranking keeps $/hour and $/1M tok; the costs per unit of use follow in a table of their own.
  const std::string header = table.out.substr(table.out.find("Cost:\n#  hardware") + 6);
  for (const char* column :
       {"$/hour", "$/month", "$/request", "$/1M tok", "$/1M in", "$/1M out", "$/1M in+out", "kWh/h"}) {
    INFO(column);
    CHECK(header.substr(0, header.find('\n')).find(column) != std::string::npos);
  }
}

TEST_CASE("option --price sets one hardware's price per device and says so", "[cli][usability]") {
  const json doc = recommend_70b_json({"--price", "h100-sxm=2.5", "--top", "100"});
  const json& h100 = recommendation_for(doc, "h100-sxm");
  const json& price = h100.at("cost").at("price");
  CHECK(price.at("usd_per_device_hour") == 2.5);
  CHECK(price.at("provider") == "user");
  CHECK(price.at("instance_type") == "--price");
  // Cost per hour = total devices x $2.50.
  CHECK(h100.at("cost").at("per_hour_usd").get<double>() ==
        Approx(h100.at("total_devices").get<int>() * 2.5).epsilon(1e-3));
  bool said = false;
  for (const json& reason : h100.at("reasons"))
    said = said || reason.get<std::string>().find("at $2.50/h per device (your price, from --price)") !=
                       std::string::npos;
  CHECK(said);
  CHECK(doc.at("notes").at(0) == "h100-sxm: $2.50/h per device from --price, in place of its list prices");
  // Other hardware keeps its list price; the user's price holds whatever --pricing asks for.
  CHECK(recommendation_for(doc, "mi300x").at("cost").at("price").at("provider") != "user");
  const json spot =
      recommend_70b_json({"--price", "h100-sxm=$1825/month", "--pricing", "spot", "--top", "100"});
  CHECK(recommendation_for(spot, "h100-sxm").at("cost").at("price").at("usd_per_device_hour") == 2.5);
  usage_error(recommend_70b({"--price", "h100-sxm"}),
              "--price: 'h100-sxm' is not ID=USD/h (e.g. h100-sxm=2.5 or h100-sxm=2.5/h)");
  usage_error(
      recommend_70b({"--price", "h100=2"}),
      "--price: unknown hardware 'h100'; did you mean 'h100-sxm'?; `llmhw hardware list` shows the catalog");
  usage_error(recommend_70b({"--price", "l4=cheap"}),
              "--price: 'cheap' is not a price (expected USD per device-hour, e.g. 2.5, 2.5/h, 1800/month)");
}

TEST_CASE("option --price-file gives several prices; --price wins for the same id", "[cli][usability]") {
  const llmhw::test::TempDir dir;
  const auto file = dir.write("prices.json", R"({"h100-sxm": 3, "l4": "0.5/h"})").string();
  const json doc = recommend_70b_json({"--price-file", file, "--price", "h100-sxm=2", "--top", "100"});
  CHECK(recommendation_for(doc, "h100-sxm").at("cost").at("price").at("usd_per_device_hour") == 2);
  const json& l4 = recommendation_for(doc, "l4").at("cost").at("price");
  CHECK(l4.at("usd_per_device_hour") == 0.5);
  CHECK(l4.at("instance_type") == "--price-file");
  const auto bad = dir.write("bad.json", R"({"l4": "free"})").string();
  const auto r = run_cli(recommend_70b({"--price-file", bad}));
  CHECK(r.code == 1);
  CHECK(r.err ==
        "llmhw: error: " + bad +
            ": /l4: 'free' is not a price (expected USD per device-hour, e.g. 2.5, 2.5/h, 1800/month)\n");
}

TEST_CASE("CSV rows carry the query, so that sweeps concatenate", "[cli][usability]") {
  const auto r = run_cli(recommend_70b({"--format", "csv", "--ttft", "800ms"}));
  REQUIRE(r.code == 0);
  const std::string header = r.out.substr(0, r.out.find("\r\n"));
  CHECK(header.rfind("model,qps,input_tokens,output_tokens,ttft_target_ms,tpot_target_ms,rank,hardware,",
                     0) == 0);
  CHECK(header.find(",cost_per_request_usd,cost_per_million_input_output_tokens_usd,") != std::string::npos);
  const std::string first = r.out.substr(header.size() + 2);
  CHECK(first.rfind("70b,50,1024,256,800,50,1,", 0) == 0);
}

TEST_CASE("every JSON rejection says how close its best try came", "[cli][usability]") {
  const json doc = recommend_70b_json({"--precision", "int8"});
  REQUIRE(!doc.at("rejected").empty());
  for (const json& rejection : doc.at("rejected")) {
    INFO(rejection.dump());
    const json& closest = rejection.at("closest");
    CHECK(closest.at("precision") == "int8");
    // The layout in the prose is the one in the numbers.
    const std::string tp = "TP=" + std::to_string(closest.at("tp").get<int>());
    CHECK(rejection.at("reasons").at(0).get<std::string>().find(tp) != std::string::npos);
    if (rejection.at("rule") == "meets-tpot") {
      CHECK(closest.at("tpot_ms").get<double>() > 50);
      CHECK(closest.at("target_ms") == 50);
    }
  }
}

TEST_CASE("option --explain JSON carries the derivation's numbers beside its prose", "[cli][usability]") {
  const json doc = recommend_70b_json({"--explain", "--top", "1"});
  const json& rec = doc.at("recommendations").at(0);
  const json& n = rec.at("derivation_numbers");
  // The decode step is the roofline (the larger of memory and compute) plus communication and
  // overhead (docs/estimation.md), to the output's 4 digits.
  const double roofline =
      std::max(n.at("decode_memory_ms").get<double>(), n.at("decode_compute_ms").get<double>());
  CHECK(n.at("decode_step_ms").get<double>() ==
        Approx(roofline + n.at("decode_communication_ms").get<double>() +
               n.at("decode_overhead_ms").get<double>())
            .epsilon(2e-3));
  // KV in use = per running sequence x the requests in flight, rounded up.
  CHECK(n.at("kv_gb").get<double>() == Approx(n.at("kv_gb_per_running_sequence").get<double>() *
                                              std::ceil(n.at("concurrency_per_replica").get<double>()))
                                           .epsilon(2e-3));
  // replicas = ceil(50 / (capacity per replica x max utilisation)) + spares.
  const json& query = doc.at("query");
  CHECK(n.at("replicas").get<double>() ==
        std::ceil(50.0 / (n.at("capacity_requests_per_s_per_replica").get<double>() *
                          query.at("max_utilisation").get<double>()) -
                  1e-3) +
            query.at("n_plus").get<double>());
  CHECK(n.at("replicas") == rec.at("replicas"));
  CHECK(n.at("prefill_tokens") == 1024);
}

TEST_CASE("auto precision says what it chose and what quantizing may cost", "[cli][usability]") {
  const auto r = run_cli(recommend_70b({"--top", "2"}));
  REQUIRE(r.code == 0);
  // The fixture's ranks 1 and 2 at 70B: mi300x at fp8 and tpu-v6e at int8, both native.
  CHECK(r.out.find("precision auto (fp8 or int8 per row)") != std::string::npos);
  CHECK(r.out.find("precision auto chose fp8 weights (native fp8 on mi300x)") != std::string::npos);
  CHECK(r.out.find("precision auto chose int8 weights (native int8 on tpu-v6e)") != std::string::npos);
  // TPU v5p has no 8-bit matrix peak in its profile: int8 there is weight-only.
  const auto v5p = run_cli(on_shipped({"recommend", "--model", "8b", "--qps", "1", "--hardware", "tpu-v5p"}));
  REQUIRE(v5p.code == 0);
  CHECK(v5p.out.find("precision auto (int8)") != std::string::npos);
  CHECK(
      v5p.out.find("precision auto chose int8 weights (weight-only: stored in 8 bits, multiplied in bf16") !=
      std::string::npos);
  // Asked for explicitly, nothing is said.
  const auto asked = run_cli(recommend_70b({"--precision", "fp8,int8"}));
  CHECK(asked.out.find("precision auto chose") == std::string::npos);
}
