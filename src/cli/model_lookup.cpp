#include "cli/model_lookup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "llmhw/error.hpp"
#include "llmhw/suggest.hpp"
#include "llmhw/units.hpp"

namespace llmhw::cli {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool names(const io::CatalogModel& m, const std::string& wanted) {
  if (lower(m.id) == wanted || lower(m.hf_id) == wanted) return true;
  return std::any_of(m.aliases.begin(), m.aliases.end(),
                     [&](const std::string& a) { return lower(a) == wanted; });
}

ResolvedModel from_catalog(const std::string& text, const std::filesystem::path& models_dir) {
  const std::string wanted = lower(text);
  const std::vector<io::CatalogModel> catalog = io::list_model_catalog(models_dir);
  for (const io::CatalogModel& m : catalog) {
    if (names(m, wanted)) return {io::load_catalog_model(m), m, "catalog: " + m.path.string()};
  }
  // "70bb" is a mistyped size, not a model name.
  if (std::isdigit(static_cast<unsigned char>(text.front()))) parse_model_size(text, "--model");
  std::vector<std::string> ids;
  for (const io::CatalogModel& m : catalog) ids.push_back(m.id);
  const std::string hint = did_you_mean(suggestions(wanted, ids));
  throw usage_error(
      fmt::format("--model: unknown model '{}'{}; `llmhw models list` shows the catalog, or give a "
                  "size such as 70b or --model-config PATH",
                  text, hint.empty() ? "" : "; " + hint));
}

}  // namespace

ResolvedModel resolve_model(const std::string& model_text, const std::string& config_path,
                            const std::filesystem::path& models_dir) {
  if (!model_text.empty() && !config_path.empty()) {
    throw usage_error("--model and --model-config: give one of them, not both");
  }
  if (!config_path.empty()) return {io::load_hf_config(config_path), std::nullopt, "config: " + config_path};
  if (model_text.empty()) throw usage_error("--model: give a model (id, alias, size) or --model-config PATH");
  if (looks_like_model_size(model_text)) {
    return {model_from_size(parse_model_size(model_text, "--model")), std::nullopt, "size: " + model_text};
  }
  return from_catalog(model_text, models_dir);
}

}  // namespace llmhw::cli
