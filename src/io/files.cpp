#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

void write_text_file(const std::filesystem::path& path, const std::string& text, const std::string& what) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const int open_errno = errno;
  if (out) out << text;
  if (out) out.close();
  if (!out) {
    throw Error(ExitCode::runtime, fmt::format("{}: cannot write {}: {}", what, path.string(),
                                               std::strerror(open_errno ? open_errno : EIO)));
  }
}

namespace {

// The deepest nesting of arrays and objects in JSON text (brackets inside strings ignored).
size_t nesting_depth(const std::string& text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

std::vector<std::filesystem::path> list_json_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw data_error(fmt::format("{}: not a directory", dir.string()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // directory order differs between file systems
  return files;
}

nlohmann::json parse_json(const std::string& text, const std::string& file) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw data_error(fmt::format("{}: file is empty, expected JSON", file));
  }
  // Deeply nested JSON would exhaust the stack when the document is destroyed; no llmhw file
  // nests deeper than a few levels.
  if (const size_t depth = nesting_depth(text); depth > kMaxJsonDepth) {
    throw data_error(
        fmt::format("{}: JSON nests {} levels deep, more than the limit of {}", file, depth, kMaxJsonDepth));
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw data_error(fmt::format("{}: invalid JSON at byte {}", file, e.byte));
  } catch (const nlohmann::json::exception& e) {  // e.g. a number beyond double's range
    throw data_error(fmt::format("{}: invalid JSON: {}", file, e.what()));
  }
}

}  // namespace llmhw::io
