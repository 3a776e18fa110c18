// Evidence tiers and error bands end to end: on the fixture data with one fitted entry added
// (H100 SXM, measured), every recommend and estimate output names each device's tier and
// carries its band, the band being the prediction times the ratios typed below.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_harness.hpp"

using Catch::Matchers::Contains;
using llmhw::test::run_cli;

namespace {

// The fixture efficiency.json (per-kind defaults only; GPU band TTFT [0.5, 2.0], TPOT
// [0.6, 1.6]) plus a fit for h100-sxm alone with the GPU defaults' factors and a narrow band.
struct FittedData {
  llmhw::test::ScratchData scratch;
  FittedData() {
    nlohmann::json doc = nlohmann::json::parse(read(llmhw::test::fixture_data() / "efficiency.json"));
    nlohmann::json entry = doc.at("by_kind").at("gpu");
    entry["group"] = "hopper";
    entry["hardware"] = {"h100-sxm"};
    entry["engine"] = "*";
    entry["rows"] = 10;
    entry["bounds"] = {{"ttft", {0.8, 1.25}}, {"tpot", {0.9, 1.1}}, {"throughput", {0.9, 1.1}}};
    doc["fitted"] = nlohmann::json::array({entry});
    scratch.write("efficiency.json", doc.dump(2));
  }
  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::vector<std::string> args(std::vector<std::string> rest) const {
    rest.insert(rest.begin(), {"--data-dir", scratch.dir.string()});
    return rest;
  }
};

// bounds.<metric> / metrics.<metric>: the band's ratios (both rounded to 4 significant digits).
void check_ratios(const nlohmann::json& bounds, const nlohmann::json& metrics, const char* key, double low,
                  double high) {
  INFO(key);
  const double predicted = metrics.at(key).get<double>();
  CHECK(bounds.at(key).at(0).get<double>() / predicted == Approx(low).epsilon(1e-3));
  CHECK(bounds.at(key).at(1).get<double>() / predicted == Approx(high).epsilon(1e-3));
}

// RFC 4180 fields of one line (quoted fields may hold commas; no line breaks in these outputs).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("recommend JSON: each recommendation's evidence tier and bounds", "[cli][evidence]") {
  const FittedData data;
  const auto r =
      run_cli(data.args({"recommend", "--model", "70b", "--qps", "50", "--all", "--format", "json"}));
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("query").at("confidence") == "expected");
  std::set<std::string> seen;
  for (const auto& rec : j.at("recommendations")) {
    const std::string id = rec.at("hardware").at("id");
    INFO(id);
    seen.insert(id);
    const auto& b = rec.at("bounds");
    const auto& m = rec.at("metrics");
    if (id == "h100-sxm") {
      CHECK(rec.at("evidence") == "measured");
      check_ratios(b, m, "ttft_ms", 0.8, 1.25);
      check_ratios(b, m, "tpot_ms", 0.9, 1.1);
    } else if (id == "l4") {
      // NVIDIA like H100, no rows: H100's band joined with the GPU default's:
      // TTFT [min(0.8, 0.5), max(1.25, 2.0)], TPOT [min(0.9, 0.6), max(1.1, 1.6)].
      CHECK(rec.at("evidence") == "family");
      CHECK_THAT(rec.at("evidence_basis").get<std::string>(), Contains("h100-sxm"));
      check_ratios(b, m, "ttft_ms", 0.5, 2.0);
      check_ratios(b, m, "tpot_ms", 0.6, 1.6);
    } else {
      // MI300X (AMD), TPU v6e (Google), Xeon (Intel): no calibrated device of their vendor.
      CHECK(rec.at("evidence") == "datasheet");
      if (id == "mi300x") check_ratios(b, m, "tpot_ms", 0.6, 1.6);
    }
    bool named = false;
    for (const auto& reason : rec.at("reasons"))
      named = named ||
              reason.get<std::string>().rfind("evidence: " + rec.at("evidence").get<std::string>(), 0) == 0;
    CHECK(named);
  }
  CHECK(seen.count("h100-sxm") == 1);
  CHECK(seen.count("l4") == 1);
  CHECK(seen.count("mi300x") == 1);
}

TEST_CASE("recommend --confidence p90 sizes on the band's high end; a bad value is a usage error",
          "[cli][evidence]") {
  const FittedData data;
  const auto base = run_cli(data.args({"recommend", "--model", "70b", "--qps", "50", "--tpot", "80ms",
                                       "--hardware", "l4", "--format", "json"}));
  const auto p90 = run_cli(data.args({"recommend", "--model", "70b", "--qps", "50", "--tpot", "80ms",
                                      "--hardware", "l4", "--confidence", "p90", "--format", "json"}));
  REQUIRE(base.code == 0);
  REQUIRE(p90.code == 0);
  const auto b = nlohmann::json::parse(base.out).at("recommendations").at(0);
  const auto p = nlohmann::json::parse(p90.out).at("recommendations").at(0);
  CHECK(nlohmann::json::parse(p90.out).at("query").at("confidence") == "p90");
  // L4 borrows H100's fit (family): TPOT high end 1.6, so the mean TPOT must stay under
  // 80 / 1.6 = 50 ms, and one replica serves fewer requests.
  CHECK(p.at("evidence") == "family");
  CHECK(b.at("metrics").at("tpot_ms").get<double>() > 50.0);
  CHECK(p.at("metrics").at("tpot_ms").get<double>() * 1.6 <= 80.0 * 1.0005);
  CHECK(p.at("bounds").at("tpot_ms").at(1).get<double>() <= 80.0 * 1.0005);
  CHECK(p.at("total_devices").get<int>() > b.at("total_devices").get<int>());

  const auto table = run_cli(data.args({"recommend", "--model", "70b", "--qps", "50", "--tpot", "80ms",
                                        "--hardware", "l4", "--confidence", "p90"}));
  CHECK_THAT(table.out, Contains("TPOT <= 80 ms at each band's high end (--confidence p90)"));
  CHECK_THAT(table.out, Contains("checked at"));

  const auto bad = run_cli(data.args({"recommend", "--model", "70b", "--qps", "50", "--confidence", "p95"}));
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Contains("--confidence") && Contains("expected, p90"));
}

TEST_CASE("recommend table and CSV show the band and the evidence", "[cli][evidence]") {
  const FittedData data;
  const auto table = run_cli(data.args({"recommend", "--model", "70b", "--qps", "50"}));
  REQUIRE(table.code == 0);
  CHECK_THAT(table.out, Contains("evidence") && Contains("±") && Contains("measured") && Contains("family"));

  const auto csv = run_cli(data.args({"recommend", "--model", "70b", "--qps", "50", "--format", "csv"}));
  const auto js = run_cli(data.args({"recommend", "--model", "70b", "--qps", "50", "--format", "json"}));
  REQUIRE(csv.code == 0);
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(csv.out);
  for (std::string line; std::getline(lines, line);) rows.push_back(csv_fields(line));
  const auto recs = nlohmann::json::parse(js.out).at("recommendations");
  REQUIRE(rows.size() == recs.size() + 1);
  const auto& header = rows.front();
  const auto col = [&header](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<size_t>(it - header.begin());
  };
  for (size_t i = 0; i < recs.size(); ++i) {
    const auto& row = rows[i + 1];
    const auto& j = recs[i];
    CHECK(row[col("evidence")] == j.at("evidence"));
    CHECK(std::stod(row[col("ttft_low_ms")]) == j.at("bounds").at("ttft_ms").at(0).get<double>());
    CHECK(std::stod(row[col("ttft_high_ms")]) == j.at("bounds").at("ttft_ms").at(1).get<double>());
    CHECK(std::stod(row[col("tpot_low_ms")]) == j.at("bounds").at("tpot_ms").at(0).get<double>());
    CHECK(std::stod(row[col("tpot_high_ms")]) == j.at("bounds").at("tpot_ms").at(1).get<double>());
  }
}

TEST_CASE("estimate: evidence in JSON, table and CSV", "[cli][evidence]") {
  const FittedData data;
  const std::vector<std::string> query = {
      "estimate", "--model",         "llama-3.1-8b", "--hardware",    "l4", "--input-tokens",
      "512",      "--output-tokens", "128",          "--concurrency", "4"};
  auto json_args = query;
  json_args.insert(json_args.end(), {"--format", "json"});
  const auto r = run_cli(data.args(json_args));
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("evidence") == "family");
  CHECK_THAT(j.at("evidence_basis").get<std::string>(), Contains("h100-sxm") && Contains("band widened"));
  check_ratios(j.at("bounds"), j.at("metrics"), "tpot_ms", 0.6, 1.6);

  auto h100 = json_args;
  h100[4] = "h100-sxm";
  const auto measured = nlohmann::json::parse(run_cli(data.args(h100)).out);
  CHECK(measured.at("evidence") == "measured");
  check_ratios(measured.at("bounds"), measured.at("metrics"), "tpot_ms", 0.9, 1.1);

  const auto table = run_cli(data.args(query));
  CHECK_THAT(table.out, Contains("evidence") && Contains("family (borrowed from h100-sxm"));
  auto csv_args = query;
  csv_args.insert(csv_args.end(), {"--format", "csv"});
  const auto csv = run_cli(data.args(csv_args));
  std::istringstream lines(csv.out);
  std::string header, record;
  std::getline(lines, header);
  std::getline(lines, record);
  const auto names = csv_fields(header);
  const auto column = std::find(names.begin(), names.end(), "evidence");
  REQUIRE(column != names.end());
  CHECK(csv_fields(record).at(static_cast<size_t>(column - names.begin())) == "family");
}
