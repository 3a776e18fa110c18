#include "llmhw/io/schema.hpp"

#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>

#include "llmhw/error.hpp"

namespace llmhw::io {
namespace {

// Schemas repeat a few patterns over every profile; std::regex compiles slowly (it was 60% of
// loading the catalog), so each pattern is compiled once per process.
const std::regex& compiled(const std::string& pattern) {
  static std::map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern)).first;
  return it->second;
}

using nlohmann::json;

const std::set<std::string> kSupported = {"$schema",
                                          "$id",
                                          "$defs",
                                          "$ref",
                                          "title",
                                          "description",
                                          "type",
                                          "enum",
                                          "const",
                                          "required",
                                          "properties",
                                          "additionalProperties",
                                          "propertyNames",
                                          "items",
                                          "minItems",
                                          "uniqueItems",
                                          "minimum",
                                          "maximum",
                                          "exclusiveMinimum",
                                          "minLength",
                                          "pattern",
                                          "examples",
                                          "$comment"};

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool has_type(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer")
    return value.is_number_integer() ||
           (value.is_number_float() && value.get<double>() == std::floor(value.get<double>()));
  if (type == "boolean") return value.is_boolean();
  if (type == "null") return value.is_null();
  throw data_error(fmt::format("schema: unknown type '{}'", type));
}

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& schema, const json& value, const std::string& pointer) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) add(pointer, "is not allowed");
      return;
    }
    for (const auto& [key, unused] : schema.items()) {
      if (!kSupported.contains(key))
        throw data_error(fmt::format("schema: keyword '{}' is not supported", key));
    }
    if (schema.contains("$ref")) return check(resolve(schema.at("$ref").get<std::string>()), value, pointer);
    if (schema.contains("type") && !type_matches(schema.at("type"), value)) {
      add(pointer, fmt::format("expected {}", describe_type(schema.at("type"))));
      return;  // the other keywords would only repeat the problem
    }
    check_enum_const(schema, value, pointer);
    if (value.is_number()) check_number(schema, value.get<double>(), pointer);
    if (value.is_string()) check_string(schema, value.get<std::string>(), pointer);
    if (value.is_array()) check_array(schema, value, pointer);
    if (value.is_object()) check_object(schema, value, pointer);
  }

  std::vector<SchemaProblem> problems;

 private:
  void add(const std::string& pointer, std::string message) {
    problems.push_back({pointer, std::move(message)});
  }

  const json& resolve(const std::string& ref) const {
    if (ref.rfind("#", 0) != 0)
      throw data_error(fmt::format("schema: only local $ref is supported, got '{}'", ref));
    return root_.at(json::json_pointer(ref.substr(1)));
  }

  static bool type_matches(const json& type, const json& value) {
    if (type.is_string()) return has_type(value, type.get<std::string>());
    for (const auto& t : type) {
      if (has_type(value, t.get<std::string>())) return true;
    }
    return false;
  }

  static std::string describe_type(const json& type) {
    static const std::map<std::string, std::string> article = {
        {"object", "an object"}, {"array", "an array"},         {"string", "a string"},
        {"number", "a number"},  {"integer", "a whole number"}, {"boolean", "true or false"},
        {"null", "null"}};
    if (type.is_string()) return article.at(type.get<std::string>());
    std::string out;
    for (const auto& t : type) out += (out.empty() ? "" : " or ") + article.at(t.get<std::string>());
    return out;
  }

  void check_enum_const(const json& schema, const json& value, const std::string& pointer) {
    if (schema.contains("const") && value != schema.at("const")) {
      add(pointer, fmt::format("must be {}", schema.at("const").dump()));
    }
    if (schema.contains("enum")) {
      const json& options = schema.at("enum");
      if (std::find(options.begin(), options.end(), value) == options.end()) {
        std::string list;
        for (const auto& o : options)
          list += (list.empty() ? "" : ", ") + (o.is_string() ? o.get<std::string>() : o.dump());
        add(pointer, fmt::format("{} is not one of {}", value.dump(), list));
      }
    }
  }

  void check_number(const json& schema, double v, const std::string& pointer) {
    if (schema.contains("minimum") && v < schema.at("minimum").get<double>()) {
      add(pointer, fmt::format("must be at least {}, got {}", schema.at("minimum").dump(), v));
    }
    if (schema.contains("maximum") && v > schema.at("maximum").get<double>()) {
      add(pointer, fmt::format("must be at most {}, got {}", schema.at("maximum").dump(), v));
    }
    if (schema.contains("exclusiveMinimum") && v <= schema.at("exclusiveMinimum").get<double>()) {
      add(pointer, fmt::format("must be more than {}, got {}", schema.at("exclusiveMinimum").dump(), v));
    }
  }

  void check_string(const json& schema, const std::string& s, const std::string& pointer) {
    if (schema.contains("minLength") && s.size() < schema.at("minLength").get<size_t>()) {
      add(pointer,
          s.empty() ? "must not be empty"
                    : fmt::format("must have at least {} characters", schema.at("minLength").get<size_t>()));
    }
    if (schema.contains("pattern") &&
        !std::regex_search(s, compiled(schema.at("pattern").get<std::string>()))) {
      add(pointer,
          fmt::format("'{}' does not match the pattern {}", s, schema.at("pattern").get<std::string>()));
    }
  }

  void check_array(const json& schema, const json& value, const std::string& pointer) {
    if (schema.contains("minItems") && value.size() < schema.at("minItems").get<size_t>()) {
      add(pointer, fmt::format("needs at least {} item(s), has {}", schema.at("minItems").get<size_t>(),
                               value.size()));
    }
    if (schema.value("uniqueItems", false)) {
      for (size_t i = 0; i < value.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
          if (value[i] == value[j]) add(fmt::format("{}/{}", pointer, i), fmt::format("repeats item {}", j));
        }
      }
    }
    if (schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i)
        check(schema.at("items"), value[i], fmt::format("{}/{}", pointer, i));
    }
  }

  void check_object(const json& schema, const json& value, const std::string& pointer) {
    if (schema.contains("required")) {
      for (const auto& key : schema.at("required")) {
        if (!value.contains(key.get<std::string>()))
          add(pointer + "/" + escape_pointer_token(key.get<std::string>()), "missing");
      }
    }
    const json empty = json::object();
    const json& properties = schema.contains("properties") ? schema.at("properties") : empty;
    for (const auto& [key, child] : value.items()) {
      const std::string where = pointer + "/" + escape_pointer_token(key);
      if (schema.contains("propertyNames")) check(schema.at("propertyNames"), json(key), where);
      if (properties.contains(key)) {
        check(properties.at(key), child, where);
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema.at("additionalProperties");
        if (extra.is_boolean() && !extra.get<bool>()) {
          add(where, "is not a known field");
        } else {
          check(extra, child, where);
        }
      }
    }
  }

  const json& root_;
};

}  // namespace

std::vector<SchemaProblem> validate_json(const nlohmann::json& schema, const nlohmann::json& document) {
  Validator v(schema);
  v.check(schema, document, "");
  return std::move(v.problems);
}

}  // namespace llmhw::io
