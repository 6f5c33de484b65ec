// Fault injection: a write that fails as on a full disk (a file-size limit on the writing
// process) makes the append fail with IOError and a clear message; nothing acknowledged is
// lost, nothing half-written shows, and the ledger works again once writes succeed.

#include <gtest/gtest.h>

#include <sstream>

#include "ledger/event_log.h"
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
  auto report = (*log)->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto after = (*log)->Append("after", ExpectedVersion::Any(), Withdrawals(2));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE((*log)->Verify().ok());
}

}  // namespace
}  // namespace secondment::testing
