#include "cli_harness.hpp"

#include <sys/wait.h>

#include <fmt/format.h>
#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "cli/app.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::test {

static CliResult run_in_process(std::vector<std::string> args, bool terminal) {
  args.insert(args.begin(), "llmhw");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  CliResult r;
  r.code = cli::run(static_cast<int>(argv.size()), argv.data(), {out, err, nullptr, terminal});
  r.out = out.str();
  r.err = err.str();
  return r;
}

CliResult run_cli(std::vector<std::string> args) {
  return run_in_process(std::move(args), false);
}

CliResult run_cli_on_terminal(std::vector<std::string> args) {
  return run_in_process(std::move(args), true);
}

nlohmann::json run_json(std::vector<std::string> args, int code) {
  args.insert(args.begin(), {"--data-dir", LLMHW_DATA});
  args.insert(args.end(), {"--format", "json"});
  const auto r = run_cli(args);
  INFO(r.err);
  REQUIRE(r.code == code);
  return nlohmann::json::parse(r.out);
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_golden(const std::string& name, const std::string& actual) {
  const auto path = std::filesystem::path(LLMHW_TEST_FIXTURES).parent_path() / "cli" / "golden" / name;
  if (std::getenv("LLMHW_UPDATE_GOLDEN")) {
    std::ofstream(path) << actual;
    return;
  }
  CHECK(read_text(path) == actual);
}

const Hardware& find_hardware(const std::vector<Hardware>& catalog, const std::string& id) {
  for (const auto& hw : catalog) {
    if (hw.id == id) return hw;
  }
  FAIL("no profile " << id);
  throw std::logic_error("unreachable");
}

Model shipped_model(const std::string& id) {
  for (const auto& entry : io::list_model_catalog(std::filesystem::path(LLMHW_DATA) / "models")) {
    if (entry.id == id) return io::load_catalog_model(entry);
  }
  FAIL("no model " << id);
  throw std::logic_error("unreachable");
}

std::string flag_value(const std::string& command, const std::string& flag) {
  std::smatch m;
  const std::regex re("(^|\\s)" + flag + "[ =]([^ \\\\\\n]+)");
  if (!std::regex_search(command, m, re)) return "";
  return m[2];
}

CliResult run_binary(const std::string& args) {
  return run_binary_env("", args);
}

CliResult run_binary_env(const std::string& env, const std::string& args) {
  const auto tmp = std::filesystem::temp_directory_path();
  const auto out = tmp / ("llmhw_out_" + std::to_string(::getpid()));
  const auto err = tmp / ("llmhw_err_" + std::to_string(::getpid()));
  const std::string cmd = (env.empty() ? "" : "env " + env + " ") + std::string(LLMHW_BINARY) + " " + args +
                          " >" + out.string() + " 2>" + err.string();
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

std::filesystem::path fixture_data() {
  return std::filesystem::path(LLMHW_TEST_FIXTURES) / "data";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> with_data(std::vector<std::string> args, const std::string& data) {
  args.insert(args.begin(), {"--data-dir", data});
  return args;
}

std::vector<std::string> fixture_recommend(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--data-dir", fixture_data().string(), "recommend"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string day_csv() {
  std::string csv = "hour,qps\n";
  for (int h = 0; h < 24; ++h)
    csv += fmt::format("{},{}\n", h, h < 7 || h >= 22 ? 3 : h >= 12 && h < 18 ? 60 : 25);
  return csv;
}

ScratchData::ScratchData() {
  std::random_device rd;
  dir = std::filesystem::temp_directory_path() / ("llmhw_scratch_" + std::to_string(rd()));
  std::filesystem::copy(fixture_data(), dir, std::filesystem::copy_options::recursive);
}

ScratchData::~ScratchData() {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void ScratchData::write(const std::string& relative, const std::string& content) const {
  std::ofstream(dir / relative, std::ios::binary) << content;
}

ScopedEnv::ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
  if (const char* old = std::getenv(name_.c_str())) saved_ = old;
  if (value) {
    ::setenv(name_.c_str(), value->c_str(), 1);
  } else {
    ::unsetenv(name_.c_str());
  }
}

ScopedEnv::~ScopedEnv() {
  if (saved_) {
    ::setenv(name_.c_str(), saved_->c_str(), 1);
  } else {
    ::unsetenv(name_.c_str());
  }
}

TempDir::TempDir() {
  std::random_device rd;
  dir = std::filesystem::temp_directory_path() / ("llmhw_tmp_" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

std::filesystem::path TempDir::write(const std::string& relative, const std::string& content) const {
  const auto path = dir / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace llmhw::test
