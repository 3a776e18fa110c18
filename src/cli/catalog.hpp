#pragma once
// The hardware catalog a command works on: the shipped profiles, then the user's directory
// ($XDG_CONFIG_HOME/llmhw/hardware/), then --hardware-file files; a later profile with a shipped
// id replaces it, and the replacement is noted.
#include <filesystem>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "llmhw/hardware.hpp"

namespace llmhw::cli {

struct Catalog {
  std::vector<Hardware> hardware;  // sorted by id
  std::vector<std::string> notes;  // overrides, for the output
};

std::filesystem::path user_hardware_dir();
Catalog load_catalog(const GlobalOptions& global);
// The profile with this id, or a usage error naming `flag` with the nearest id.
const Hardware& find_hardware(const Catalog& catalog, const std::string& id, const std::string& flag);

}  // namespace llmhw::cli
