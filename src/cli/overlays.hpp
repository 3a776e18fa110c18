#pragma once
// Users' calibration overlays (`llmhw calibrate`): $XDG_CONFIG_HOME/llmhw/calibration/*.json in
// name order, then each --calibration file in order; a later overlay for the same hardware and
// engine wins.
#include <filesystem>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "cli/catalog.hpp"
#include "llmhw/calibration.hpp"

namespace llmhw::cli {

std::filesystem::path user_calibration_dir();
// Applies the overlays to `calibration`; returns one note per overlay applied, for the output.
std::vector<std::string> apply_overlays(Calibration& calibration, const GlobalOptions& global,
                                        const Catalog& catalog);

}  // namespace llmhw::cli
