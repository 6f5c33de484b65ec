// Damaged files: a corrupted table file gives a clear Corruption, never a crash or a silent
// wrong answer; a write-ahead log that lost its tail recovers to a consistent prefix, and the
// checkpoint an auditor kept shows that events are gone.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/audit/extends.h"
#include "ledger/log/checkpoints.h"
#include "ledger/log/maintenance.h"
#include "ledger/log/verify.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

namespace fs = std::filesystem;
using testing::LedgerTest;
using testing::Withdrawals;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class DamageTest : public LedgerTest {
 protected:
  void Fill() {
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(log_->Append(fmt::format("s{}", i % 7), ExpectedVersion::Any(),
                               Withdrawals(50, fmt::format("reason {} ", i)))
                      .ok());
    }
  }
};

TEST_F(DamageTest, ACorruptedTableFileIsCorruptionNeverACrash) {
  Fill();
  ASSERT_TRUE(CompactLedger(*log_).ok());
  log_.reset();
  int damaged = 0;
  for (const auto& entry : fs::directory_iterator(dir_.Sub("ledger"))) {
    if (entry.path().extension() != ".sst" || entry.file_size() < 4096) continue;
    std::string bytes = ReadFile(entry.path());
    for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i) bytes[i] ^= 0x5a;
    WriteFile(entry.path(), bytes);
    ++damaged;
  }
  ASSERT_GT(damaged, 0);
  Options read;
  read.read_only = true;
  auto opened = EventLog::Open(dir_.Sub("ledger"), read);
  if (!opened.ok()) {
    EXPECT_EQ(opened.status().code(), StatusCode::kCorruption) << opened.status().ToString();
    return;
  }
  auto all = (*opened)->ReadAll(1, 5000);
  auto report = VerifyLog(**opened);
  // Some read meets the damage and says so; none returns a wrong answer quietly.
  ASSERT_FALSE(all.ok() && report.ok());
  if (!report.ok()) {
    EXPECT_EQ(report.status().code(), StatusCode::kCorruption) << report.status().ToString();
  }
  if (!all.ok()) {
    EXPECT_EQ(all.status().code(), StatusCode::kCorruption) << all.status().ToString();
  }
}

TEST_F(DamageTest, ATruncatedLogLosesOnlyItsTailAndACheckpointSaysSo) {
  Fill();
  auto key = std::move(SigningKey::Generate()).value();
  auto held = LogCheckpoints(*log_).Make(key);  // the note an auditor took away
  ASSERT_TRUE(held.ok());
  // A copy of the files as a crash would leave them: the events live in the write-ahead log.
  fs::path image = dir_.Sub("image");
  fs::copy(dir_.Sub("ledger"), image, fs::copy_options::recursive);
  fs::path wal;
  for (const auto& entry : fs::directory_iterator(image)) {
    if (entry.path().extension() == ".log" && entry.file_size() > 0) wal = entry.path();
  }
  ASSERT_FALSE(wal.empty()) << "no write-ahead log in the image";
  std::string bytes = ReadFile(wal);
  WriteFile(wal, bytes.substr(0, bytes.size() / 2));  // the disk lost the second half

  auto reopened = EventLog::Open(image.string(), Options{});
  if (!reopened.ok()) {
    EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption) << reopened.status().ToString();
    return;
  }
  EXPECT_LT((*reopened)->Head(), 2000u);
  // What survived is a consistent prefix: every hash, chain and index agrees...
  auto report = VerifyLog(**reopened);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  // ...and the stored checkpoint went with the lost tail. The note the auditor kept tells.
  auto extends = VerifyExtends(**reopened, *held, key.Public());
  ASSERT_FALSE(extends.ok());
  EXPECT_EQ(extends.status().code(), StatusCode::kCorruption);
  EXPECT_NE(extends.status().message().find("events were removed"), std::string::npos)
      << extends.status().message();
}

}  // namespace
}  // namespace secondment
