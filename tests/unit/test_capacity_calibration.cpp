// `llmhw capacity` applies the user's calibration overlays (--calibration and
// $XDG_CONFIG_HOME/llmhw/calibration) as recommend and estimate do.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../cli/cli_harness.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/user_calibration.hpp"

namespace fs = std::filesystem;
using namespace llmhw;
using llmhw::test::run_cli;

namespace {

// A schema-valid overlay for h100-sxm with vLLM whose factors are the ones capacity uses today
// (the shipped fit, no engine named), except decode: half the bandwidth and decode-compute
// efficiency, as a cluster whose decode runs at half the shipped speed would fit.
nlohmann::json slow_decode_overlay() {
  const fs::path data = LLMHW_DATA;
  const std::vector<Hardware> catalog = io::load_hardware_dir(data / "hardware");
  const Hardware* h100 = nullptr;
  for (const Hardware& hw : catalog) h100 = hw.id == "h100-sxm" ? &hw : h100;
  REQUIRE(h100 != nullptr);
  const Calibration shipped = io::load_calibration(data / "efficiency.json");
  const Efficiency e = *shipped.resolve(*h100, "", catalog).efficiency;
  nlohmann::json factors;
  for (const auto& [name, member] : calibrated_factors()) {
    const bool slowed = name == "memory_bandwidth" || name == "decode_compute";
    factors[name] = {{"value", e.*member * (slowed ? 0.5 : 1.0)},
                     {"shipped", e.*member},
                     {"relative_uncertainty", nullptr}};
  }
  const nlohmann::json mape = {{"ttft", 0.1}, {"tpot", 0.05}};
  return {{"schema_version", 1},
          {"kind", "llmhw-calibration-overlay"},
          {"created", "2026-12-03"},
          {"llmhw_version", "test"},
          {"deployment",
           {{"model", "qwen3-32b"},
            {"hardware", "h100-sxm"},
            {"engine", "vllm"},
            {"precision", "bf16"},
            {"kv_precision", "bf16"},
            {"tp", 2},
            {"pp", 1},
            {"dp", 1},
            {"ep", 1}}},
          {"inputs",
           {{{"file", "runs.json"}, {"sha256", std::string(64, '0')}, {"format", "guidellm"}, {"runs", 8}}}},
          {"runs", 8},
          {"factors", factors},
          {"bounds", {{"ttft", {0.9, 1.1}}, {"tpot", {0.9, 1.1}}, {"throughput", {0.9, 1.1}}}},
          {"error",
           {{"in_sample", {{"shipped", mape}, {"overlay", mape}}},
            {"leave_one_run_out", {{"shipped", mape}, {"overlay", mape}}}}}};
}

const std::vector<std::string> kCapacity = {
    "--data-dir", LLMHW_DATA,  "capacity", "--model",        "qwen3-32b", "--hardware",
    "h100-sxm",   "--devices", "8",        "--input-tokens", "1024",      "--output-tokens",
    "256",        "--tpot",    "40ms",     "--format",       "json"};

}  // namespace

TEST_CASE("capacity applies a calibration overlay: slower decode serves fewer requests",
          "[calibrate][capacity]") {
  const llmhw::test::TempDir home;
  const fs::path overlay = home.write("slow.json", slow_decode_overlay().dump());
  const llmhw::test::ScopedEnv xdg("XDG_CONFIG_HOME", (home.dir / "none").string());

  const auto before = run_cli(kCapacity);
  REQUIRE(before.code == 0);
  const auto b = nlohmann::json::parse(before.out);
  CHECK(b.at("pools")[0].at("evidence") == "measured");
  CHECK_FALSE(b.contains("notes"));

  std::vector<std::string> args = {"--calibration", overlay.string()};
  args.insert(args.end(), kCapacity.begin(), kCapacity.end());
  const auto after = run_cli(args);
  REQUIRE(after.code == 0);
  const auto a = nlohmann::json::parse(after.out);
  CHECK(a.at("pools")[0].at("evidence") == "calibrated");
  REQUIRE(a.at("notes").size() == 1);
  CHECK(a.at("notes")[0].get<std::string>().find("calibration overlay " + overlay.string()) == 0);
  // Decode at half the speed: every decode step takes longer, so fewer requests share one within
  // the 40 ms TPOT target, and the same eight devices serve fewer requests per second.
  CHECK(a.at("max_requests_per_s").get<double>() < b.at("max_requests_per_s").get<double>());
  CHECK(a.at("pools")[0].at("tpot_ms").get<double>() <= 40.0);

  // The table says so too.
  args.back() = "table";
  const auto table = run_cli(args);
  REQUIRE(table.code == 0);
  CHECK(table.out.find("note: calibration overlay " + overlay.string()) != std::string::npos);
  CHECK(table.out.find("evidence: calibrated") != std::string::npos);
}

TEST_CASE("capacity applies the overlays in XDG_CONFIG_HOME/llmhw/calibration", "[calibrate][capacity]") {
  const llmhw::test::TempDir home;
  home.write("llmhw/calibration/slow.json", slow_decode_overlay().dump());
  const auto flagged = [&] {
    const llmhw::test::TempDir other;
    std::vector<std::string> args = {"--calibration",
                                     other.write("slow.json", slow_decode_overlay().dump()).string()};
    args.insert(args.end(), kCapacity.begin(), kCapacity.end());
    const llmhw::test::ScopedEnv none("XDG_CONFIG_HOME", (other.dir / "none").string());
    return nlohmann::json::parse(run_cli(args).out);
  }();
  const llmhw::test::ScopedEnv xdg("XDG_CONFIG_HOME", home.dir.string());
  const auto r = run_cli(kCapacity);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("pools")[0].at("evidence") == "calibrated");
  CHECK(j.at("max_requests_per_s") == flagged.at("max_requests_per_s"));  // as with --calibration
}
