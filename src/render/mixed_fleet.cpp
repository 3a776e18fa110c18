// recommend's mixed fleet: a short text section and the JSON object.
#include "render/mixed_fleet.hpp"

#include <fmt/format.h>

#include "llmhw/render_mixed_fleet.hpp"
#include "llmhw/text.hpp"
#include "render/numbers.hpp"
#include "render/style.hpp"

namespace llmhw::render {
namespace {

// "l40s (fp8 TP=4, 3 replicas, 12 devices, $30.1/h)"
std::string side_text(const FleetSide& s) {
  return fmt::format("{} ({} {}, {}, {}, {}/h)", s.hardware, s.precision, s.layout,
                     text::counted(static_cast<double>(s.replicas), "replica"),
                     text::counted(static_cast<double>(s.devices), "device"), text::usd(s.cost_per_hour));
}

void side_json(JsonWriter& w, const FleetSide& s) {
  w.begin_object()
      .field("input_tokens", s.lengths.flag)
      .field("input_tokens_mean", json_number(s.lengths.mean, "mixed fleet mean"))
      .field("input_tokens_sd", json_number(s.lengths.sd, "mixed fleet sd"))
      .field("share", json_number(s.lengths.share, "mixed fleet share"))
      .field("qps", json_number(s.qps, "mixed fleet qps"))
      .field("hardware", s.hardware)
      .field("hardware_name", s.hardware_name)
      .field("precision", s.precision)
      .field("layout", s.layout)
      .field("replicas", s.replicas)
      .field("devices", s.devices)
      .field("cost_per_hour_usd", usd_number(s.cost_per_hour, "mixed fleet cost"))
      .field("ttft_ms", json_number(s.ttft_ms, "mixed fleet ttft"))
      .field("tpot_ms", json_number(s.tpot_ms, "mixed fleet tpot"))
      .end_object();
}

}  // namespace

std::string mixed_fleet_table(const MixedFleet& mixed, const Style& style) {
  if (!mixed.searched) return "";
  std::string out = "\n" + paint("Mixed fleet (traffic split by prompt length):", Paint::bold, style) + "\n";
  if (!mixed.recommended) {
    out += wrap(fmt::format("none recommended ({} tried): {}", text::counted(mixed.splits_tried, "split"),
                            mixed.note),
                kTableWidth, "  ", "  ");
    return out;
  }
  const MixedSplit& m = *mixed.cheapest;
  out += wrap(fmt::format("split at {} tokens: {:.0f}% of requests ({}) -> {}, the rest ({}) -> {}",
                          text::grouped(m.threshold_tokens), m.short_side.lengths.share * 100,
                          m.short_side.lengths.flag, side_text(m.short_side), m.long_side.lengths.flag,
                          side_text(m.long_side)),
              kTableWidth, "  ", "    ");
  out += wrap(fmt::format("{}/h in all: saves {}/h ({:.0f}%) vs the best single type, {} at {}/h",
                          text::usd(m.cost_per_hour), text::usd(m.saving_per_hour), m.saving_share * 100,
                          m.single_hardware, text::usd(m.single_cost_per_hour)),
              kTableWidth, "  ", "    ");
  return out;
}

void mixed_fleet_json(JsonWriter& w, const MixedFleet& mixed) {
  w.begin_object()
      .field("searched", mixed.searched)
      .field("splits_tried", mixed.splits_tried)
      .field("min_saving_share", json_number(mixed.min_saving_share, "mixed fleet margin"))
      .field("recommended", mixed.recommended)
      .field("note",
             mixed.note.empty() ? std::optional<std::string>() : std::optional<std::string>(mixed.note))
      .key("split");
  if (!mixed.cheapest) {
    w.null();
  } else {
    const MixedSplit& m = *mixed.cheapest;
    w.begin_object()
        .field("threshold_tokens", json_number(m.threshold_tokens, "mixed fleet threshold"))
        .key("short");
    side_json(w, m.short_side);
    w.key("long");
    side_json(w, m.long_side);
    w.field("cost_per_hour_usd", usd_number(m.cost_per_hour, "mixed fleet cost"))
        .field("single_hardware", m.single_hardware)
        .field("single_cost_per_hour_usd", usd_number(m.single_cost_per_hour, "single fleet cost"))
        .field("saving_per_hour_usd", usd_number(m.saving_per_hour, "mixed fleet saving"))
        .field("saving_share", json_number(m.saving_share, "mixed fleet saving share"))
        .end_object();
  }
  w.end_object();
}

}  // namespace llmhw::render
