#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "io/json_reader.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::io {

std::string read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw data_error(fmt::format("{}: no such file", path.string()));
  if (std::filesystem::is_directory(status)) {
    throw data_error(fmt::format("{}: is a directory, expected a file", path.string()));
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxFileBytes) {
    throw data_error(
        fmt::format("{}: file is {} bytes, more than the limit of {}", path.string(), size, kMaxFileBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_error(fmt::format("{}: cannot be read", path.string()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

nlohmann::json parse_json(const std::string& text, const std::string& file) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw data_error(fmt::format("{}: file is empty, expected JSON", file));
  }
  try {
    // Nesting depth is bounded by the file size limit; nlohmann's parser is iterative for arrays
    // and objects beyond recursion in the SAX parser it uses.
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw data_error(fmt::format("{}: invalid JSON at byte {}", file, e.byte));
  }
}

}  // namespace llmhw::io
