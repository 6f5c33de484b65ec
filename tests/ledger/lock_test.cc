// One writer per ledger: a second process is refused with Unavailable and a clear message.

#include <gtest/gtest.h>

#include "ledger/log/event_log.h"
#include "tests/common/command.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

testing::CommandOutcome RunLockProbe(const std::string& dir) {
  return testing::RunCommand(std::string(LOCK_PROBE_PATH) + " '" + dir + "' 2>&1");
}

TEST(LockTest, SecondProcessIsRefusedWhileTheFirstHoldsTheLedger) {
  testing::TempDir dir;
  std::string path = dir.Sub("ledger");
  auto first = EventLog::Open(path, Options{});
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  testing::CommandOutcome probe = RunLockProbe(path);
  EXPECT_EQ(probe.exit_code, 7);
  EXPECT_EQ(probe.output, "Unavailable: ledger at " + path + " is locked by another process\n");

  first->reset();
  testing::CommandOutcome after = RunLockProbe(path);
  EXPECT_EQ(after.exit_code, 0) << after.output;
}

TEST(LockTest, SecondOpenInTheSameProcessIsRefused) {
  testing::TempDir dir;
  std::string path = dir.Sub("ledger");
  auto first = EventLog::Open(path, Options{});
  ASSERT_TRUE(first.ok());
  auto second = EventLog::Open(path, Options{});
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(second.status().message(), "ledger at " + path + " is already open in this process");
}

TEST(LockTest, ReadOnlyOpenWorksBesideTheWriter) {
  testing::TempDir dir;
  std::string path = dir.Sub("ledger");
  auto writer = EventLog::Open(path, Options{});
  ASSERT_TRUE(writer.ok());
  Options read_only;
  read_only.read_only = true;
  auto reader = EventLog::Open(path, read_only);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
}

}  // namespace
}  // namespace secondment
