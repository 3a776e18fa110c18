#pragma once
// Text columns aligned to their widest cell, shared by the table renderers.
#include <string>
#include <vector>

#include "llmhw/estimate.hpp"
#include "llmhw/render_style.hpp"

namespace llmhw::render {

// Rows of cells -> one string per row: each column padded to its widest cell (in characters),
// the last column unpadded (no trailing spaces) and wrapped under itself where the line would
// pass `width` (0 = never wrap). Each row ends with "\n".
std::vector<std::string> aligned_rows(const std::vector<std::vector<std::string>>& rows,
                                      size_t width = kTableWidth);
// The same rows joined.
std::string aligned(const std::vector<std::vector<std::string>>& rows, size_t width = kTableWidth);

// The parallel layout: "TP2", "TP8 PP2", "TP8 EP8", "TP1 mtp1"; labelled, so that it does not
// read like the "dev x rep" column beside it.
std::string layout_cell(const Deployment& d);

}  // namespace llmhw::render
