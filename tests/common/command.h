// Runs a shell command for tests that drive the project's programs as a user would.

#ifndef SECONDMENT_TESTS_COMMON_COMMAND_H_
#define SECONDMENT_TESTS_COMMON_COMMAND_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace secondment::testing {

// A shell word holding `text` exactly.
inline std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

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

// A command running in the background (through /bin/sh -c "exec ..."), for servers and
// followers. Not copyable; destroying it kills it with SIGKILL if it still runs.
class BackgroundCommand {
 public:
  explicit BackgroundCommand(const std::string& command) {
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~BackgroundCommand() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signal) { kill(pid_, signal); }
  // Waits for the command to end; its exit status, or -1 when a signal ended it.
  int Wait() {
    if (exited_) return exit_code_;
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
};

// Makes a self-signed certificate for 127.0.0.1 (in its subject alternative name, as TLS
// clients check) and its key, with the openssl command; true when it did.
inline bool MakeLoopbackCertificate(const std::string& cert_path, const std::string& key_path) {
  return RunCommand(
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout '" +
             key_path + "' -out '" + cert_path +
             "' -days 1 -subj /CN=secondment-test -addext subjectAltName=IP:127.0.0.1 "
             "2>/dev/null")
             .exit_code == 0;
}

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_COMMON_COMMAND_H_
