#pragma once
// What the CLI tells renderers about presentation: the output format, ANSI colour and how much
// explanation to print. Only the table renderers look at a Style; JSON, CSV, Markdown and SVG are
// the same bytes whatever the terminal, so scripts never see escape sequences.
#include <cstddef>
#include <string_view>

namespace llmhw::render {

enum class Format { table, json, csv, markdown };
std::string_view to_string(Format f);

struct Style {
  bool color = false;  // ANSI escapes; the CLI decides (--color, NO_COLOR, a terminal)
  bool quiet = false;  // data only: no query preamble, notes, warnings, reasons or footers
};

// Every line of a table output fits a 100-column terminal; long cells wrap.
inline constexpr size_t kTableWidth = 100;

}  // namespace llmhw::render
