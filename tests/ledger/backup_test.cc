// Backup and restore: a consistent backup taken while writers append, restored as a new
// ledger that verifies, and the refusals.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ledger/log/maintenance.h"
#include "ledger/log/proofs.h"
#include "ledger/log/subscription.h"
#include "ledger/log/verify.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;
using testing::Withdrawals;

class BackupTest : public LedgerTest {};

TEST_F(BackupTest, ABackupTakenWhileWritersAppendRestoresToALedgerThatVerifies) {
  for (int i = 0; i < 50; ++i) AppendOne("s");
  ASSERT_TRUE(ConsumerPositions(dir_.Sub("ledger")).Acknowledge("payroll", 42).ok());
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      while (!stop.load()) {
        ASSERT_TRUE(
            log_->Append(fmt::format("w{}", t), ExpectedVersion::Any(), Withdrawals(3)).ok());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Position before = log_->Head();
  ASSERT_TRUE(BackupLedger(*log_, dir_.Sub("backup")).ok());
  stop = true;
  for (auto& w : writers) w.join();

  ASSERT_TRUE(RestoreLedger(dir_.Sub("backup"), dir_.Sub("restored")).ok());
  auto restored = EventLog::Open(dir_.Sub("restored"), Options{});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  auto report = VerifyLog(**restored);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(report->events, before);  // everything acknowledged before the backup began
  EXPECT_LE(report->events, log_->Head());
  // The restored log is a prefix of the original: same root at its size.
  EXPECT_EQ(ToHex(report->root), ToHex(*LogProofs(*log_).RootAt(report->events)));
  EXPECT_EQ(*ConsumerPositions(dir_.Sub("restored")).Get("payroll"), 42u);
  // It takes appends of its own.
  EXPECT_TRUE((*restored)->Append("after", ExpectedVersion::Any(), Withdrawals(1)).ok());
}

TEST_F(BackupTest, BackupsAddUpAndRestoreTakesTheLatest) {
  AppendOne("s");
  ASSERT_TRUE(BackupLedger(*log_, dir_.Sub("backup")).ok());
  AppendOne("s");
  ASSERT_TRUE(BackupLedger(*log_, dir_.Sub("backup")).ok());
  ASSERT_TRUE(RestoreLedger(dir_.Sub("backup"), dir_.Sub("restored")).ok());
  Options read;
  read.read_only = true;
  EXPECT_EQ((*EventLog::Open(dir_.Sub("restored"), read))->Head(), 2u);
}

TEST_F(BackupTest, RefusalsWriteNothing) {
  AppendOne("s");
  ASSERT_TRUE(BackupLedger(*log_, dir_.Sub("backup")).ok());
  // Over an existing ledger.
  EXPECT_EQ(RestoreLedger(dir_.Sub("backup"), dir_.Sub("ledger")).code(),
            StatusCode::kInvalidArgument);
  // From a directory with no backup.
  EXPECT_EQ(RestoreLedger(dir_.Sub("nothing"), dir_.Sub("new")).code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("new")));
  // Into a directory that holds something else.
  std::filesystem::create_directories(dir_.Sub("photos"));
  std::ofstream(dir_.Sub("photos") + "/cat.jpg") << "meow";
  EXPECT_EQ(BackupLedger(*log_, dir_.Sub("photos")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.Sub("photos")),
                          std::filesystem::directory_iterator()),
            1);
  Options read;
  read.read_only = true;
  auto reader = EventLog::Open(dir_.Sub("ledger2"), [] {
    Options o;
    return o;
  }());
  ASSERT_TRUE(reader.ok());
  reader->reset();
  auto read_only = EventLog::Open(dir_.Sub("ledger2"), read);
  ASSERT_TRUE(read_only.ok());
  EXPECT_EQ(BackupLedger(**read_only, dir_.Sub("b2")).code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace secondment
