#include "render/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

namespace llmhw::render {

void JsonWriter::newline_indent(size_t depth) {
  out_ += '\n';
  out_.append(depth * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (empty_.empty()) return;  // the top-level value
  if (!empty_.back()) out_ += ',';
  empty_.back() = false;
  if (indent_ >= 0) newline_indent(empty_.size());
}

JsonWriter& JsonWriter::open(char bracket) {
  before_value();
  out_ += bracket;
  empty_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  const bool was_empty = empty_.back();
  empty_.pop_back();
  if (!was_empty && indent_ >= 0) newline_indent(empty_.size());
  out_ += bracket;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  value(k);
  out_ += indent_ >= 0 ? ": " : ":";
  after_key_ = true;
  return *this;
}

namespace {

// Whether any of the eight bytes at p is below 0x20, a quote or a backslash (the SWAR tests of
// "Bit Twiddling Hacks": a byte below n, a byte equal to n).
bool needs_escape(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
  const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t below_space = (w - ones * 0x20) & ~w & highs;
  return below_space || has_zero(w ^ (ones * '"')) || has_zero(w ^ (ones * '\\'));
}

}  // namespace

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  out_ += '"';
  // Escapes as nlohmann does without ensure_ascii: quote, backslash and control characters;
  // UTF-8 passes through (every string here comes from validated JSON or from llmhw itself).
  static constexpr auto kEscaped = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 0x20; ++c) table[static_cast<size_t>(c)] = true;
    table['"'] = table['\\'] = true;
    return table;
  }();
  const char* run = s.data();
  const char* const end = s.data() + s.size();
  const char* p = run;
  // Eight bytes at a time while none of them needs escaping (most text), then byte by byte.
  for (; end - p >= 8 && !needs_escape(p); p += 8) {
  }
  for (; p != end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (!kEscaped[c]) continue;
    out_.append(run, static_cast<size_t>(p - run));
    run = p + 1;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out_ += "\\u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 0xF];
      }
    }
  }
  out_.append(run, static_cast<size_t>(end - run));
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  if (!std::isfinite(v)) return null();  // as nlohmann prints NaN and infinities
  before_value();
  // nlohmann's own shortest round-trip formatting, so the output matches dump() to the byte.
  std::array<char, 64> buffer;
  const char* end = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  out_.append(buffer.data(), static_cast<size_t>(end - buffer.data()));
  return *this;
}

JsonWriter& JsonWriter::value(long long v) {
  before_value();
  std::array<char, 24> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  out_.append(buffer.data(), result.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(unsigned long long v) {
  before_value();
  std::array<char, 24> buffer;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
  out_.append(buffer.data(), result.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  before_value();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::value(const std::vector<std::string>& strings) {
  begin_array();
  for (const std::string& s : strings) value(s);
  return end_array();
}

}  // namespace llmhw::render
