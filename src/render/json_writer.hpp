#pragma once
// A streaming JSON writer for the hot output path (recommend, above all its batch mode): it
// appends to one string instead of building an nlohmann tree and serializing it, which cost half
// of a batch scenario's time. It prints exactly what nlohmann's dump() prints for the same
// document (compact or indented; the same number formatting), so the two can be mixed and
// compared; tests/unit/test_json_writer.cpp checks that against nlohmann itself.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::render {

class JsonWriter {
 public:
  // indent < 0: one line, no spaces (dump(-1)); otherwise that many spaces per level (dump(n)).
  explicit JsonWriter(int indent = -1) : indent_(indent) { out_.reserve(4096); }

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(double v);
  JsonWriter& value(long long v);
  JsonWriter& value(unsigned long long v);
  JsonWriter& value(long v) { return value(static_cast<long long>(v)); }
  JsonWriter& value(int v) { return value(static_cast<long long>(v)); }
  JsonWriter& value(unsigned long v) { return value(static_cast<unsigned long long>(v)); }
  JsonWriter& value(bool v);
  JsonWriter& null();
  template <typename T>
  JsonWriter& value(const std::optional<T>& v) {
    return v ? value(*v) : null();
  }
  JsonWriter& value(const std::vector<std::string>& strings);

  // key(k).value(v) in one call.
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void before_value();  // the comma and line break before an element or a key
  void newline_indent(size_t depth);

  std::string out_;
  std::vector<bool> empty_;  // per open container: nothing written in it yet
  int indent_;
  bool after_key_ = false;
};

}  // namespace llmhw::render
