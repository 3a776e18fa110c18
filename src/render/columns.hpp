#pragma once
// Text columns aligned to their widest cell, shared by the table renderers.
#include <string>
#include <vector>

namespace llmhw::render {

// Rows of cells -> lines with each column padded to its widest cell; the last column is not
// padded (no trailing spaces).
std::string aligned(const std::vector<std::vector<std::string>>& rows);

}  // namespace llmhw::render
