#include <unistd.h>

#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  // Whether stdout is a terminal decides colour under --color auto; tests pass their own answer.
  return llmhw::cli::run(argc, argv, {std::cout, std::cerr, nullptr, ::isatty(STDOUT_FILENO) == 1});
}
