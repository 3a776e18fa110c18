// The shipped price data: enough on-demand providers per device for one price basis to mean
// something (issue 17), and every on-demand/spot entry a rentable instance with its GPU count
// and instance price (issue 24). Expectations are the issues' thresholds and the clouds' own
// instance definitions, never read from the data files.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "llmhw/io/loaders.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kHardware = fs::path(LLMHW_DATA) / "hardware";

// Every price entry of every shipped profile, read as raw JSON: the instance fields are data the
// cost model is about to use, so they are checked here whatever the loader keeps of them.
struct Entry {
  std::string device;
  json price;
};

std::vector<Entry> all_prices() {
  std::vector<Entry> out;
  for (const auto& file : fs::directory_iterator(kHardware)) {
    if (file.path().extension() != ".json") continue;
    std::ifstream in(file.path());
    const json doc = json::parse(in);
    for (const auto& p : doc.at("prices")) out.push_back({doc.at("id").get<std::string>(), p});
  }
  return out;
}

bool rents_by_the_hour(const json& price) {
  const auto kind = price.at("pricing").get<std::string>();
  return kind == "on-demand" || kind == "spot";
}

}  // namespace

TEST_CASE("each device has the on-demand providers issue 17 asks for", "[catalog][prices]") {
  // Issue 17, item 4: at least 3 on-demand providers for these, at least 2 for those.
  const std::map<std::string, size_t> needed = {
      {"h100-sxm", 3}, {"h200-sxm", 3}, {"b200", 3}, {"a100-80gb", 3}, {"l40s", 3},   {"l4", 3},
      {"mi300x", 3},   {"gb200", 2},    {"b300", 2}, {"mi325x", 2},    {"mi355x", 2}, {"rtx-pro-6000", 2},
  };
  // Known gaps, each explained in the profile's notes: no second provider publishes an
  // on-demand list price for a rentable instance (Vultr's MI325X/MI355X plans are preemptible
  // only and list no region). Checked to still be gaps, so closing one forces its removal here.
  const std::set<std::string> known_gaps = {"mi325x", "mi355x"};

  std::map<std::string, std::set<std::string>> providers;
  for (const auto& hw : llmhw::io::load_hardware_dir(kHardware)) {
    for (const auto& p : hw.prices) {
      if (p.pricing == "on-demand") providers[hw.id].insert(p.provider);
    }
  }
  for (const auto& [id, n] : needed) {
    INFO(id << " has " << providers[id].size() << " on-demand providers, issue 17 asks for " << n);
    if (known_gaps.count(id)) {
      CHECK(!providers[id].empty());
      CHECK(providers[id].size() < n);
    } else {
      CHECK(providers[id].size() >= n);
    }
  }
}

TEST_CASE("every on-demand or spot price is one rentable instance", "[catalog][prices]") {
  size_t checked = 0;
  for (const auto& [device, p] : all_prices()) {
    if (!rents_by_the_hour(p)) continue;
    INFO(device << ": " << p.dump());
    REQUIRE(p.contains("instance_type"));
    CHECK(!p.at("instance_type").get<std::string>().empty());
    REQUIRE(p.contains("devices_per_instance"));
    REQUIRE(p.contains("usd_per_instance_hour"));
    const double devices = p.at("devices_per_instance").get<double>();
    const double per_device = p.at("usd_per_device_hour").get<double>();
    const double per_instance = p.at("usd_per_instance_hour").get<double>();
    CHECK(devices > 0);
    // The per-device rate is the instance price divided by its devices, to the cent.
    CHECK(std::abs(per_device * devices - per_instance) <= 0.01);
    ++checked;
  }
  CHECK(checked > 0);
}

TEST_CASE("instance shapes carry the GPU counts their clouds define", "[catalog][prices]") {
  // GPUs per instance as the clouds document them: AWS EC2 G5/G6/G6e/P5 instance type pages,
  // Google Cloud "GPU machine types" (A2 Standard/Ultra, G2), typed here, not read from the data.
  const std::map<std::pair<std::string, std::string>, double> documented = {
      {{"a10g", "g5.xlarge"}, 1},           {{"a10g", "g5.12xlarge"}, 4},
      {{"a10g", "g5.48xlarge"}, 8},         {{"l4", "g6.xlarge"}, 1},
      {{"l4", "g6.12xlarge"}, 4},           {{"l4", "g6.48xlarge"}, 8},
      {{"l4", "g2-standard-4"}, 1},         {{"l4", "g2-standard-24"}, 2},
      {{"l4", "g2-standard-48"}, 4},        {{"l4", "g2-standard-96"}, 8},
      {{"l40s", "g6e.xlarge"}, 1},          {{"l40s", "g6e.12xlarge"}, 4},
      {{"l40s", "g6e.48xlarge"}, 8},        {{"h100-sxm", "p5.4xlarge"}, 1},
      {{"h100-sxm", "p5.48xlarge"}, 8},     {{"h100-sxm", "a3-highgpu-8g"}, 8},
      {{"a100-80gb", "a2-ultragpu-1g"}, 1}, {{"a100-80gb", "a2-ultragpu-2g"}, 2},
      {{"a100-80gb", "a2-ultragpu-4g"}, 4}, {{"a100-80gb", "a2-ultragpu-8g"}, 8},
      {{"a100-40gb", "a2-highgpu-1g"}, 1},  {{"a100-40gb", "a2-highgpu-2g"}, 2},
      {{"a100-40gb", "a2-highgpu-4g"}, 4},  {{"a100-40gb", "a2-highgpu-8g"}, 8},
  };
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& [device, p] : all_prices()) {
    if (!rents_by_the_hour(p) || !p.contains("instance_type")) continue;
    const auto key = std::make_pair(device, p.at("instance_type").get<std::string>());
    const auto it = documented.find(key);
    if (it == documented.end()) continue;
    INFO(device << " " << key.second);
    CHECK(p.at("devices_per_instance").get<double>() == it->second);
    seen.insert(key);
  }
  for (const auto& [key, n] : documented) {
    INFO("no on-demand/spot price for " << key.first << " on " << key.second);
    CHECK(seen.count(key) == 1);
  }
}
