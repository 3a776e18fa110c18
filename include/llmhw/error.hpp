#pragma once
// The one error type of llmhw: thrown where a failure is found, with the context a user needs,
// caught once in cli::run(), which prints it and picks the exit code.
#include <stdexcept>
#include <string>

namespace llmhw {

// Exit codes are a contract with scripts (README "Exit codes").
enum class ExitCode : int {
  ok = 0,          // at least one recommendation
  runtime = 1,     // runtime or data error (bad data file, unreadable path)
  usage = 2,       // bad flag or value
  no_solution = 3  // valid query, nothing meets the constraints
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// A bad flag or value given by the user.
inline Error usage_error(const std::string& message) {
  return Error(ExitCode::usage, message);
}
// A bad or unreadable data file.
inline Error data_error(const std::string& message) {
  return Error(ExitCode::runtime, message);
}

}  // namespace llmhw
