#include "cli/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"
#include "llmhw/suggest.hpp"

namespace llmhw::cli {
namespace {

// Adds profiles of one layer; an id repeated within the layer is an error, an id from an
// earlier layer is replaced and noted.
void add_layer(std::map<std::string, Hardware>& by_id, std::vector<Hardware> layer,
               std::vector<std::string>& notes) {
  std::map<std::string, std::string> seen;
  for (Hardware& hw : layer) {
    if (auto dup = seen.find(hw.id); dup != seen.end()) {
      throw data_error(
          fmt::format("{}: /id: duplicate hardware id '{}' (also in {})", hw.origin, hw.id, dup->second));
    }
    seen[hw.id] = hw.origin;
    if (auto old = by_id.find(hw.id); old != by_id.end()) {
      notes.push_back(fmt::format("{}: profile from {} overrides {}", hw.id, hw.origin, old->second.origin));
    }
    by_id[hw.id] = std::move(hw);
  }
}

}  // namespace

std::filesystem::path user_hardware_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "llmhw" / "hardware";
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".config" / "llmhw" / "hardware";
  }
  return {};
}

Catalog load_catalog(const GlobalOptions& global) {
  std::map<std::string, Hardware> by_id;
  Catalog catalog;
  add_layer(by_id, io::load_hardware_dir(resolve_data_dir(global) / "hardware"), catalog.notes);
  std::error_code ec;
  if (const auto user = user_hardware_dir(); !user.empty() && std::filesystem::is_directory(user, ec)) {
    add_layer(by_id, io::load_hardware_dir(user), catalog.notes);
  }
  std::vector<Hardware> files;
  for (const std::string& f : global.hardware_files) files.push_back(io::load_hardware_file(f));
  add_layer(by_id, std::move(files), catalog.notes);
  for (auto& [id, hw] : by_id) catalog.hardware.push_back(std::move(hw));
  return catalog;
}

const Hardware& find_hardware(const Catalog& catalog, const std::string& id, const std::string& flag) {
  std::vector<std::string> ids;
  for (const Hardware& hw : catalog.hardware) {
    if (hw.id == id) return hw;
    ids.push_back(hw.id);
  }
  const std::string hint = did_you_mean(suggestions(id, ids));
  throw usage_error(fmt::format("{}: unknown hardware '{}'{}; `llmhw hardware list` shows the catalog", flag,
                                id, hint.empty() ? "" : "; " + hint));
}

}  // namespace llmhw::cli
