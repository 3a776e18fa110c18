#pragma once
// Typed access to a JSON object that reports errors as "file: /pointer: what is wrong".
#include <fmt/format.h>

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "llmhw/error.hpp"

namespace llmhw::io {

class JsonReader {
 public:
  JsonReader(const nlohmann::json& value, std::string file, std::string pointer = "")
      : value_(value), file_(std::move(file)), pointer_(std::move(pointer)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw data_error(fmt::format("{}: {}/{}: {}", file_, pointer_, key, message));
  }
  [[noreturn]] void fail_here(const std::string& message) const {
    throw data_error(fmt::format("{}: {}: {}", file_, pointer_.empty() ? "/" : pointer_, message));
  }

  bool has(const std::string& key) const { return value_.contains(key) && !value_.at(key).is_null(); }
  const nlohmann::json& raw(const std::string& key) const {
    if (!has(key)) fail(key, "missing");
    return value_.at(key);
  }
  JsonReader object(const std::string& key) const {
    if (!raw(key).is_object()) fail(key, "expected an object");
    return JsonReader(value_.at(key), file_, pointer_ + "/" + key);
  }
  JsonReader element(const std::string& key, size_t i) const {
    return JsonReader(value_.at(key).at(i), file_, fmt::format("{}/{}/{}", pointer_, key, i));
  }
  std::string string(const std::string& key) const {
    if (!raw(key).is_string()) fail(key, "expected a string");
    return value_.at(key).get<std::string>();
  }
  std::string string_or(const std::string& key, const std::string& fallback) const {
    return has(key) ? string(key) : fallback;
  }
  double number(const std::string& key) const {
    if (!raw(key).is_number()) fail(key, "expected a number");
    return value_.at(key).get<double>();
  }
  // A number > 0 (a physical quantity: bandwidth, memory, rate).
  double positive(const std::string& key) const {
    double v = number(key);
    if (!(v > 0)) fail(key, fmt::format("must be more than 0, got {}", v));
    return v;
  }
  std::optional<double> optional_positive(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return positive(key);
  }
  // A whole number in [lo, hi].
  int integer(const std::string& key, int lo, int hi) const {
    if (!raw(key).is_number_integer()) fail(key, "expected a whole number");
    const auto v = value_.at(key).get<long long>();
    if (v < lo || v > hi) fail(key, fmt::format("must be between {} and {}, got {}", lo, hi, v));
    return static_cast<int>(v);
  }
  int integer_or(const std::string& key, int lo, int hi, int fallback) const {
    return has(key) ? integer(key, lo, hi) : fallback;
  }
  bool boolean_or(const std::string& key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!raw(key).is_boolean()) fail(key, "expected true or false");
    return value_.at(key).get<bool>();
  }
  size_t array_size(const std::string& key) const {
    if (!raw(key).is_array()) fail(key, "expected an array");
    return value_.at(key).size();
  }
  std::vector<std::string> strings_or_empty(const std::string& key) const {
    std::vector<std::string> out;
    if (!has(key)) return out;
    for (size_t i = 0; i < array_size(key); ++i) {
      if (!value_.at(key).at(i).is_string()) fail(fmt::format("{}/{}", key, i), "expected a string");
      out.push_back(value_.at(key).at(i).get<std::string>());
    }
    return out;
  }
  const nlohmann::json& value() const { return value_; }
  const std::string& file() const { return file_; }

 private:
  const nlohmann::json& value_;
  std::string file_;
  std::string pointer_;
};

// The *.json files of a directory, sorted by name; a data error if it is not a directory.
std::vector<std::filesystem::path> list_json_files(const std::filesystem::path& dir);

// Parses text as JSON, or throws a data error naming the file and the byte offset.
nlohmann::json parse_json(const std::string& text, const std::string& file);

}  // namespace llmhw::io
