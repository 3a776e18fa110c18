#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/io/overlay.hpp"
#include "llmhw/io/schema.hpp"
#include "schemas.hpp"

namespace llmhw::io {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

double r4(double v) {
  if (v == 0 || !std::isfinite(v)) return 0;
  const double scale = std::pow(10.0, 3 - std::floor(std::log10(std::abs(v))));
  return std::round(v * scale) / scale;
}

ordered_json band(const Band& b) {
  return ordered_json::array({r4(b.low), r4(b.high)});
}

ordered_json mape(const MetricErrors& e) {
  return {{"ttft", r4(e.ttft)}, {"tpot", r4(e.tpot)}};
}

ordered_json before_after(const ErrorReport& r) {
  return {{"shipped", mape(r.shipped)}, {"overlay", mape(r.overlay)}};
}

Band read_band(const json& j) {
  return {j.at(0).get<double>(), j.at(1).get<double>()};
}

}  // namespace

ordered_json overlay_document(const UserFit& fit, const CalibrationTarget& t,
                              const std::vector<BenchFile>& inputs, const std::string& date) {
  ordered_json doc;
  doc["schema_version"] = 1;
  doc["kind"] = "llmhw-calibration-overlay";
  doc["created"] = date;
  doc["llmhw_version"] = LLMHW_VERSION;
  doc["deployment"] = {{"model", t.model},
                       {"hardware", t.hardware},
                       {"engine", t.engine},
                       {"precision", std::string(to_string(t.weights))},
                       {"kv_precision", std::string(to_string(t.kv))},
                       {"tp", t.tp},
                       {"pp", t.pp},
                       {"dp", t.dp},
                       {"ep", t.ep}};
  doc["inputs"] = ordered_json::array();
  for (const BenchFile& f : inputs) {
    doc["inputs"].push_back({{"file", f.path},
                             {"sha256", f.sha256},
                             {"format", f.format},
                             {"runs", static_cast<int>(f.runs.size())}});
  }
  doc["runs"] = static_cast<int>(fit.runs.size());
  ordered_json factors = ordered_json::object();
  for (const auto& [name, factor] : calibrated_factors()) {
    const auto u = fit.relative_uncertainty.find(name);
    factors[name] = {
        {"value", r4(fit.fitted.*factor)},
        {"shipped", r4(fit.shipped.*factor)},
        {"relative_uncertainty",
         u == fit.relative_uncertainty.end() ? ordered_json(nullptr) : ordered_json(r4(u->second))}};
  }
  doc["factors"] = factors;
  doc["bounds"] = {{"ttft", band(fit.bounds.ttft)},
                   {"tpot", band(fit.bounds.tpot)},
                   {"throughput", band(fit.bounds.throughput)}};
  doc["error"] = {{"in_sample", before_after(fit.in_sample)},
                  {"leave_one_run_out", before_after(fit.leave_one_out)}};
  return doc;
}

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;  // in the same directory, so the rename is atomic
  tmp.replace_filename(std::string(".") + path.filename().string() + std::string(".tmp"));
  {
    errno = 0;
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (out) out << text;
    if (out) out.close();
    if (!out) {
      const int err = errno;
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw data_error(
          fmt::format("--out: cannot write {}: {}", tmp.string(), err ? std::strerror(err) : "write failed"));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw data_error(fmt::format("--out: cannot write {}: {}", path.string(), ec.message()));
  }
}

CalibrationOverlay load_overlay(const std::filesystem::path& path) {
  const std::string text = read_text_file(path);
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw data_error(fmt::format("{}: not JSON (truncated?)", path.string()));
  if (doc.is_object() && doc.contains("schema_version") && doc.at("schema_version") != 1) {
    throw data_error(fmt::format("{}: /schema_version: {} is not a version this llmhw reads (1)",
                                 path.string(), doc.at("schema_version").dump()));
  }
  static const json schema = json::parse(kCalibrationOverlaySchemaText);
  if (const auto problems = validate_json(schema, doc); !problems.empty()) {
    const SchemaProblem& p = problems.front();
    throw data_error(
        fmt::format("{}: {}: {}", path.string(), p.pointer.empty() ? "/" : p.pointer, p.message));
  }
  CalibrationOverlay o;
  o.origin = path.string();
  o.created = doc.at("created").get<std::string>();
  const json& d = doc.at("deployment");
  o.deployment.model = d.at("model").get<std::string>();
  o.deployment.hardware = d.at("hardware").get<std::string>();
  o.deployment.engine = d.at("engine").get<std::string>();
  o.deployment.weights = parse_precision(d.at("precision").get<std::string>()).value_or(Precision::bf16);
  o.deployment.kv = parse_precision(d.at("kv_precision").get<std::string>()).value_or(Precision::bf16);
  o.deployment.tp = d.at("tp").get<int>();
  o.deployment.pp = d.at("pp").get<int>();
  o.deployment.dp = d.at("dp").get<int>();
  o.deployment.ep = d.at("ep").get<int>();
  for (const auto& [name, factor] : doc.at("factors").items())
    o.factors[name] = factor.at("value").get<double>();
  const json& b = doc.at("bounds");
  o.bounds = {read_band(b.at("ttft")), read_band(b.at("tpot")), read_band(b.at("throughput"))};
  o.runs = doc.at("runs").get<int>();
  return o;
}

}  // namespace llmhw::io
