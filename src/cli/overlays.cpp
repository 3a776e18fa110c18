#include "cli/overlays.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "llmhw/io/overlay.hpp"
#include "llmhw/user_calibration.hpp"

namespace llmhw::cli {

std::filesystem::path user_calibration_dir() {
  const std::filesystem::path hardware = user_hardware_dir();  // .../llmhw/hardware
  return hardware.empty() ? hardware : hardware.parent_path() / "calibration";
}

std::vector<std::string> apply_overlays(Calibration& calibration, const GlobalOptions& global,
                                        const Catalog& catalog) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (const auto dir = user_calibration_dir(); !dir.empty() && std::filesystem::is_directory(dir, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());  // directory order differs between file systems
  }
  for (const std::string& f : global.calibration_files) files.emplace_back(f);
  std::vector<std::string> notes;
  for (const auto& path : files) {
    const CalibrationOverlay overlay = io::load_overlay(path);
    const CalibrationTarget& t = overlay.deployment;
    if (apply_overlay(calibration, overlay, catalog.hardware)) {
      notes.push_back(
          fmt::format("calibration overlay {}: {} with {} predicted with the factors fitted on {} to {} "
                      "runs of {} (evidence: calibrated)",
                      path.string(), t.hardware, t.engine, overlay.created, overlay.runs, t.model));
    } else {
      notes.push_back(fmt::format("calibration overlay {}: hardware '{}' is not in the catalog; not applied",
                                  path.string(), t.hardware));
    }
  }
  return notes;
}

}  // namespace llmhw::cli
