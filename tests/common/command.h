// Runs a shell command for tests that drive the project's programs as a user would.

#ifndef SECONDMENT_TESTS_COMMON_COMMAND_H_
#define SECONDMENT_TESTS_COMMON_COMMAND_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace secondment::testing {

struct CommandOutcome {
  int exit_code = -1;  // -1 when the command did not exit normally
  std::string output;  // its standard output (redirect 2>&1 in `command` for stderr too)
};

inline CommandOutcome RunCommand(const std::string& command) {
  CommandOutcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return outcome;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) outcome.output += buffer;
  int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_COMMON_COMMAND_H_
