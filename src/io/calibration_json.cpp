// data/efficiency.json: efficiency factors per device kind, fitted per hardware group and
// engine, error bands, and engine batch limits (written by tools/calibrate).
#include <algorithm>

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

double non_negative(const JsonReader& r, const char* key) {
  const double v = r.number(key);
  if (!(v >= 0)) r.fail(key, "must not be negative");
  return v;
}

Efficiency read_efficiency(const JsonReader& r) {
  Efficiency e;
  e.memory_bandwidth = fraction(r, "memory_bandwidth");
  e.decode_compute = fraction(r, "decode_compute");
  e.prefill_compute = fraction(r, "prefill_compute");
  e.usable_memory_fraction = fraction(r, "usable_memory_fraction");
  e.step_overhead_ms = non_negative(r, "step_overhead_ms");
  if (r.has("layer_overhead_us")) e.layer_overhead_us = non_negative(r, "layer_overhead_us");
  if (r.has("sequence_overhead_us")) e.sequence_overhead_us = non_negative(r, "sequence_overhead_us");
  if (r.has("quantized_share")) {
    e.quantized_share = r.number("quantized_share");
    if (!(e.quantized_share >= 0 && e.quantized_share <= 1)) r.fail("quantized_share", "must be in [0, 1]");
  }
  if (r.has("request_latency_ms")) e.request_latency_ms = non_negative(r, "request_latency_ms");
  e.reserve_gb = non_negative(r, "reserve_gb");
  e.collective_latency_us = non_negative(r, "collective_latency_us");
  if (r.has("interconnect_bandwidth")) e.interconnect_bandwidth = fraction(r, "interconnect_bandwidth");
  if (r.has("wave_synchronization")) {
    e.wave_synchronization = r.number("wave_synchronization");
    if (!(e.wave_synchronization >= 0 && e.wave_synchronization <= 1))
      r.fail("wave_synchronization", "must be in [0, 1]");
  }
  return e;
}

Band read_band(const JsonReader& r, const char* key) {
  if (r.array_size(key) != 2) r.fail(key, "expected [low, high]");
  const auto& a = r.raw(key);
  if (!a[0].is_number() || !a[1].is_number()) r.fail(key, "expected two numbers");
  Band b{a[0].get<double>(), a[1].get<double>()};
  if (!(b.low > 0 && b.low <= 1 && b.high >= 1 && b.high < 100)) {
    r.fail(key, "expected 0 < low <= 1 <= high (measured / predicted ratios)");
  }
  return b;
}

Bounds read_bounds(const JsonReader& r) {
  return {read_band(r, "ttft"), read_band(r, "tpot"), read_band(r, "throughput")};
}

FittedEfficiency read_fitted(const JsonReader& r) {
  FittedEfficiency f;
  f.group = r.string_or("group", "");
  f.hardware = r.strings_or_empty("hardware");
  if (f.hardware.empty()) r.fail("hardware", "expected a non-empty list of hardware ids");
  // Optional (older files): absent means every device of the group had rows of its own.
  f.measured_hardware = r.strings_or_empty("measured_hardware");
  for (const std::string& id : f.measured_hardware) {
    if (std::find(f.hardware.begin(), f.hardware.end(), id) == f.hardware.end())
      r.fail("measured_hardware", "'" + id + "' is not in the entry's hardware list");
  }
  if (r.has("measured_hardware") && f.measured_hardware.empty())
    r.fail("measured_hardware", "expected a non-empty list of hardware ids (or leave it out)");
  f.engine = r.string("engine");
  f.efficiency = read_efficiency(r);
  f.bounds = read_bounds(r.object("bounds"));
  if (r.has("family_bounds")) f.family_bounds = read_bounds(r.object("family_bounds"));
  f.rows = r.integer("rows", 0, 1000000);
  return f;
}

}  // namespace

Calibration load_calibration(const std::filesystem::path& path) {
  const std::string file = path.string();
  const nlohmann::json doc = parse_json(read_text_file(path), file);
  JsonReader r(doc, file);
  if (!doc.is_object()) r.fail_here("expected a JSON object");
  Calibration c;
  const JsonReader kinds = r.object("by_kind");
  c.cpu = read_efficiency(kinds.object("cpu"));
  c.gpu = read_efficiency(kinds.object("gpu"));
  c.tpu = read_efficiency(kinds.object("tpu"));
  c.accelerator = read_efficiency(kinds.object("accelerator"));
  const JsonReader bounds = r.object("bounds_by_kind");
  c.cpu_bounds = read_bounds(bounds.object("cpu"));
  c.gpu_bounds = read_bounds(bounds.object("gpu"));
  c.tpu_bounds = read_bounds(bounds.object("tpu"));
  c.accelerator_bounds = read_bounds(bounds.object("accelerator"));
  if (r.has("engines")) {
    const JsonReader engines = r.object("engines");
    for (const auto& [name, unused] : engines.value().items()) {
      const JsonReader e = engines.object(name);
      EngineLimits l;
      l.max_batch = e.integer("max_batch", 1, 1 << 20);
      l.max_num_tokens = e.integer("max_num_tokens", 1, 1 << 24);
      if (e.has("large_memory_gb")) {
        l.large_memory_gb = e.positive("large_memory_gb");
        l.large_memory_max_num_tokens = e.integer_or("large_memory_max_num_tokens", 1, 1 << 24, 0);
        l.large_memory_max_batch = e.integer_or("large_memory_max_batch", 1, 1 << 20, 0);
        l.large_memory_excludes = e.strings_or_empty("large_memory_excludes");
      }
      l.reserve_full_length = e.boolean_or("reserve_full_length", false);
      if (e.has("memory_fraction")) {
        l.memory_fraction = e.positive("memory_fraction");
        if (l.memory_fraction > 1) e.fail("memory_fraction", "must be at most 1");
      }
      l.memory_fraction_of_free = e.boolean_or("memory_fraction_of_free", false);
      if (e.has("kv_with_quantized_weights")) {
        const std::string kv = e.string("kv_with_quantized_weights");
        l.kv_with_quantized_weights = parse_precision(kv);
        if (!l.kv_with_quantized_weights) e.fail("kv_with_quantized_weights", "not a precision: " + kv);
      }
      l.steps_scheduled_ahead = e.integer_or("steps_scheduled_ahead", 0, 8, 0);
      if (e.has("frontend_latency_ms")) l.frontend_latency_ms = e.number("frontend_latency_ms");
      if (!(l.frontend_latency_ms >= 0)) e.fail("frontend_latency_ms", "must be at least 0");
      c.engines[name] = l;
    }
  }
  if (r.has("fitted")) {
    for (size_t i = 0; i < r.array_size("fitted"); ++i)
      c.fitted.push_back(read_fitted(r.element("fitted", i)));
  }
  c.status = r.string_or("status", "");
  return c;
}

}  // namespace llmhw::io
