// Hardware profiles: data/hardware/<id>.json (docs/hardware-profiles.md).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "io/json_reader.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::io {
namespace {

const std::set<std::string> kPricingModes = {"on-demand", "spot", "reserved", "amortized-purchase"};

Link read_link(const JsonReader& r) {
  Link link;
  link.kind = r.string("kind");
  link.gbps_per_direction = r.positive("gbps_per_direction");
  return link;
}

Price read_price(const JsonReader& r) {
  Price p;
  p.pricing = r.string("pricing");
  if (!kPricingModes.contains(p.pricing)) {
    r.fail("pricing",
           fmt::format("'{}' is not one of on-demand, spot, reserved, amortized-purchase", p.pricing));
  }
  p.usd_per_device_hour = r.positive("usd_per_device_hour");
  p.provider = r.string("provider");
  p.instance_type = r.string_or("instance_type", "");
  p.region = r.string_or("region", "");
  p.date = r.string("date");
  r.string("source");  // every price must say where it came from
  return p;
}

std::map<Precision, double> read_tflops(const JsonReader& r) {
  std::map<Precision, double> tflops;
  for (const auto& [key, value] : r.value().items()) {
    auto p = parse_precision(key);
    if (!p) r.fail(key, "unknown precision (expected fp32, bf16, fp16, fp8, int8, fp4, int4)");
    tflops[*p] = r.positive(key);
  }
  if (tflops.empty()) r.fail_here("no precision listed");
  return tflops;
}

void require_sources(const JsonReader& r, DeviceKind kind) {
  const JsonReader sources = r.object("sources");
  for (const char* key :
       {"memory_gb", "memory_bandwidth_gbps", "tflops", "interconnect", "devices_per_node"}) {
    sources.string(key);
  }
  if (kind == DeviceKind::cpu) sources.string("cpu");
}

Hardware read_hardware(const JsonReader& r, const std::string& expected_id) {
  Hardware hw;
  hw.id = r.string("id");
  if (hw.id != expected_id)
    r.fail("id", fmt::format("'{}' does not match the file name '{}.json'", hw.id, expected_id));
  hw.name = r.string("name");
  hw.vendor = r.string("vendor");
  auto kind = parse_device_kind(r.string("kind"));
  if (!kind) r.fail("kind", "expected one of cpu, gpu, tpu, accelerator");
  hw.kind = *kind;
  hw.memory_gb = r.positive("memory_gb");
  hw.memory_bandwidth_gbps = r.positive("memory_bandwidth_gbps");
  hw.tflops = read_tflops(r.object("tflops"));
  hw.interconnect = read_link(r.object("interconnect"));
  if (r.has("scale_out")) hw.scale_out = read_link(r.object("scale_out"));
  hw.devices_per_node = r.integer("devices_per_node", 1, 4096);
  for (size_t i = 0; i < r.array_size("fast_group_sizes"); ++i) {
    const auto& v = r.value().at("fast_group_sizes").at(i);
    if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 65536) {
      r.fail(fmt::format("fast_group_sizes/{}", i), "expected a whole number from 1 to 65536");
    }
    hw.fast_group_sizes.push_back(v.get<int>());
  }
  hw.tdp_w = r.optional_positive("tdp_w").value_or(0);
  for (size_t i = 0; i < r.array_size("prices"); ++i) hw.prices.push_back(read_price(r.element("prices", i)));
  if (r.has("availability")) {
    const JsonReader a = r.object("availability");
    hw.clouds = a.strings_or_empty("clouds");
    hw.on_prem = a.boolean_or("on_prem", false);
  }
  hw.engines = r.strings_or_empty("engines");
  require_sources(r, hw.kind);
  return hw;
}

}  // namespace

Hardware load_hardware_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  const nlohmann::json doc = parse_json(read_text_file(path), file);
  JsonReader r(doc, file);
  if (!doc.is_object()) r.fail_here("expected a JSON object");
  Hardware hw = read_hardware(r, path.stem().string());
  hw.origin = file;
  return hw;
}

std::vector<Hardware> load_hardware_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw data_error(fmt::format("{}: not a directory", dir.string()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // directory order differs between file systems
  std::vector<Hardware> catalog;
  for (const auto& f : files) catalog.push_back(load_hardware_file(f));
  return catalog;
}

}  // namespace llmhw::io
