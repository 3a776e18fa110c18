#pragma once
// Shared by the table renderers: colour that degrades to plain text, and wrapping to the table
// width counted in characters, not bytes (cells hold UTF-8 such as "–").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llmhw/render_style.hpp"

namespace llmhw::render {

enum class Paint { bold, green, yellow, dim };

// The text wrapped in the paint's escape sequence, line by line (a pager then never carries a
// colour into the next line); unchanged without style.color.
std::string paint(std::string_view text, Paint p, const Style& style);

// Characters a terminal shows for UTF-8 text: code points, escape sequences excluded.
size_t display_width(std::string_view text);

// Words of `text` filled into lines of at most `width` characters, the first line starting with
// `first` and the others with `rest`. A word too long for a continuation line (a URL) is never
// broken, so that it stays usable: it gets a line of its own indented by 4 and overflows `width`
// only when longer than that line. Each line ends with "\n", without trailing spaces.
std::string wrap(std::string_view text, size_t width, std::string_view first, std::string_view rest);

// `label` padded to `indent` characters (at least one space after it), then `text` wrapped to
// kTableWidth with its continuation lines indented to the same column: "  t4   69.7B int8 is ...".
std::string labelled(std::string_view label, std::string_view text, size_t indent, const Style& style,
                     std::optional<Paint> label_paint = std::nullopt,
                     std::optional<Paint> text_paint = std::nullopt);

// Rows of cells as aligned lines with a bold header row and, when `highlight` > 0, that row
// (counting the header as 0) in green; the last column wraps to fit kTableWidth.
std::string styled_table(const std::vector<std::vector<std::string>>& rows, const Style& style,
                         size_t highlight = 0);

// A list: styled_table() and, unless --quiet, a blank line and `note` wrapped to kTableWidth.
std::string list_table(const std::vector<std::vector<std::string>>& rows, const Style& style,
                       std::string_view note);

}  // namespace llmhw::render
