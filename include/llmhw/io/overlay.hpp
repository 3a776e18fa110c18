#pragma once
// Calibration overlays on disk (data/schema/calibration-overlay.schema.json): the document
// `llmhw calibrate` writes, an atomic write, and the schema-checked reader `--calibration` uses.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llmhw/io/bench_results.hpp"
#include "llmhw/user_calibration.hpp"

namespace llmhw::io {

nlohmann::ordered_json overlay_document(const UserFit& fit, const CalibrationTarget& target,
                                        const std::vector<BenchFile>& inputs, const std::string& date);

// Writes `text` to a temporary file next to `path` and renames it over `path`, so a reader never
// sees half a file and a failed write leaves no file; throws a runtime error naming the path.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

// Reads and schema-checks an overlay; a data error names the file and the JSON pointer.
CalibrationOverlay load_overlay(const std::filesystem::path& path);

}  // namespace llmhw::io
