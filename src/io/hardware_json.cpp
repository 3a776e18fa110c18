// Hardware profiles: data/hardware/<id>.json (docs/hardware-profiles.md).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/json_reader.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/io/schema.hpp"
#include "schemas.hpp"

namespace llmhw::io {
namespace {

// Dense peaks keep fixed ratios between precisions: each halving of the format at most doubles
// the rate (fp8 = 2 x bf16 on Hopper, Blackwell, MI300X). A larger ratio means one figure is a
// "with sparsity" number. bf16 matrix over fp32 vector rate reaches 30x on B200 (2250/75); more
// than 32x suggests a sparse bf16 figure. (Consistently sparse tables are caught by the
// flagship datasheet test, not by ratios.)
struct RatioLimit {
  Precision high, low;
  double max_ratio;
};
constexpr RatioLimit kRatioLimits[] = {
    {Precision::fp8, Precision::bf16, 2.05},
    {Precision::int8, Precision::bf16, 4.1},
    {Precision::int4, Precision::int8, 2.05},
    {Precision::bf16, Precision::fp32, 32.0},
};

Link read_link(const JsonReader& r) {
  return {r.string("kind"), r.positive("gbps_per_direction")};
}

Price read_price(const JsonReader& r) {
  Price p;
  p.pricing = r.string("pricing");
  p.usd_per_device_hour = r.positive("usd_per_device_hour");
  p.provider = r.string("provider");
  p.instance_type = r.string_or("instance_type", "");
  p.region = r.string_or("region", "");
  p.date = r.string("date");
  // Below 1: a CPU instance that holds a slice of a socket, priced here per whole socket; fleets
  // of sockets rent it per device.
  if (const auto n = r.optional_positive("devices_per_instance"); n && *n >= 1) {
    if (*n != std::floor(*n) || *n > 4096)
      r.fail("devices_per_instance", "expected a whole number from 1 to 4096");
    p.devices_per_instance = static_cast<int>(*n);
  }
  p.usd_per_instance_hour = r.optional_positive("usd_per_instance_hour").value_or(0);
  p.vcpus = r.has("vcpus") ? r.integer("vcpus", 1, 100000) : 0;
  p.memory_gb = r.optional_positive("memory_gb").value_or(0);
  p.cores = r.has("cores") ? r.integer("cores", 1, 100000) : 0;
  return p;
}

// A price's stated cores must fit its vCPUs and one socket: at most one vCPU per core's thread.
void check_price_cores(const JsonReader& r, const Hardware& hw, const Price& p) {
  if (p.cores == 0) return;
  if (hw.kind != DeviceKind::cpu || p.vcpus == 0)
    r.fail("cores", "only a CPU instance with vcpus states its cores");
  if (p.cores > hw.cpu.cores || p.cores > p.vcpus || p.vcpus > p.cores * hw.cpu.threads_per_core())
    r.fail("cores", fmt::format("{} cores for {} vCPUs do not fit one socket of {} cores and {} threads",
                                p.cores, p.vcpus, hw.cpu.cores, hw.cpu.threads));
}

// A CPU price applies to the profile as is (the whole socket) unless it names an instance of
// fewer vCPUs or of other memory; every sized instance also goes to instance_prices for slice().
bool prices_whole_socket(const Hardware& hw, const Price& p) {
  if (hw.kind != DeviceKind::cpu || p.vcpus == 0) return true;
  const bool same_memory = p.memory_gb <= 0 || std::abs(p.memory_gb - hw.memory_gb) <= 0.005 * hw.memory_gb;
  return p.vcpus >= hw.socket_vcpus() && same_memory;
}

void read_cpu(const JsonReader& r, Hardware& hw) {
  const JsonReader c = r.object("cpu");
  hw.cpu.cores = c.integer("cores", 1, 100000);
  hw.cpu.threads = c.has("threads") ? c.integer("threads", 1, 100000) : hw.cpu.cores;
  hw.cpu.per_core_bandwidth_gbps = c.optional_positive("per_core_bandwidth_gbps").value_or(0);
}

Hardware read_hardware(const JsonReader& r) {
  Hardware hw;
  hw.id = r.string("id");
  hw.name = r.string("name");
  hw.vendor = r.string("vendor");
  hw.kind = parse_device_kind(r.string("kind")).value_or(DeviceKind::gpu);
  hw.memory_gb = r.positive("memory_gb");
  hw.memory_bandwidth_gbps = r.positive("memory_bandwidth_gbps");
  for (const auto& [key, value] : r.raw("tflops").items()) {
    hw.tflops[parse_precision(key).value_or(Precision::fp32)] = value.get<double>();
  }
  hw.interconnect = read_link(r.object("interconnect"));
  if (r.has("scale_out")) hw.scale_out = read_link(r.object("scale_out"));
  hw.devices_per_node = r.integer("devices_per_node", 1, 4096);
  for (const auto& v : r.raw("fast_group_sizes")) hw.fast_group_sizes.push_back(v.get<int>());
  hw.tdp_w = r.optional_positive("tdp_w").value_or(0);
  if (r.has("sold_in_multiples_of")) hw.sold_in_multiples_of = r.integer("sold_in_multiples_of", 1, 4096);
  if (r.has("min_devices")) hw.min_devices = r.integer("min_devices", 1, 1 << 20);
  if (hw.kind == DeviceKind::cpu && r.has("cpu")) read_cpu(r, hw);
  for (size_t i = 0; i < r.array_size("prices"); ++i) {
    Price p = read_price(r.element("prices", i));
    check_price_cores(r.element("prices", i), hw, p);
    if (hw.kind == DeviceKind::cpu && p.vcpus > 0) hw.instance_prices.push_back(p);
    if (prices_whole_socket(hw, p)) hw.prices.push_back(std::move(p));
  }
  if (r.has("availability")) {
    const JsonReader a = r.object("availability");
    hw.clouds = a.strings_or_empty("clouds");
    hw.on_prem = a.boolean_or("on_prem", false);
  }
  hw.engines = r.strings_or_empty("engines");
  return hw;
}

void add_semantic_problems(const nlohmann::json& doc, const std::string& file, const std::string& stem,
                           std::vector<ProfileProblem>& problems) {
  if (doc.at("id") != stem) {
    problems.push_back(
        {file, "/id",
         fmt::format("'{}' does not match the file name '{}.json'", doc.at("id").get<std::string>(), stem)});
  }
  if (doc.at("kind") == "cpu") {
    if (!doc.contains("cpu")) problems.push_back({file, "/cpu", "missing (required for kind cpu)"});
    if (!doc.at("sources").contains("cpu"))
      problems.push_back({file, "/sources/cpu", "missing (required for kind cpu)"});
  }
  const auto& tflops = doc.at("tflops");
  if (tflops.empty()) problems.push_back({file, "/tflops", "no precision listed"});
  for (const RatioLimit& limit : kRatioLimits) {
    const std::string high(to_string(limit.high)), low(to_string(limit.low));
    if (!tflops.contains(high) || !tflops.contains(low)) continue;
    const double ratio = tflops.at(high).get<double>() / tflops.at(low).get<double>();
    if (ratio > limit.max_ratio) {
      problems.push_back({file, "/tflops/" + high,
                          fmt::format("{} is {:.2f}x {}; dense peaks differ by at most {}x: is one of them a "
                                      "\"with sparsity\" figure?",
                                      high, ratio, low, limit.max_ratio),
                          true});
    }
  }
}

}  // namespace

std::string ProfileProblem::line() const {
  return fmt::format("{}: {}{}: {}", file, warning ? "warning: " : "", pointer.empty() ? "/" : pointer,
                     message);
}

namespace {

// data/schema/hardware.schema.json, compiled in (cmake/embed.cmake) so that a binary always
// checks profiles against the schema it was built with.
const nlohmann::json& hardware_schema() {
  static const nlohmann::json schema = nlohmann::json::parse(kHardwareSchemaText);
  return schema;
}

std::vector<ProfileProblem> check_document(const nlohmann::json& doc, const nlohmann::json& schema,
                                           const std::filesystem::path& path) {
  const std::string file = path.string();
  std::vector<ProfileProblem> problems;
  for (const SchemaProblem& p : validate_json(schema, doc)) problems.push_back({file, p.pointer, p.message});
  if (problems.empty()) add_semantic_problems(doc, file, path.stem().string(), problems);
  return problems;
}

Hardware load_document(const nlohmann::json& doc, const nlohmann::json& schema,
                       const std::filesystem::path& path) {
  std::vector<ProfileProblem> errors;
  for (ProfileProblem& p : check_document(doc, schema, path)) {
    if (!p.warning) errors.push_back(std::move(p));
  }
  if (errors.size() == 1) throw data_error(errors.front().line());
  if (errors.size() > 1) {
    throw data_error(fmt::format("{} (and {} more; `llmhw validate {}` lists them)", errors.front().line(),
                                 errors.size() - 1, path.string()));
  }
  Hardware hw = read_hardware(JsonReader(doc, path.string()));
  hw.origin = path.string();
  return hw;
}

}  // namespace

nlohmann::ordered_json read_profile_document(const std::filesystem::path& path) {
  const std::string text = read_text_file(path);
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw data_error(fmt::format("{}: invalid JSON at byte {}", path.string(), e.byte));
  } catch (const nlohmann::json::exception& e) {
    throw data_error(fmt::format("{}: invalid JSON: {}", path.string(), e.what()));
  }
}

std::vector<ProfileProblem> check_hardware_file(const std::filesystem::path& path) {
  return check_document(parse_json(read_text_file(path), path.string()), hardware_schema(), path);
}

Hardware load_hardware_file(const std::filesystem::path& path) {
  return parse_hardware_profile(read_text_file(path), path);
}

Hardware parse_hardware_profile(const std::string& text, const std::filesystem::path& origin) {
  return load_document(parse_json(text, origin.string()), hardware_schema(), origin);
}

std::vector<Hardware> load_hardware_dir(const std::filesystem::path& dir) {
  const std::vector<std::filesystem::path> files = list_json_files(dir);
  if (files.size() > kMaxProfilesPerDirectory) {
    throw data_error(fmt::format("{}: {} profiles, more than the limit of {}", dir.string(), files.size(),
                                 kMaxProfilesPerDirectory));
  }
  std::vector<Hardware> catalog;
  for (const auto& f : files) {
    catalog.push_back(load_document(parse_json(read_text_file(f), f.string()), hardware_schema(), f));
  }
  return catalog;
}

}  // namespace llmhw::io
