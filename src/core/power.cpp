#include "llmhw/power.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "llmhw/error.hpp"
#include "llmhw/text.hpp"

namespace llmhw {

double parse_power_kw(std::string_view text, std::string_view what) {
  std::string body;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) body += c;
  const auto fail = [&] {
    return usage_error(
        fmt::format("{}: '{}' is not a power (expected e.g. 40kW, 40000W or 0.5MW)", what, text));
  };
  double v = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || end == body.data()) throw fail();
  std::string unit(end, static_cast<const char*>(body.data() + body.size()));
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double kw = 0;
  if (unit == "w") {
    kw = v / 1000.0;
  } else if (unit == "kw") {
    kw = v;
  } else if (unit == "mw") {
    kw = v * 1000.0;
  } else {
    throw fail();
  }
  if (!std::isfinite(kw) || kw <= 0 || kw > 1e6)
    throw usage_error(fmt::format("{}: '{}' must be more than 0 and at most 1 GW", what, text));
  return kw;
}

double fleet_power_kw(const Evaluation& e, const Query& q) {
  return static_cast<double>(e.total_devices()) * e.deployment.hardware->tdp_w / 1000.0 * q.pue;
}

bool within_power_budget(const Evaluation& e, const Query& q) {
  if (!q.power_budget_kw) return true;
  return e.deployment.hardware->tdp_w > 0 && fleet_power_kw(e, q) <= *q.power_budget_kw;
}

std::string why_not_power_budget(const Evaluation& e, const Query& q) {
  const Hardware& hw = *e.deployment.hardware;
  if (hw.tdp_w <= 0) {
    return fmt::format(
        "its power is not published (no TDP in the {} profile), so it cannot be held to the "
        "power budget {:g} kW",
        hw.id, *q.power_budget_kw);
  }
  return fmt::format("draws {:.1f} kW at full load ({} x {:g} W x PUE {:g}) > power budget {:g} kW",
                     fleet_power_kw(e, q), text::counted(static_cast<double>(e.total_devices()), "device"),
                     hw.tdp_w, q.pue, *q.power_budget_kw);
}

}  // namespace llmhw
