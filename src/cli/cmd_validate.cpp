// llmhw validate FILE...: every problem of hardware profiles, as "file: /pointer: message".
#include <fmt/format.h>

#include <ostream>

#include "cli/app.hpp"
#include "llmhw/error.hpp"
#include "llmhw/io/loaders.hpp"

namespace llmhw::cli {
namespace {

int run_validate(const std::vector<std::string>& files, Streams& s) {
  bool all_valid = true;
  for (const std::string& file : files) {
    std::vector<io::ProfileProblem> problems;
    try {
      problems = io::check_hardware_file(file);
    } catch (const Error& e) {  // unreadable or not JSON: a problem of this file, not of the run
      s.out << e.what() << "\n";
      all_valid = false;
      continue;
    }
    bool valid = true;
    for (const auto& p : problems) {
      s.out << p.line() << "\n";
      valid = valid && p.warning;
    }
    if (valid) s.out << fmt::format("{}: valid\n", file);
    all_valid = all_valid && valid;
  }
  return all_valid ? 0 : 1;
}

}  // namespace

void setup_validate(CLI::App& app, Action& action) {
  auto* cmd =
      app.add_subcommand("validate", "Check hardware profiles against data/schema/hardware.schema.json");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "Hardware profile JSON files")->required();
  cmd->footer(
      "Prints every problem as `file: /pointer: message` (warnings for ratios that suggest a sparse\n"
      "figure); exit 0 when all files are valid, 1 otherwise.\n"
      "Examples:\n  llmhw validate my-gpu.json\n  llmhw validate data/hardware/*.json");
  cmd->callback([&action, files] { action = [files](Streams& s) { return run_validate(*files, s); }; });
}

}  // namespace llmhw::cli
