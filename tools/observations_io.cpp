// Reading observations.csv and the catalogs: the I/O half of the calibration machinery (the
// pure half, mapping and prediction, is src/core/observations.cpp, shared with `llmhw calibrate`).
#include "observations_io.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::tools {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

namespace {

int to_int(const std::string& s, int fallback) {
  if (s.empty()) return fallback;
  try {
    return std::stoi(s);
  } catch (const std::exception&) {
    return fallback;
  }
}

double to_double(const std::string& s) {
  try {
    return s.empty() ? 0.0 : std::stod(s);
  } catch (const std::exception&) {
    return 0.0;
  }
}

}  // namespace

std::vector<Observation> read_observations(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  if (!in) throw data_error(fmt::format("{}: cannot be read", csv.string()));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_csv(line);
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (const char* required :
       {"obs_id", "model", "hardware", "engine", "precision", "kv_precision", "tp", "pp", "dp", "moe_tp",
        "moe_ep", "devices", "isl", "osl", "concurrency", "metric", "value", "status"}) {
    if (!column.count(required)) throw data_error(fmt::format("{}: no column '{}'", csv.string(), required));
  }
  std::vector<Observation> out;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> f = split_csv(line);
    auto get = [&](const char* name) { return column[name] < f.size() ? f[column[name]] : std::string(); };
    Observation o;
    o.id = get("obs_id");
    o.source = get("source");
    o.model = get("model");
    o.hardware = get("hardware");
    o.engine = get("engine");
    o.precision = parse_precision(get("precision")).value_or(Precision::bf16);
    o.kv = parse_precision(get("kv_precision")).value_or(Precision::bf16);
    o.tp = to_int(get("tp"), 1);
    o.pp = to_int(get("pp"), 1);
    o.dp = std::max(1, to_int(get("dp"), 1));
    o.moe_tp = to_int(get("moe_tp"), 0);
    o.moe_ep = std::max(1, to_int(get("moe_ep"), 1));
    o.devices = to_int(get("devices"), o.tp * o.pp * o.dp);
    o.isl = to_double(get("isl"));
    o.osl = to_double(get("osl"));
    const std::string c = get("concurrency");
    if (c != "max") o.concurrency = to_double(c);
    o.metric = get("metric");
    o.value = to_double(get("value"));
    o.excluded = get("status") == "excluded";
    o.mapped = get("status") == "mapped" || o.excluded;
    o.note = get("note");
    out.push_back(std::move(o));
  }
  return out;
}

Catalogs load_catalogs(const std::filesystem::path& data_dir) {
  Catalogs c;
  for (const auto& entry : io::list_model_catalog(data_dir / "models"))
    c.models[entry.id] = io::load_catalog_model(entry);
  for (const auto& [id, model] : c.models) c.facts[id] = derive_facts(model);
  for (Hardware& hw : io::load_hardware_dir(data_dir / "hardware")) c.hardware[hw.id] = std::move(hw);
  return c;
}

}  // namespace llmhw::tools
