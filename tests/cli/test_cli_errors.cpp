// Bad input: one line on stderr naming the flag, file or JSON field, and the documented exit code.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_harness.hpp"

using llmhw::test::fixture_recommend;
using llmhw::test::run_cli;

namespace {

struct BadInput {
  std::vector<std::string> args;
  int code;
  std::string err;
};

// Each case: exactly its stderr line and exit code, and nothing on stdout.
void check_all(const std::vector<BadInput>& cases) {
  for (const BadInput& c : cases) {
    INFO(c.err);
    const auto r = run_cli(c.args);
    CHECK(r.code == c.code);
    CHECK(r.err == c.err);
    CHECK(r.out.empty());
  }
}

}  // namespace

TEST_CASE("bad flags and values give one line and exit 2", "[cli]") {
  const std::vector<BadInput> cases = {
      {fixture_recommend({"--model", "70b", "--qps", "0"}), 2, "llmhw: error: --qps: must be > 0, got '0'\n"},
      {fixture_recommend({"--model", "70b", "--qps", "abc"}), 2,
       "llmhw: error: --qps: 'abc' is not a rate (expected requests per second, or per s, min, h or day: 50, "
       "1e3, 2/min, 120/h, 10k/day)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "nan"}), 2,
       "llmhw: error: --qps: 'nan' is not a rate (expected requests per second, or per s, min, h or day: 50, "
       "1e3, 2/min, 120/h, 10k/day)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "inf"}), 2,
       "llmhw: error: --qps: 'inf' is not a rate (expected requests per second, or per s, min, h or day: 50, "
       "1e3, 2/min, 120/h, 10k/day)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "2e9"}), 2,
       "llmhw: error: --qps: '2e9' is above the limit of 1e+09\n"},
      {fixture_recommend({"--model", "70b", "--qps", "2000000000"}), 2,
       "llmhw: error: --qps: '2000000000' is above the limit of 1e+09\n"},
      {fixture_recommend({"--model", "70bb", "--qps", "5"}), 2,
       "llmhw: error: --model: '70bb' is not a model size (expected e.g. 8b, 70b, 1.5b, 1t)\n"},
      {fixture_recommend({"--model", "0.1b", "--qps", "5"}), 2,
       "llmhw: error: --model: '0.1b' is outside the supported sizes 0.5b..100t\n"},
      {fixture_recommend({"--model", "llama-3.1-7b", "--qps", "5"}), 2,
       "llmhw: error: --model: unknown model 'llama-3.1-7b'; did you mean 'llama-3.1-8b' or "
       "'llama-3.1-70b'?; "
       "`llmhw models list` "
       "shows the catalog, or give a size such as 70b or --model-config PATH\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--ttft", "500"}), 2,
       "llmhw: error: --ttft: '500' needs a unit (ms or s), e.g. 500ms\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--tpot", "500sm"}), 2,
       "llmhw: error: --tpot: unknown unit 'sm' in '500sm' (use us, ms or s)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--tpot", "0ms"}), 2,
       "llmhw: error: --tpot: '0ms' must be more than 0 and at most 24 hours\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--budget", "30"}), 2,
       "llmhw: error: --budget: '30' is not a budget (expected USD per hour or month, e.g. 30/h, "
       "20000/month)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--budget", "30/week"}), 2,
       "llmhw: error: --budget: '30/week' is not a budget (expected USD per hour or month, e.g. 30/h, "
       "20000/month)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--precision", "fp12"}), 2,
       "llmhw: error: --precision: 'fp12' is not one of auto, bf16, fp16, fp8, int8, int4, fp4\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--kind", "gpu,,cpu"}), 2,
       "llmhw: error: --kind: empty item in 'gpu,,cpu'\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--kind", "fpga"}), 2,
       "llmhw: error: --kind: 'fpga' is not one of cpu, gpu, tpu, accelerator\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--format", "yaml"}), 2,
       "llmhw: error: --format: 'yaml' is not one of table, json, csv, markdown\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--top", "0"}), 2,
       "llmhw: error: --top: must be at least 1, got '0'\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--input-tokens", "1.5"}), 2,
       "llmhw: error: --input-tokens: '1.5' is not a whole number\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--output-tokens", "20000000"}), 2,
       "llmhw: error: --output-tokens: '20000000' is above the limit of 10000000\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--pricing", "free"}), 2,
       "llmhw: error: --pricing: 'free' is not one of on-demand, spot, reserved, amortized-purchase\n"},
      {fixture_recommend({"--model", "70b"}), 2,
       "llmhw: error: --qps is required (or --load-profile FILE, or --scenarios FILE for a batch of "
       "queries)\n"},
      {fixture_recommend({"--qps", "5"}), 2,
       "llmhw: error: --model: give a model (id, alias, size) or --model-config PATH\n"},
      {fixture_recommend({"--model", "70b", "--model-config", "x.json", "--qps", "5"}), 2,
       "llmhw: error: --model and --model-config: give one of them, not both\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--frobnicate"}), 2,
       "llmhw: error: recommend: unknown option '--frobnicate'; `llmhw recommend --help` lists the "
       "options\n"},
      {{"frobnicate"},
       2,
       "llmhw: error: unknown command 'frobnicate'; commands: recommend, estimate, capacity, hardware, "
       "models, validate, config, calibrate\n"},
      {{"recomend", "--model", "8b"},
       2,
       "llmhw: error: unknown command 'recomend' (did you mean 'recommend'?); commands: recommend, estimate, "
       "capacity, hardware, models, validate, config, calibrate\n"},
      {{}, 2, "llmhw: error: A subcommand is required\n"},
  };
  check_all(cases);
}

TEST_CASE("bad data files name the file and JSON field and exit 1", "[cli]") {
  const llmhw::test::ScratchData data;
  const std::string hw = (data.dir / "hardware").string();
  auto run = [&] {
    return run_cli({"--data-dir", data.dir.string(), "recommend", "--model", "8b", "--qps", "1"});
  };

  // The fixture's own l4 profile with one field changed, so that exactly one thing is wrong.
  auto l4_with = [&](const std::string& key, const nlohmann::json& value) {
    nlohmann::json doc =
        nlohmann::json::parse(std::ifstream(llmhw::test::fixture_data() / "hardware/l4.json"));
    doc[key] = value;
    data.write("hardware/l4.json", doc.dump());
  };
  SECTION("wrong type") {
    l4_with("memory_gb", "24");
    const auto r = run();
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + hw + "/l4.json: /memory_gb: expected a number\n");
  }
  SECTION("physically impossible") {
    l4_with("memory_bandwidth_gbps", 0);
    const auto r = run();
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + hw + "/l4.json: /memory_bandwidth_gbps: must be more than 0, got 0\n");
  }
  SECTION("negative price") {
    nlohmann::json doc =
        nlohmann::json::parse(std::ifstream(llmhw::test::fixture_data() / "hardware/l4.json"));
    doc["prices"][0]["usd_per_device_hour"] = -1;
    data.write("hardware/l4.json", doc.dump());
    const auto r = run();
    CHECK(r.code == 1);
    CHECK(r.err ==
          "llmhw: error: " + hw + "/l4.json: /prices/0/usd_per_device_hour: must be more than 0, got -1\n");
  }
  SECTION("several problems: the first, and where to see all") {
    data.write("hardware/l4.json", R"({"id": "l4"})");
    const auto r = run();
    CHECK(r.code == 1);
    CHECK(r.err.rfind("llmhw: error: " + hw + "/l4.json: /name: missing (and 10 more; `llmhw validate " + hw +
                          "/l4.json` lists them)\n",
                      0) == 0);
  }
  SECTION("invalid JSON") {
    data.write("hardware/l4.json", "{ \"id\": ");
    const auto r = run();
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + hw + "/l4.json: invalid JSON at byte 9\n");
  }
  SECTION("empty file") {
    data.write("hardware/l4.json", "");
    const auto r = run();
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + hw + "/l4.json: file is empty, expected JSON\n");
  }
  SECTION("id differs from the file name") {
    std::filesystem::copy_file(data.dir / "hardware/l4.json", data.dir / "hardware/l5.json");
    const auto r = run();
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + hw + "/l5.json: /id: 'l4' does not match the file name 'l5.json'\n");
  }
  SECTION("missing data directory") {
    const auto r =
        run_cli({"--data-dir", (data.dir / "nope").string(), "recommend", "--model", "8b", "--qps", "1"});
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + (data.dir / "nope" / "hardware").string() + ": not a directory\n");
  }
}

TEST_CASE("bad values of every kind: empty, negative, huge, non-numbers", "[cli]") {
  const std::vector<BadInput> cases = {
      {fixture_recommend({"--model", "70b", "--qps", "-5"}), 2,
       "llmhw: error: --qps: must be > 0, got '-5'\n"},
      {fixture_recommend({"--model", "70b", "--qps", ""}), 2,
       "llmhw: error: --qps: '' is not a rate (expected requests per second, or per s, min, h or day: 50, "
       "1e3, 2/min, 120/h, 10k/day)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--ttft", "1e400ms"}), 2,
       "llmhw: error: --ttft: unknown unit 'e400ms' in '1e400ms' (use us, ms or s)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--ttft", "25h"}), 2,
       "llmhw: error: --ttft: unknown unit 'h' in '25h' (use us, ms or s)\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--tpot", "90000s"}), 2,
       "llmhw: error: --tpot: '90000s' must be more than 0 and at most 24 hours\n"},
      {fixture_recommend({"--model", "200t", "--qps", "5"}), 2,
       "llmhw: error: --model: '200t' is outside the supported sizes 0.5b..100t\n"},
      {fixture_recommend({"--model", "", "--qps", "5"}), 2,
       "llmhw: error: --model: give a model (id, alias, size) or --model-config PATH\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--budget", "-3/h"}), 2,
       "llmhw: error: --budget: '-3/h' must be more than 0 and at most 1e9 USD/h\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--budget", "0/month"}), 2,
       "llmhw: error: --budget: '0/month' must be more than 0 and at most 1e9 USD/h\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--top", "99999999999999999999"}), 2,
       "llmhw: error: --top: '99999999999999999999' is above the limit of 100000\n"},
      {fixture_recommend({"--model", "70b", "--qps", "5", "--input-tokens", "0"}), 2,
       "llmhw: error: --input-tokens: must be at least 1, got '0'\n"},
      {fixture_recommend({"--model", "\xff\xfe", "--qps", "5"}), 2,
       "llmhw: error: --model: unknown model '\xff\xfe'; `llmhw models list` shows the catalog, or give a "
       "size such "
       "as 70b or --model-config PATH\n"},
  };
  check_all(cases);
}

TEST_CASE("bad files: directories, huge, deeply nested, not UTF-8", "[cli]") {
  const llmhw::test::ScratchData data;
  auto list_with = [&](const std::string& file) {
    return run_cli(
        {"--data-dir", llmhw::test::fixture_data().string(), "--hardware-file", file, "hardware", "list"});
  };
  SECTION("a directory where a file belongs") {
    const auto r = list_with(data.dir.string());
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + data.dir.string() + ": is a directory, expected a file\n");
  }
  SECTION("a file over the size limit") {
    data.write("big.json", std::string(17'000'000, ' '));
    const auto r = list_with((data.dir / "big.json").string());
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + (data.dir / "big.json").string() +
                       ": file is 17000000 bytes, more than the limit of 16777216\n");
  }
  SECTION("JSON nested deeper than any profile") {
    data.write("deep.json", std::string(100000, '[') + std::string(100000, ']'));
    const auto r = list_with((data.dir / "deep.json").string());
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + (data.dir / "deep.json").string() +
                       ": JSON nests 100000 levels deep, more than the limit of 64\n");
  }
  SECTION("bytes that are not UTF-8 inside a string") {
    data.write("latin1.json", "{\"id\": \"\xff\xfe\"}");
    const auto r = list_with((data.dir / "latin1.json").string());
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + (data.dir / "latin1.json").string() + ": invalid JSON at byte 9\n");
  }
  SECTION("a number beyond double's range (found by fuzz_hardware_profile)") {
    data.write("overflow.json", "{\"id\": 1e400}");
    const auto r = list_with((data.dir / "overflow.json").string());
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + (data.dir / "overflow.json").string() +
                       ": invalid JSON: [json.exception.out_of_range.406] number overflow parsing '1e400'\n");
  }
  SECTION("a JSON array where a profile object belongs") {
    data.write("array.json", "[1, 2]");
    const auto r = list_with((data.dir / "array.json").string());
    CHECK(r.code == 1);
    CHECK(r.err == "llmhw: error: " + (data.dir / "array.json").string() + ": /: expected an object\n");
  }
}
