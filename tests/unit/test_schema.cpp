// The JSON Schema subset validator (src/io/schema.cpp).
#include <catch2/catch.hpp>

#include <algorithm>

#include "llmhw/error.hpp"
#include "llmhw/io/schema.hpp"

using llmhw::io::validate_json;
using nlohmann::json;

namespace {

const json kSchema = json::parse(R"({
  "type": "object",
  "required": ["id", "size"],
  "additionalProperties": false,
  "properties": {
    "id": {"type": "string", "pattern": "^[a-z]+$"},
    "size": {"type": "number", "exclusiveMinimum": 0, "maximum": 10},
    "kind": {"enum": ["a", "b"]},
    "tags": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/$defs/tag"}},
    "peaks": {"type": "object", "propertyNames": {"enum": ["x", "y"]}, "additionalProperties": {"type": "integer"}}
  },
  "$defs": {"tag": {"type": "string", "minLength": 1}}
})");

std::vector<std::string> lines(const json& doc) {
  std::vector<std::string> out;
  for (const auto& p : validate_json(kSchema, doc)) out.push_back(p.pointer + ": " + p.message);
  return out;
}

}  // namespace

TEST_CASE("a valid document has no problems", "[schema]") {
  CHECK(lines(json::parse(R"({"id": "abc", "size": 5, "kind": "a", "tags": ["t"], "peaks": {"x": 1}})"))
            .empty());
}

TEST_CASE("every problem is reported with its pointer", "[schema]") {
  const auto found = lines(json::parse(
      R"({"size": 0, "kind": "c", "tags": ["t", "t", ""], "peaks": {"z": 1.5}, "extra": true, "id": "A"})"));
  const std::vector<std::string> expected = {
      "/extra: is not a known field",      "/id: 'A' does not match the pattern ^[a-z]+$",
      "/kind: \"c\" is not one of a, b",   "/peaks/z: \"z\" is not one of x, y",
      "/peaks/z: expected a whole number", "/size: must be more than 0, got 0",
      "/tags/1: repeats item 0",           "/tags/2: must not be empty",
  };
  auto sorted = found;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == expected);
}

TEST_CASE("missing fields and wrong types", "[schema]") {
  CHECK(lines(json::parse(R"({"size": "big"})")) ==
        std::vector<std::string>{"/id: missing", "/size: expected a number"});
  CHECK(lines(json::parse("[]")) == std::vector<std::string>{": expected an object"});
  CHECK(lines(json::parse(R"({"id": "a", "size": 11})")) ==
        std::vector<std::string>{"/size: must be at most 10, got 11"});
}

TEST_CASE("an unsupported keyword is an error, never silently ignored", "[schema]") {
  const json schema = json::parse(R"({"type": "object", "oneOf": []})");
  CHECK_THROWS_AS(validate_json(schema, json::object()), llmhw::Error);
}
