#pragma once
// A JSON Schema validator for the subset of draft 2020-12 that llmhw's schemas use: type, enum,
// const, required, properties, additionalProperties, propertyNames, items, minItems,
// uniqueItems, minimum, maximum, exclusiveMinimum, minLength, pattern, and local $ref. It
// collects every problem rather than stopping at the first, so `llmhw validate` can list them all.
// (Debian 12's stack for llmhw has no C++ JSON Schema library; this covers what data/schema needs.)
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace llmhw::io {

struct SchemaProblem {
  std::string pointer;  // JSON pointer into the document, "" for the root
  std::string message;
};

// Throws a data error if the schema uses a keyword this validator does not implement, so a
// schema can never be silently half-checked.
std::vector<SchemaProblem> validate_json(const nlohmann::json& schema, const nlohmann::json& document);

}  // namespace llmhw::io
