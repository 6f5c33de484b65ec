// Fault injection: a write that fails as on a full disk (a file-size limit on the writing
// process) makes the append fail with IOError and a clear message; nothing acknowledged is
// lost, nothing half-written shows, and the ledger works again once writes succeed.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "ledger/log/event_log.h"
#include "ledger/log/verify.h"
#include "tests/common/command.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {
namespace {

TEST(FaultTest, AFailedWriteIsIOErrorAndTheLedgerWorksAgainAfterwards) {
  TempDir dir;
  std::string ledger = dir.Sub("ledger");
  {
    auto log = EventLog::Open(ledger, Options{});  // created without a limit
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append("before", ExpectedVersion::Any(), Withdrawals(3)).ok());
  }
  // RocksDB's write-ahead log may grow to 256 KiB; the next write past it fails.
  CommandOutcome run =
      RunCommand(std::string(FAULT_WRITER) + " " + ledger + " " + std::to_string(256 << 10));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::istringstream lines(run.output);
  std::string line, error;
  Position acknowledged = 3;
  while (std::getline(lines, line)) {
    if (line.rfind("error: ", 0) == 0) {
      error = line;
    } else if (line.find_first_not_of("0123456789") == std::string::npos && !line.empty()) {
      acknowledged = std::max<Position>(acknowledged, std::stoull(line));
    } else {
      FAIL() << "unexpected output: " << line;
    }
  }
  ASSERT_FALSE(error.empty()) << "no write failed: " << run.output.substr(0, 200);
  EXPECT_GT(acknowledged, 3u);
  EXPECT_EQ(error.rfind("error: IOError: appending to the ledger: ", 0), 0u) << error;

  // Writes succeed again (no limit here): everything acknowledged is there, nothing torn.
  auto log = EventLog::Open(ledger, Options{});
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_GE((*log)->Head(), acknowledged);
  auto report = VerifyLog(**log);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto after = (*log)->Append("after", ExpectedVersion::Any(), Withdrawals(2));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(VerifyLog(**log).ok());
}

// Fills the file system that holds `path` with a file at `path`, until a write fails.
void FillDisk(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  std::string block(64 << 10, 'f');
  while (::write(fd, block.data(), block.size()) > 0) {
  }
  std::string byte(1, 'f');
  while (::write(fd, byte.data(), 1) > 0) {
  }
  ::close(fd);
}

// A ledger of 3 events on a tmpfs of 8 MiB, mounted in a mount namespace of this process's
// own, so the mount goes with the process whatever happens. Needs CAP_SYS_ADMIN, as root has;
// skipped where the mount is refused (FaultTest.AFailedWriteIsIOError... still covers a
// failing write there).
class SmallDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_point_ = dir_.Sub("disk");
    if (::mkdir(mount_point_.c_str(), 0700) != 0 || ::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=8m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    }
    mounted_ = true;
    ledger_ = mount_point_ + "/ledger";
    auto log = EventLog::Open(ledger_, Options{});
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    ASSERT_TRUE(log_->Append("before", ExpectedVersion::Any(), Withdrawals(3)).ok());
  }

  void TearDown() override {
    log_.reset();
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);  // before the directory goes
  }

  TempDir dir_;
  std::string mount_point_, ledger_;
  std::unique_ptr<EventLog> log_;
  bool mounted_ = false;
};

// A real full disk.
TEST_F(SmallDiskTest, AFullDiskIsIOErrorAndTheLedgerOpensAndWorksOnceSpaceReturns) {
  std::string filler = mount_point_ + "/filler";
  FillDisk(filler);
  Position head = log_->Head();
  Status failed;
  for (int i = 0; i < 1000 && failed.ok(); ++i) {  // until the write-ahead log needs a block
    auto r = log_->Append("full", ExpectedVersion::Any(), Withdrawals(5, std::string(900, 'x')));
    if (r.ok()) {
      head = r->positions.back();
    } else {
      failed = r.status();
    }
  }
  ASSERT_FALSE(failed.ok()) << "no append failed on a full disk";
  EXPECT_EQ(failed.code(), StatusCode::kIOError) << failed.ToString();
  EXPECT_NE(failed.message().find("disk full"), std::string::npos) << failed.ToString();
  // Nothing of the refused append shows; reads go on.
  EXPECT_EQ(log_->Head(), head);
  auto all = log_->ReadAll(1, 100000);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->size(), head);

  // The ledger stays refused until it is opened again: RocksDB, after a failed write-ahead
  // log write, takes no more writes in that process (a command opens the ledger afresh each
  // time; `serve` must be restarted). With space back, a new open takes appends, and
  // everything acknowledged is there and verifies.
  auto refused = log_->Append("still-full", ExpectedVersion::Any(), Withdrawals(1));
  EXPECT_FALSE(refused.ok());
  log_.reset();
  ASSERT_EQ(::unlink(filler.c_str()), 0);
  auto reopened = EventLog::Open(ledger_, Options{});
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->Head(), head);
  auto after = (*reopened)->Append("after", ExpectedVersion::Any(), Withdrawals(2));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->positions.front(), head + 1);
  auto report = VerifyLog(**reopened);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, head + 2);
}

// A read-only data directory (a file system mounted read-only: root ignores file modes): a
// write is refused with exit 6 and one line naming the cause, and reads still work.
TEST_F(SmallDiskTest, AReadOnlyDataDirRefusesWritesAndServesReads) {
  log_.reset();
  ASSERT_EQ(::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=8m"), 0)
      << std::strerror(errno);

  std::string bin = std::string(SECONDMENT_BIN) + " --data " + ledger_;
  CommandOutcome write =
      RunCommand(bin +
                 " --actor hr-1 --as hr propose --employee e-1 --home-org O --home-unit U "
                 "--home-manager mh --host-org O --host-unit V --host-manager mv --kind internal "
                 "--role-title Analyst --start 2026-03-01 --end 2026-09-30 2>&1 >/dev/null");
  EXPECT_EQ(write.exit_code, 6) << write.output;
  EXPECT_EQ(std::count(write.output.begin(), write.output.end(), '\n'), 1) << write.output;
  EXPECT_NE(write.output.find("Read-only file system"), std::string::npos) << write.output;

  CommandOutcome read = RunCommand(bin + " log 2>&1");
  EXPECT_EQ(read.exit_code, 0) << read.output;
  EXPECT_EQ(std::count(read.output.begin(), read.output.end(), '\n'), 3) << read.output;
  CommandOutcome verified = RunCommand(bin + " verify 2>&1");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

}  // namespace
}  // namespace secondment::testing
