#include "render/style.hpp"

#include <algorithm>
#include <cctype>

#include "render/columns.hpp"

namespace llmhw::render {

std::string_view to_string(Format f) {
  switch (f) {
    case Format::table:
      return "table";
    case Format::json:
      return "json";
    case Format::csv:
      return "csv";
    case Format::markdown:
      return "markdown";
  }
  return "table";
}

namespace {

std::string_view code(Paint p) {
  switch (p) {
    case Paint::bold:
      return "\x1b[1m";
    case Paint::green:
      return "\x1b[32m";
    case Paint::yellow:
      return "\x1b[33m";
    case Paint::dim:
      return "\x1b[2m";
  }
  return "";
}

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kOverflowIndent = "    ";

// "2.2 ms,", "18.2 GB", "600 GB/s": a number and its unit (a short word of letters, maybe with a
// slash and trailing punctuation) stay on one line.
bool unit_follows(std::string_view before, std::string_view after) {
  if (before.empty() || !std::isdigit(static_cast<unsigned char>(before.back()))) return false;
  std::string_view unit = after.substr(0, after.find(' '));
  while (!unit.empty() && std::string_view(",;:.)").find(unit.back()) != std::string_view::npos)
    unit.remove_suffix(1);
  return !unit.empty() && unit.size() <= 5 && std::isalpha(static_cast<unsigned char>(unit.front())) &&
         std::all_of(unit.begin(), unit.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '/'; });
}

}  // namespace

std::string paint(std::string_view text, Paint p, const Style& style) {
  if (!style.color) return std::string(text);
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    if (!line.empty()) out.append(code(p)).append(line).append(kReset);
    if (end == text.size()) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

size_t display_width(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b && i + 1 < text.size() && text[i + 1] == '[') {  // CSI ... final byte
      i += 2;
      while (i < text.size() && (static_cast<unsigned char>(text[i]) < 0x40 || text[i] > 0x7e)) ++i;
      continue;
    }
    if ((c & 0xC0) != 0x80) ++width;  // not a UTF-8 continuation byte
  }
  return width;
}

std::string wrap(std::string_view text, size_t width, std::string_view first, std::string_view rest) {
  std::string out(first);
  size_t used = display_width(first);
  bool line_empty = true, break_next = false;
  auto new_line = [&](std::string_view prefix) {
    out.erase(out.find_last_not_of(' ') + 1);
    out.append("\n").append(prefix);
    used = display_width(prefix);
    line_empty = true;
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t space = std::min(text.find(' ', pos), text.size());
    while (space < text.size() && unit_follows(text.substr(pos, space - pos), text.substr(space + 1)))
      space = std::min(text.find(' ', space + 1), text.size());
    const std::string_view word = text.substr(pos, space - pos);
    pos = space + 1;
    if (word.empty()) continue;
    const size_t w = display_width(word);
    if (w + display_width(rest) > width) {
      // Too long for a continuation line (a URL): never broken, so that it stays usable; on a
      // line of its own, barely indented, it fits when it can.
      if (!line_empty || used > kOverflowIndent.size()) new_line(kOverflowIndent);
      break_next = true;
    } else if (break_next || (!line_empty && used + 1 + w > width)) {
      new_line(rest);
      break_next = false;
    }
    if (!line_empty) {
      out += ' ';
      ++used;
    }
    out += word;
    used += w;
    line_empty = false;
  }
  out.erase(out.find_last_not_of(' ') + 1);
  return out + "\n";
}

std::string labelled(std::string_view label, std::string_view text, size_t indent, const Style& style,
                     std::optional<Paint> label_paint, std::optional<Paint> text_paint) {
  const size_t label_width = display_width(label);
  indent = std::max(indent, label_width + 1);
  const size_t room = kTableWidth > indent + 20 ? kTableWidth - indent : 20;
  const std::string body = wrap(text, room, "", "");
  std::string out = label_paint ? paint(label, *label_paint, style) : std::string(label);
  out += std::string(indent - label_width, ' ');
  size_t start = 0;
  while (start < body.size()) {
    const size_t end = body.find('\n', start);
    const std::string_view line = std::string_view(body).substr(start, end - start);
    if (start > 0) out += std::string(indent, ' ');
    out += (text_paint ? paint(line, *text_paint, style) : std::string(line)) + "\n";
    start = end + 1;
  }
  return out;
}

std::string styled_table(const std::vector<std::vector<std::string>>& rows, const Style& style,
                         size_t highlight) {
  const std::vector<std::string> lines = aligned_rows(rows);
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0) {
      out += paint(lines[i], Paint::bold, style);
    } else if (highlight > 0 && i == highlight) {
      out += paint(lines[i], Paint::green, style);
    } else {
      out += lines[i];
    }
  }
  return out;
}

std::string list_table(const std::vector<std::vector<std::string>>& rows, const Style& style,
                       std::string_view note) {
  std::string out = styled_table(rows, style);
  if (!style.quiet) {
    out += "\n";
    out += wrap(note, kTableWidth, "", "");
  }
  return out;
}

}  // namespace llmhw::render
