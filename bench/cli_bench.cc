#include "bench/cli_bench.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>

#include "bench/bench_util.h"

namespace secondment::bench {
namespace {

struct Outcome {
  double ms = 0;
  double max_rss_mb = 0;
  int status = 0;  // as wait4 gives it
};

// Linux counts in a process's peak memory (ru_maxrss) the pages of the image that exec
// replaced, so a program started by this process, which holds the whole workload, would report
// this process's peak as its own. The spawner is a child forked at the start, while this
// process is still small: it starts each program, waits for it and reports its wall time and
// peak. Requests are "PROGRAM\0LOG\0ARG\0...", each after its length.
struct Spawner {
  int requests = -1, answers = -1;
};
Spawner spawner;

bool ReadAll(int fd, void* data, size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n <= 0) return false;
    p += n, size -= static_cast<size_t>(n);
  }
  return true;
}

void WriteAll(int fd, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n <= 0) _exit(6);
    p += n, size -= static_cast<size_t>(n);
  }
}

[[noreturn]] void Serve(int requests, int answers) {
  for (;;) {
    uint32_t size = 0;
    if (!ReadAll(requests, &size, sizeof size)) _exit(0);
    std::string request(size, '\0');
    if (!ReadAll(requests, request.data(), size)) _exit(0);
    std::vector<char*> argv;
    for (size_t at = 0; at < request.size(); at += std::strlen(&request[at]) + 1)
      argv.push_back(&request[at]);
    std::string log = argv[1];
    argv.erase(argv.begin() + 1);
    argv.push_back(nullptr);
    auto start = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0) _exit(127);
      ::execv(argv[0], argv.data());
      _exit(127);
    }
    Outcome outcome;
    struct rusage usage {};
    if (pid < 0 || ::wait4(pid, &outcome.status, 0, &usage) != pid) outcome.status = -1;
    outcome.ms = Seconds(start) * 1e3;
    outcome.max_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
    WriteAll(answers, &outcome, sizeof outcome);
  }
}

// Runs the program with `args` (stdout and stderr to `log`) and waits for it; dies unless it
// exits with 0.
Outcome RunProgram(const std::string& bin, const std::vector<std::string>& args,
                   const std::string& log) {
  if (spawner.requests < 0) Die(6, "StartSpawner was not called");
  std::string request = bin + '\0' + log + '\0';
  for (const std::string& a : args) request += a + '\0';
  auto size = static_cast<uint32_t>(request.size());
  WriteAll(spawner.requests, &size, sizeof size);
  WriteAll(spawner.requests, request.data(), request.size());
  Outcome outcome;
  if (!ReadAll(spawner.answers, &outcome, sizeof outcome)) Die(6, "the spawner is gone");
  if (!WIFEXITED(outcome.status) || WEXITSTATUS(outcome.status) != 0) {
    std::ifstream in(log);
    std::string first;
    std::getline(in, first);
    Die(6, fmt::format("{} {} failed: {}", bin, args.empty() ? "" : args.back(), first));
  }
  return outcome;
}

}  // namespace

void StartSpawner() {
  int requests[2], answers[2];
  if (::pipe2(requests, O_CLOEXEC) != 0 || ::pipe2(answers, O_CLOEXEC) != 0)
    Die(6, "cannot make the spawner's pipes");
  pid_t pid = ::fork();
  if (pid < 0) Die(6, "cannot fork the spawner");
  if (pid == 0) {
    ::close(requests[1]);
    ::close(answers[0]);
    Serve(requests[0], answers[1]);
  }
  ::close(requests[0]);
  ::close(answers[1]);
  spawner = {requests[1], answers[0]};
}

namespace {

std::vector<std::string> With(std::vector<std::string> base,
                              std::initializer_list<std::string> more) {
  base.insert(base.end(), more);
  return base;
}

}  // namespace

CliFigures CliCommands(const std::string& bin, const std::vector<std::string>& data_args,
                       const std::string& scratch_dir, int count) {
  std::string file = scratch_dir + "/cli-proposals.jsonl", log = scratch_dir + "/cli.log";
  {
    std::ofstream out(file);
    for (int i = 0; i < count; ++i) {
      out << fmt::format(
                 R"({{"key":"cli/{0}","command":"propose","secondment":"CLI-{0}","actor":"hr-bench",)"
                 R"("as":"hr","employee":"cli-emp-{0}","homeOrg":"org-home","homeUnit":"Finance",)"
                 R"("homeManager":"mgr-home","hostOrg":"org-host","hostUnit":"Audit",)"
                 R"("hostManager":"mgr-host","kind":"external","roleTitle":"Analyst",)"
                 R"("start":"2030-01-01","end":"2030-06-30","objectives":["learn the audit"]}})",
                 i)
          << '\n';
    }
  }
  RunProgram(bin, With(data_args, {"import", file}), log);
  std::vector<double> steps, shows;
  for (int i = 0; i < count; ++i) {
    std::string id = fmt::format("CLI-{}", i);
    steps.push_back(RunProgram(bin,
                               With(data_args, {"--actor", "mgr-home", "--as", "home_manager",
                                                "approve", id, "--scope", "placement"}),
                               log)
                        .ms);
    shows.push_back(RunProgram(bin, With(data_args, {"show", id}), log).ms);
  }
  CliFigures figures;
  figures.step_ms = Median(steps);
  figures.show_ms = Median(shows);
  figures.rebuild_max_rss_mb = RunProgram(bin, With(data_args, {"rebuild"}), log).max_rss_mb;
  figures.verify_max_rss_mb = RunProgram(bin, With(data_args, {"verify"}), log).max_rss_mb;
  return figures;
}

}  // namespace secondment::bench
