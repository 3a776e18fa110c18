#pragma once
// Reading data/calibration/observations.csv and the catalogs for tools/calibrate and tools/accuracy.
#include <filesystem>
#include <vector>

#include "llmhw/observations.hpp"

namespace llmhw::tools {

std::vector<Observation> read_observations(const std::filesystem::path& csv);
Catalogs load_catalogs(const std::filesystem::path& data_dir);

}  // namespace llmhw::tools
