#include "bench/cli_bench.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>

#include "bench/bench_util.h"

extern char** environ;

namespace secondment::bench {
namespace {

struct Outcome {
  double ms = 0;
  double max_rss_mb = 0;
};

// Runs the program with `args` (stdout and stderr to `log`) and waits for it: its wall time
// and its own peak resident memory (wait4's rusage, not the other children's).
Outcome RunProgram(const std::string& bin, const std::vector<std::string>& args,
                   const std::string& log) {
  std::vector<char*> argv = {const_cast<char*>(bin.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) Die(6, fmt::format("cannot run {}", bin));
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid) Die(6, "wait4 failed");
  Outcome outcome{Seconds(start) * 1e3, static_cast<double>(usage.ru_maxrss) / 1024.0};
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream in(log);
    std::string first;
    std::getline(in, first);
    Die(6, fmt::format("{} {} failed: {}", bin, args.back(), first));
  }
  return outcome;
}

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
