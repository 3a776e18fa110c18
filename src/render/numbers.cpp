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

}  // namespace llmhw::render
