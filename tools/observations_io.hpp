#pragma once
// Reading data/calibration/observations.csv and the catalogs for tools/calibrate and tools/accuracy.
#include <filesystem>
#include <string>
#include <vector>

#include "llmhw/observations.hpp"

namespace llmhw::tools {

// One CSV record; fields may be quoted with "" escapes (RFC 4180).
std::vector<std::string> split_csv(const std::string& line);
std::vector<Observation> read_observations(const std::filesystem::path& csv);
Catalogs load_catalogs(const std::filesystem::path& data_dir);

}  // namespace llmhw::tools
