// The crash suite: a writer killed with SIGKILL at random moments, again and again, loses
// nothing it acknowledged; positions stay dense and the ledger verifies. And the command
// line: loops of `secondment propose` killed at random leave every command that exited 0
// recorded, with the projections repaired on the next read.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "ledger/log/event_log.h"
#include "ledger/log/verify.h"
#include "tests/common/command.h"
#include "tests/common/import_lines.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {
namespace {

// Starts `argv` with its stdout on a pipe; returns the pid and the pipe's read end.
std::pair<pid_t, int> Spawn(const std::vector<std::string>& argv) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Reads everything left on `fd` (the child is dead: the pipe ends).
std::string Drain(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  close(fd);
  return text;
}

// Reads the positions the writer acknowledges from `fd` into `acknowledged` until it has
// acknowledged `count` more of them, or `deadline` passes. A position is acknowledged once its
// whole line is read; `pending` keeps a partial line.
void ReadAcknowledged(int fd, size_t count, std::chrono::steady_clock::time_point deadline,
                      std::string& pending, std::set<Position>& acknowledged) {
  size_t target = acknowledged.size() + count;
  char buffer[4096];
  while (acknowledged.size() < target && std::chrono::steady_clock::now() < deadline) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 10) <= 0) continue;
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return;  // the writer is gone
    pending.append(buffer, static_cast<size_t>(n));
    size_t end;
    while ((end = pending.find('\n')) != std::string::npos) {
      acknowledged.insert(std::stoull(pending.substr(0, end)));
      pending.erase(0, end + 1);
    }
  }
}

TEST(CrashTest, EveryAcknowledgedAppendSurvivesTwentyKills) {
  TempDir dir;
  std::string ledger = dir.Sub("ledger");
  std::mt19937 random(20261122);
  std::set<Position> acknowledged;
  for (int round = 0; round < 20; ++round) {
    auto [pid, out] = Spawn({CRASH_WRITER, ledger});
    std::string pending;
    if (round % 4 == 0) {
      // Early: anywhere from the open (or the ledger's creation) to the first appends.
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 40));
    } else {
      // During steady appends: after a random number of acknowledgements, then a random
      // fraction of one more append, so the kill lands anywhere inside a write.
      ReadAcknowledged(out, 1 + random() % 200,
                       std::chrono::steady_clock::now() + std::chrono::seconds(20), pending,
                       acknowledged);
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000));
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << ": the writer stopped by itself";
    std::istringstream lines(pending + Drain(out));
    std::string line;
    while (std::getline(lines, line)) {
      if (lines.eof()) break;  // a line cut short by the kill was never acknowledged
      acknowledged.insert(std::stoull(line));
    }

    Options read;
    read.read_only = true;
    auto log = EventLog::Open(ledger, read);
    if (log.status().code() == StatusCode::kNotFound && acknowledged.empty()) {
      continue;  // killed while creating the ledger: nothing was acknowledged, nothing is there
    }
    ASSERT_TRUE(log.ok()) << "round " << round << ": " << log.status().ToString();
    Position head = (*log)->Head();
    if (!acknowledged.empty()) {
      ASSERT_GE(head, *acknowledged.rbegin()) << "round " << round << ": acknowledged and lost";
    }
    auto report = VerifyLog(**log);  // dense positions, chains, indexes and tree
    ASSERT_TRUE(report.ok()) << "round " << round << ": " << report.status().ToString();
    ASSERT_EQ(report->events, head);
  }
  EXPECT_GT(acknowledged.size(), 100u) << "the writer hardly ran: the test proves little";
}

TEST(CrashTest, ProposalsKilledAtRandomLeaveEveryCommandThatExitedZeroRecorded) {
  TempDir dir;
  std::string data = dir.Sub("ledger");
  ASSERT_EQ(RunCommand(std::string(SECONDMENT_BIN) + " --data " + data + " init").exit_code, 0);
  std::mt19937 random(7);
  std::set<Position> done;  // the ids of proposals that exited 0
  Position next = 0;
  for (int round = 0; round < 6; ++round) {
    // A loop of proposals; each one that exits 0 says so on stdout.
    std::string script =
        "i=" + std::to_string(next) + "; while true; do " + SECONDMENT_BIN + " --data " + data +
        " --actor hr-1 --as hr propose --id SEC-$i --employee e-$i --home-org O --home-unit U "
        "--home-manager mh --host-org O --host-unit V --host-manager mv --kind internal "
        "--role-title Analyst --start 2026-03-01 --end 2026-09-30 >/dev/null 2>&1 && echo $i; "
        "i=$((i+1)); done";
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    // After a random number of proposals, a random part of the way into the next one.
    std::string pending;
    ReadAcknowledged(fds[0], 1 + random() % 3,
                     std::chrono::steady_clock::now() + std::chrono::seconds(60), pending, done);
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 150));
    kill(-pid, SIGKILL);  // the loop and the command it is running, mid-flight
    waitpid(pid, nullptr, 0);
    std::istringstream lines(pending + Drain(fds[0]));
    std::string line;
    while (std::getline(lines, line)) {
      if (lines.eof()) break;  // cut short by the kill
      done.insert(std::stoull(line));
    }
    next = done.empty() ? next + 1 : *done.rbegin() + 2;  // the one killed may have landed: skip it
  }
  ASSERT_GT(done.size(), 3u);
  // A read repairs projections a kill left behind; every proposal that exited 0 is there.
  for (Position id : done) {
    CommandOutcome shown = RunCommand(std::string(SECONDMENT_BIN) + " --data " + data +
                                      " show SEC-" + std::to_string(id) + " 2>&1");
    EXPECT_EQ(shown.exit_code, 0) << "SEC-" << id << ": " << shown.output;
  }
  CommandOutcome status =
      RunCommand(std::string(SECONDMENT_BIN) + " --data " + data + " status --csv 2>&1");
  ASSERT_EQ(status.exit_code, 0) << status.output;
  for (Position id : done) {
    EXPECT_NE(status.output.find("SEC-" + std::to_string(id) + ","), std::string::npos) << id;
  }
  CommandOutcome verified =
      RunCommand(std::string(SECONDMENT_BIN) + " --data " + data + " verify 2>&1");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

// An import is one batch: killed at any moment, the ledger holds none of the file or all of it,
// verifies, and the next import of the same file finishes the job (or finds it done).
TEST(CrashTest, AnImportKilledAtRandomLeavesNoneOrAllOfTheFile) {
  TempDir dir;
  std::string data = dir.Sub("ledger");
  std::string file = dir.Sub("past.jsonl");
  constexpr int kSecondments = 1200;
  constexpr Position kEvents = kSecondments * 9;  // 7 steps and two period claims each
  std::ofstream(file) << ImportFile(1, kSecondments);
  std::string bin = SECONDMENT_BIN;
  ASSERT_EQ(RunCommand(bin + " --data " + data + " init").exit_code, 0);
  // How long one import takes here, to kill within it (and a little after).
  int64_t took_micros = 0;
  {
    TempDir timing;
    std::string other = timing.Sub("ledger");
    ASSERT_EQ(RunCommand(bin + " --data " + other + " init").exit_code, 0);
    auto began = std::chrono::steady_clock::now();
    ASSERT_EQ(RunCommand(bin + " --data " + other + " import " + file).exit_code, 0);
    took_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - began)
                      .count();
    ASSERT_GT(took_micros, 20000);
  }
  std::mt19937 random(20261130);
  int found_none = 0, found_all = 0;
  for (int round = 0; round < 20; ++round) {
    Options read;
    read.read_only = true;
    Position before = 0;
    {
      auto log = EventLog::Open(data, read);
      ASSERT_TRUE(log.ok()) << log.status().ToString();
      before = (*log)->Head();
    }
    if (before == kEvents) {  // done: start again on a new ledger
      std::filesystem::remove_all(data);
      ASSERT_EQ(RunCommand(bin + " --data " + data + " init").exit_code, 0);
    }
    auto [pid, out] = Spawn({bin, "--data", data, "import", file});
    std::this_thread::sleep_for(std::chrono::microseconds(random() % (took_micros * 5 / 4)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    Drain(out);
    auto log = EventLog::Open(data, read);
    ASSERT_TRUE(log.ok()) << "round " << round << ": " << log.status().ToString();
    Position head = (*log)->Head();
    ASSERT_TRUE(head == 0 || head == kEvents) << "round " << round << ": " << head << " events";
    (head == 0 ? found_none : found_all)++;
    auto report = VerifyLog(**log);
    ASSERT_TRUE(report.ok()) << "round " << round << ": " << report.status().ToString();
  }
  // Both outcomes happened, and a last import completes whatever is there.
  EXPECT_GT(found_none, 0);
  EXPECT_GT(found_all, 0);
  auto finish = RunCommand(bin + " --data " + data + " import " + file + " 2>&1");
  ASSERT_EQ(finish.exit_code, 0) << finish.output;
  auto status = RunCommand(bin + " --data " + data + " status --state returned --json");
  EXPECT_EQ(std::count(status.output.begin(), status.output.end(), '\n'), kSecondments);
}

}  // namespace
}  // namespace secondment::testing
