#pragma once
// The edge where files become core structs. Every error names the file and JSON pointer:
// "data/hardware/h100-sxm.json: /memory_gb: expected a number".
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llmhw/hardware.hpp"
#include "llmhw/model.hpp"
#include "llmhw/recommend.hpp"

namespace llmhw::io {

// Files larger than this are rejected before parsing (README "Limits").
inline constexpr std::uintmax_t kMaxFileBytes = 16 * 1024 * 1024;
// JSON nested deeper than this is rejected before parsing (README "Limits").
inline constexpr size_t kMaxJsonDepth = 64;
// Hardware profiles in one directory (README "Limits").
inline constexpr size_t kMaxProfilesPerDirectory = 10000;

std::string read_text_file(const std::filesystem::path& path);
// Writes (replaces) a file, or throws a runtime error "what: cannot write PATH: reason".
void write_text_file(const std::filesystem::path& path, const std::string& text, const std::string& what);

// One problem found in a hardware profile, printed as "file: /pointer: message".
struct ProfileProblem {
  std::string file, pointer, message;
  bool warning = false;  // suspicious but not invalid (e.g. a ratio that suggests a sparse figure)
  std::string line() const;
};

// Every problem of a profile: JSON Schema (data/schema/hardware.schema.json, compiled in), then the checks a
// schema cannot express (id = file name, CPU fields, plausible precision ratios).
std::vector<ProfileProblem> check_hardware_file(const std::filesystem::path& path);
// Loads a profile, or throws a data error with its first problem.
Hardware load_hardware_file(const std::filesystem::path& path);
// The same from text already read; `origin` names it in errors and gives the expected id.
Hardware parse_hardware_profile(const std::string& text, const std::filesystem::path& origin);
// All *.json in the directory, sorted by file name (directory order differs between file systems).
std::vector<Hardware> load_hardware_dir(const std::filesystem::path& dir);

// The profile file as an ordered JSON document (for `hardware show/list --format json`).
nlohmann::ordered_json read_profile_document(const std::filesystem::path& path);

// A catalog entry (data/models/<id>.json) with its embedded Hugging Face config.
struct CatalogModel {
  std::string id, name, hf_id;
  std::vector<std::string> aliases;
  double published_total = 0, published_active = 0;
  std::filesystem::path path;
};
std::vector<CatalogModel> list_model_catalog(const std::filesystem::path& dir);
Model load_catalog_model(const CatalogModel& entry);
// A Hugging Face config.json (and a sibling hf_quant_config.json, if any).
Model load_hf_config(const std::filesystem::path& path);
// A config.json's text; `name` names it in errors.
Model parse_hf_config(const std::string& text, const std::string& name);

Calibration load_calibration(const std::filesystem::path& path);

}  // namespace llmhw::io
