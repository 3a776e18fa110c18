// --format csv and markdown: CSV read back by an RFC 4180 parser written here and compared with
// the JSON output of the same query; Markdown tables well-formed; formats a command lacks refused.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_harness.hpp"

using llmhw::test::fixture_data;
using llmhw::test::lines_of;
using llmhw::test::run_cli;
using llmhw::test::with_data;

namespace {

using Records = std::vector<std::vector<std::string>>;

// RFC 4180: records end with CRLF; a quoted field may hold commas, CRLF and doubled quotes.
// Anything else (a bare LF, a quote inside an unquoted field, text after a closing quote) fails.
Records parse_csv(const std::string& text) {
  Records records(1, std::vector<std::string>(1));
  size_t i = 0;
  while (i < text.size()) {
    std::string& field = records.back().back();
    if (text[i] == '"' && field.empty()) {
      for (++i;; ++i) {
        REQUIRE(i < text.size());
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          field += text[i];
        }
      }
      REQUIRE((i == text.size() || text[i] == ',' || text[i] == '\r'));
    } else if (text[i] == ',') {
      records.back().emplace_back();
      ++i;
    } else if (text[i] == '\r') {
      REQUIRE(text.compare(i, 2, "\r\n") == 0);
      i += 2;
      if (i < text.size()) records.emplace_back(1);
    } else {
      REQUIRE(text[i] != '\n');
      REQUIRE(text[i] != '"');
      field += text[i++];
    }
  }
  REQUIRE(text.size() >= 2);
  REQUIRE(text.compare(text.size() - 2, 2, "\r\n") == 0);
  return records;
}

// The column of a header name; the test fails if the column is missing.
size_t column(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  REQUIRE(it != header.end());
  return static_cast<size_t>(it - header.begin());
}

// A machine-readable number: digits, one point, maybe an exponent; no unit, "$" or separator.
double plain_number(const std::string& cell) {
  INFO(cell);
  REQUIRE(!cell.empty());
  REQUIRE(cell.find_first_not_of("0123456789.e+-") == std::string::npos);
  size_t used = 0;
  const double v = std::stod(cell, &used);
  REQUIRE(used == cell.size());
  return v;
}

// Every line of a Markdown table starts and ends with a pipe and has as many cells as the
// header; the second line is the separator.
void check_markdown_table(const std::vector<std::string>& lines, size_t first) {
  REQUIRE(lines.size() > first + 1);
  auto cells = [](const std::string& line) {
    size_t n = 0;
    for (size_t i = 0; i < line.size(); ++i) n += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    return n - 1;
  };
  const size_t width = cells(lines[first]);
  CHECK(lines[first + 1].find("| --- |") == 0);
  for (size_t i = first; i < lines.size() && !lines[i].empty(); ++i) {
    INFO(lines[i]);
    CHECK(lines[i].front() == '|');
    CHECK(lines[i].back() == '|');
    CHECK(cells(lines[i]) == width);
  }
}

}  // namespace

TEST_CASE("recommend --format csv: one header row, one record per recommendation, JSON's figures",
          "[cli][formats]") {
  const std::vector<std::string> query = {"recommend", "--model", "70b", "--qps", "50", "--top", "100"};
  auto csv_args = query, json_args = query;
  csv_args.insert(csv_args.end(), {"--format", "csv"});
  json_args.insert(json_args.end(), {"--format", "json"});
  const auto csv = run_cli(with_data(csv_args));
  const auto js = run_cli(with_data(json_args));
  REQUIRE(csv.code == 0);
  CHECK(csv.err.empty());
  const Records records = parse_csv(csv.out);
  const auto recs = nlohmann::json::parse(js.out).at("recommendations");
  REQUIRE(records.size() == recs.size() + 1);
  const auto& h = records.front();
  for (const auto& r : records) CHECK(r.size() == h.size());
  for (size_t i = 0; i < recs.size(); ++i) {
    const auto& r = records[i + 1];
    const auto& j = recs[i];
    CHECK(r[column(h, "rank")] == std::to_string(i + 1));
    CHECK(r[column(h, "hardware")] == j.at("hardware").at("id"));
    // Names with commas ("NVIDIA H100 SXM5 80GB" has none; others do) come back whole.
    CHECK(r[column(h, "hardware_name")] == j.at("hardware").at("name"));
    CHECK(plain_number(r[column(h, "tpot_ms")]) == j.at("metrics").at("tpot_ms").get<double>());
    CHECK(plain_number(r[column(h, "ttft_ms")]) == j.at("metrics").at("ttft_ms").get<double>());
    CHECK(plain_number(r[column(h, "replicas")]) == j.at("replicas").get<double>());
    CHECK(plain_number(r[column(h, "cost_per_hour_usd")]) == j.at("cost").at("per_hour_usd").get<double>());
    CHECK(plain_number(r[column(h, "tpot_p99_ms")]) ==
          j.at("metrics").at("tpot_ms_distribution").at("p99").get<double>());
    const double total = plain_number(r[column(h, "total_cost_per_hour_usd")]);
    CHECK(total == j.at("cost").at("total_per_hour_usd").get<double>());
    // $/1M output tokens by hand: total $/h over (50 req/s x 256 tokens x 3600 s) x 1e6.
    CHECK(plain_number(r[column(h, "cost_per_million_tokens_usd")]) ==
          Approx(total / (50.0 * 256 * 3600) * 1e6).epsilon(2e-3));
  }
}

TEST_CASE("CSV of the lists: numbers without units, quoted names, the same rows as JSON", "[cli][formats]") {
  const auto hw = run_cli(with_data({"hardware", "list", "--format", "csv"}));
  REQUIRE(hw.code == 0);
  const Records h = parse_csv(hw.out);
  const auto hj = nlohmann::json::parse(run_cli(with_data({"hardware", "list", "--format", "json"})).out);
  REQUIRE(h.size() == hj.at("hardware").size() + 1);
  for (size_t i = 1; i < h.size(); ++i) {
    const auto& p = hj.at("hardware")[i - 1];
    CHECK(h[i][column(h[0], "id")] == p.at("id"));
    CHECK(h[i][column(h[0], "name")] == p.at("name"));
    CHECK(plain_number(h[i][column(h[0], "memory_gb")]) == p.at("memory_gb").get<double>());
    CHECK(plain_number(h[i][column(h[0], "memory_bandwidth_gbps")]) ==
          p.at("memory_bandwidth_gbps").get<double>());
    CHECK(plain_number(h[i][column(h[0], "bf16_tflops")]) == p.at("tflops").at("bf16").get<double>());
  }
  const auto models = run_cli(with_data({"models", "list", "--format", "csv"}));
  REQUIRE(models.code == 0);
  const Records m = parse_csv(models.out);
  const auto mj = nlohmann::json::parse(run_cli(with_data({"models", "list", "--format", "json"})).out);
  REQUIRE(m.size() == mj.at("models").size() + 1);
  for (size_t i = 1; i < m.size(); ++i) {
    const auto& model = mj.at("models")[i - 1];
    CHECK(m[i][column(m[0], "id")] == model.at("id"));
    CHECK(plain_number(m[i][column(m[0], "total_parameters")]) == model.at("total_parameters").get<double>());
    CHECK(plain_number(m[i][column(m[0], "kv_cache_bytes_per_token")]) ==
          model.at("kv_cache_bytes_per_token").get<double>());
  }
}

TEST_CASE("estimate --format csv: one record with the JSON's figures", "[cli][formats]") {
  const std::vector<std::string> q = {
      "estimate",       "--model", "llama-3.1-70b",   "--hardware", "h100-sxm",      "--tp", "4",
      "--input-tokens", "1024",    "--output-tokens", "256",        "--concurrency", "64"};
  auto csv_args = q, json_args = q;
  csv_args.insert(csv_args.end(), {"--format", "csv"});
  json_args.insert(json_args.end(), {"--format", "json"});
  const auto csv = run_cli(with_data(csv_args));
  REQUIRE(csv.code == 0);
  const Records r = parse_csv(csv.out);
  REQUIRE(r.size() == 2);
  const auto j = nlohmann::json::parse(run_cli(with_data(json_args)).out);
  CHECK(r[1][column(r[0], "tp")] == "4");
  CHECK(plain_number(r[1][column(r[0], "tpot_ms")]) == j.at("metrics").at("tpot_ms").get<double>());
  CHECK(plain_number(r[1][column(r[0], "tpot_low_ms")]) == j.at("bounds").at("tpot_ms")[0].get<double>());
  CHECK(plain_number(r[1][column(r[0], "weights_gb")]) == j.at("memory").at("weights_gb").get<double>());
}

TEST_CASE("format markdown prints GitHub tables", "[cli][formats]") {
  const auto rec = run_cli(with_data({"recommend", "--model", "70b", "--qps", "50", "--format", "markdown"}));
  REQUIRE(rec.code == 0);
  const auto lines = lines_of(rec.out);
  const auto header =
      std::find_if(lines.begin(), lines.end(), [](const auto& l) { return l.rfind("| # |", 0) == 0; });
  REQUIRE(header != lines.end());
  check_markdown_table(lines, static_cast<size_t>(header - lines.begin()));
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"hardware", "list", "--format", "markdown"},
                                             {"models", "list", "--format", "markdown"},
                                             {"hardware", "show", "h100-sxm", "--format", "markdown"},
                                             {"models", "show", "llama-3.1-8b", "--format", "markdown"}}) {
    const auto r = run_cli(with_data(args));
    REQUIRE(r.code == 0);
    check_markdown_table(lines_of(r.out), 0);
  }
}

TEST_CASE("a format a command lacks, or an unknown one, is a usage error naming --format", "[cli][formats]") {
  const auto show = run_cli(with_data({"hardware", "show", "h100-sxm", "--format", "csv"}));
  CHECK(show.code == 2);
  CHECK(show.out.empty());
  CHECK(show.err ==
        "llmhw: error: --format: csv is not available for `hardware show`; use table, json or markdown\n");
  const auto model = run_cli(with_data({"models", "show", "llama-3.1-8b", "--format", "csv"}));
  CHECK(model.code == 2);
  CHECK(model.err ==
        "llmhw: error: --format: csv is not available for `models show`; use table, json or markdown\n");
  const auto bad = run_cli(with_data({"hardware", "list", "--format", "xml"}));
  CHECK(bad.code == 2);
  CHECK(bad.err == "llmhw: error: --format: 'xml' is not one of table, json, csv, markdown\n");
}
