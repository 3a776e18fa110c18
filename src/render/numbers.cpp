#include "render/numbers.hpp"

#include <cmath>
#include <string>

#include "llmhw/error.hpp"
#include "llmhw/text.hpp"

namespace llmhw::render {

double json_number(double v, const char* what) {
  if (!std::isfinite(v)) throw Error(ExitCode::runtime, std::string("internal error: non-finite ") + what);
  return text::round_significant(v, 4);
}

double usd_number(double v, const char* what) {
  // To the cent, so that a fleet's cost equals instances x the instance price as a bill shows
  // it; below a dollar, 4 significant digits (CPU slices cost cents per hour).
  if (std::abs(v) < 1) return json_number(v, what);
  if (!std::isfinite(v)) throw Error(ExitCode::runtime, std::string("internal error: non-finite ") + what);
  return std::round(v * 100) / 100;
}

}  // namespace llmhw::render
