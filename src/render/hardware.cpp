// `llmhw hardware list` and `hardware show`: the catalog as a table or JSON.
#include <fmt/format.h>

#include <algorithm>

#include "llmhw/render_hardware.hpp"
#include "llmhw/text.hpp"
#include "render/columns.hpp"
#include "render/rows.hpp"
#include "render/style.hpp"

namespace llmhw::render {
namespace {

using nlohmann::ordered_json;

std::string tflops_cell(const Hardware& hw, Precision p) {
  auto v = hw.peak_tflops(p);
  return v ? text::grouped(*v) : "-";
}

// The on-demand price, else the amortized purchase price marked "*" (explained in the footer);
// the provider is left to `hardware show` so that the table fits 100 columns.
std::string price_cell(const Hardware& hw) {
  if (const Price* p = hw.price("on-demand")) return fmt::format("{}/h", text::usd(p->usd_per_device_hour));
  if (const Price* p = hw.price("amortized-purchase"))
    return fmt::format("{}/h*", text::usd(p->usd_per_device_hour));
  return "-";
}

std::string join(const ordered_json& array) {
  std::string out;
  for (const auto& v : array)
    out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

std::string show_price(const ordered_json& p) {
  // CPU instances say their size: "c7g.2xlarge (8 vCPU)" (a slice of the socket, `--vcpus 8`).
  const std::string size = p.contains("vcpus") ? fmt::format(" ({} vCPU)", p.at("vcpus").get<int>()) : "";
  return fmt::format("{} ${}/h  {} {}{} {} ({})", p.at("pricing").get<std::string>(),
                     p.at("usd_per_device_hour").dump(), p.at("provider").get<std::string>(),
                     p.value("instance_type", ""), size, p.value("region", ""),
                     p.at("date").get<std::string>());
}

}  // namespace

Rows hardware_list_rows(const std::vector<Hardware>& catalog) {
  Rows rows = {{"id", "kind", "vendor", "memory", "GB/s", "bf16", "fp8", "fp4", "price/device-h"}};
  for (const Hardware& hw : catalog) {
    rows.push_back({hw.id, std::string(to_string(hw.kind)), hw.vendor, text::gb(hw.memory_gb),
                    text::grouped(hw.memory_bandwidth_gbps), tflops_cell(hw, Precision::bf16),
                    tflops_cell(hw, Precision::fp8), tflops_cell(hw, Precision::fp4), price_cell(hw)});
  }
  return rows;
}

std::string hardware_list_table(const std::vector<Hardware>& catalog, const Style& style) {
  return list_table(
      hardware_list_rows(catalog), style,
      fmt::format("{} profiles; TFLOP/s are dense peaks; price on demand, * amortized purchase; "
                  "`llmhw hardware show ID` gives sources and providers.",
                  catalog.size()));
}

Rows hardware_show_rows(const ordered_json& doc, const std::string& origin) {
  Rows rows;
  auto add = [&](const std::string& key, const std::string& value) { rows.push_back({key, value}); };
  add("id", doc.at("id").get<std::string>());
  add("name", doc.at("name").get<std::string>());
  add("vendor, kind", doc.at("vendor").get<std::string>() + ", " + doc.at("kind").get<std::string>());
  add("memory", fmt::format("{} GB {}, {} GB/s", doc.at("memory_gb").dump(), doc.value("memory_type", ""),
                            doc.at("memory_bandwidth_gbps").dump()));
  std::string peaks;
  for (const auto& [k, v] : doc.at("tflops").items())
    peaks += (peaks.empty() ? "" : ", ") + k + " " + v.dump();
  add("dense peak TFLOP/s", peaks);
  const auto& ic = doc.at("interconnect");
  add("interconnect", fmt::format("{} {} GB/s per direction", ic.at("kind").get<std::string>(),
                                  ic.at("gbps_per_direction").dump()));
  if (doc.contains("scale_out")) {
    const auto& so = doc.at("scale_out");
    add("scale-out", fmt::format("{} {} GB/s per direction", so.at("kind").get<std::string>(),
                                 so.at("gbps_per_direction").dump()));
  }
  add("node", fmt::format("{} devices; TP groups {}", doc.at("devices_per_node").dump(),
                          join(doc.at("fast_group_sizes"))));
  add("power",
      doc.contains("tdp_w") && !doc.at("tdp_w").is_null() ? doc.at("tdp_w").dump() + " W" : "not published");
  for (const auto& p : doc.at("prices")) add("price", show_price(p));
  if (doc.contains("availability")) {
    const auto& a = doc.at("availability");
    add("availability", join(a.at("clouds")) + (a.at("on_prem").get<bool>() ? "; on-prem" : ""));
  }
  if (doc.contains("engines")) add("engines", join(doc.at("engines")));
  for (const auto& [k, v] : doc.at("sources").items()) add("source: " + k, v.get<std::string>());
  if (doc.contains("notes")) {
    for (const auto& n : doc.at("notes")) add("note", n.get<std::string>());
  }
  add("profile", origin);
  return rows;
}

std::string hardware_show_table(const ordered_json& doc, const std::string& origin) {
  return aligned(hardware_show_rows(doc, origin));
}

std::string hardware_json(const std::vector<ordered_json>& docs) {
  ordered_json out = {{"schema_version", kSchemaVersion}, {"hardware", docs}};
  return out.dump(2) + "\n";
}

}  // namespace llmhw::render
