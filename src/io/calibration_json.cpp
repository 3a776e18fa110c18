// data/efficiency.json: efficiency factors per device kind.
#include "io/json_reader.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::io {
namespace {

// A fraction of a datasheet peak: more than 0 and at most 1 (physics: no engine beats the peak).
double fraction(const JsonReader& r, const char* key) {
  const double v = r.positive(key);
  if (v > 1.0) r.fail(key, "a share of the datasheet peak must be at most 1");
  return v;
}

Efficiency read_efficiency(const JsonReader& r) {
  Efficiency e;
  e.memory_bandwidth = fraction(r, "memory_bandwidth");
  e.decode_compute = fraction(r, "decode_compute");
  e.prefill_compute = fraction(r, "prefill_compute");
  e.usable_memory_fraction = fraction(r, "usable_memory_fraction");
  e.step_overhead_ms = r.number("step_overhead_ms");
  e.reserve_gb = r.number("reserve_gb");
  e.collective_latency_us = r.number("collective_latency_us");
  if (e.step_overhead_ms < 0) r.fail("step_overhead_ms", "must not be negative");
  if (e.reserve_gb < 0) r.fail("reserve_gb", "must not be negative");
  if (e.collective_latency_us < 0) r.fail("collective_latency_us", "must not be negative");
  return e;
}

}  // namespace

Calibration load_calibration(const std::filesystem::path& path) {
  const std::string file = path.string();
  const nlohmann::json doc = parse_json(read_text_file(path), file);
  JsonReader r(doc, file);
  if (!doc.is_object()) r.fail_here("expected a JSON object");
  const JsonReader kinds = r.object("by_kind");
  Calibration c;
  c.cpu = read_efficiency(kinds.object("cpu"));
  c.gpu = read_efficiency(kinds.object("gpu"));
  c.tpu = read_efficiency(kinds.object("tpu"));
  c.accelerator = read_efficiency(kinds.object("accelerator"));
  c.status = r.string_or("status", "");
  return c;
}

}  // namespace llmhw::io
