// The offline audit bundle: written from a ledger, checked by ledger/integrity/bundle_verify.h with
// no RocksDB, and every kind of tampering with its files caught and the first bad position named.

#include "ledger/audit/bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/integrity/bundle_verify.h"
#include "ledger/log/checkpoints.h"
#include "ledger/log/proofs.h"
#include "tests/ledger/raw_ledger.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;
using testing::RawLedger;

struct Record {
  std::string bytes;
  std::string leaf;
};

class BundleTest : public LedgerTest {
 protected:
  std::string Export(const std::string& name = "bundle") {
    std::string dir = dir_.Sub(name);
    auto summary = WriteAuditBundle(
        *log_, dir, [](const RecordedEvent& e) { return std::to_string(e.position()); }, kStart);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return dir;
  }

  Status Check(const std::string& dir, std::vector<SignedCheckpoint> held = {}) {
    return VerifyBundle(dir, key_.Public(), held, {}).status();
  }

  static std::vector<Record> ReadRecords(const std::string& dir) {
    std::ifstream in(dir + "/events.bin", std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string data = buffer.str();
    std::vector<Record> records;
    for (size_t at = 0; at < data.size();) {
      uint32_t length = 0;
      for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<uint8_t>(data[at + i]);
      records.push_back({data.substr(at + 4, length), data.substr(at + 4 + length, 32)});
      at += 4 + length + 32;
    }
    return records;
  }

  static void WriteRecords(const std::string& dir, const std::vector<Record>& records) {
    std::ofstream out(dir + "/events.bin", std::ios::binary | std::ios::trunc);
    for (const Record& r : records) {
      for (int shift = 24; shift >= 0; shift -= 8)
        out.put(static_cast<char>(r.bytes.size() >> shift));
      out << r.bytes << r.leaf;
    }
  }

  static std::string LeafOf(const std::string& bytes) {
    Hash256 leaf = LeafHash(bytes);
    return {reinterpret_cast<const char*>(leaf.data()), leaf.size()};
  }

  static void ChangeReason(Record& record, const std::string& from, char to) {
    size_t at = record.bytes.find(from);
    ASSERT_NE(at, std::string::npos);
    record.bytes[at + from.size() - 1] = to;
  }

  static std::string Prefix(const Status& status) {
    std::string message(status.message());
    return message.substr(0, message.find(':') + 1);
  }

  SigningKey key_ = std::move(SigningKey::Generate()).value();
};

TEST_F(BundleTest, AnHonestBundleVerifiesWithTheTrustedKeyAndWithItsOwn) {
  FillFourStreams(3);
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());
  FillFourStreams(2);
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());
  std::string dir = Export();
  std::vector<uint64_t> visited;
  auto report = VerifyBundle(dir, key_.Public(), {}, [&](uint64_t p, std::string_view) {
    visited.push_back(p);
    return Status::Ok();
  });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 20u);
  EXPECT_EQ(ToHex(report->root), ToHex(LogProofs(*log_).Head()->root));
  EXPECT_EQ(report->checkpoints, 2u);
  EXPECT_FALSE(report->keys_from_bundle);
  EXPECT_EQ(visited.size(), 20u);
  auto self = VerifyBundle(dir, std::nullopt, {}, {});
  ASSERT_TRUE(self.ok()) << self.status().ToString();
  EXPECT_TRUE(self->keys_from_bundle);
}

TEST_F(BundleTest, ExportRefusesADirectoryInUse) {
  FillFourStreams(1);
  std::string dir = Export();
  auto again = WriteAuditBundle(
      *log_, dir, [](const RecordedEvent&) { return ""; }, kStart);
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(BundleTest, OneChangedByteIsFoundAtItsPosition) {
  FillFourStreams();
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());
  std::string dir = Export();
  auto records = ReadRecords(dir);
  ChangeReason(records[22], "c-5", '6');
  WriteRecords(dir, records);
  Status status = Check(dir);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(Prefix(status), "position 23:") << status.message();
  EXPECT_NE(status.message().find("altered"), std::string::npos) << status.message();
}

TEST_F(BundleTest, AChangedEventWithItsLeafRecomputedBreaksItsStreamsChain) {
  FillFourStreams();
  std::string dir = Export();
  auto records = ReadRecords(dir);
  ChangeReason(records[4], "a-1", '7');  // position 5; stream a goes on at position 9
  records[4].leaf = LeafOf(records[4].bytes);
  WriteRecords(dir, records);
  Status status = Check(dir);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(Prefix(status), "position 5:") << status.message();
  EXPECT_NE(status.message().find("chain is broken"), std::string::npos) << status.message();
}

TEST_F(BundleTest, AChangedLastEventWithItsLeafRecomputedBreaksTheCheckpoint) {
  FillFourStreams();
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());
  std::string dir = Export();
  auto records = ReadRecords(dir);
  ChangeReason(records[38], "c-9", '1');  // the last event of stream c: no successor
  records[38].leaf = LeafOf(records[38].bytes);
  WriteRecords(dir, records);
  Status status = Check(dir);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(Prefix(status), "position 1:") << status.message();
  EXPECT_NE(status.message().find("between positions 1 and 40"), std::string::npos)
      << status.message();
}

TEST_F(BundleTest, ADeletedRecordIsFoundAtItsPosition) {
  FillFourStreams();
  std::string dir = Export();
  auto records = ReadRecords(dir);
  records.erase(records.begin() + 16);
  WriteRecords(dir, records);
  Status status = Check(dir);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(),
            "position 17: the record holds the event of position 18: events were removed, added "
            "or reordered");
}

TEST_F(BundleTest, TwoSwappedRecordsAreFoundAtTheFirst) {
  FillFourStreams();
  std::string dir = Export();
  auto records = ReadRecords(dir);
  std::swap(records[8], records[29]);
  WriteRecords(dir, records);
  Status status = Check(dir);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(Prefix(status), "position 9:") << status.message();
}

TEST_F(BundleTest, ATruncatedTailIsFound) {
  FillFourStreams();
  ASSERT_TRUE(LogCheckpoints(*log_).Make(key_).ok());
  std::string dir = Export();
  auto records = ReadRecords(dir);
  records.resize(33);
  WriteRecords(dir, records);
  Status status = Check(dir);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(Prefix(status), "position 34:") << status.message();
  // A record cut in the middle.
  std::filesystem::resize_file(dir + "/events.bin",
                               std::filesystem::file_size(dir + "/events.bin") - 10);
  status = Check(dir);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(Prefix(status), "position 33:") << status.message();
}

TEST_F(BundleTest, AForkAfterACheckpointIsFound) {
  FillFourStreams();
  auto held = LogCheckpoints(*log_).Make(key_);
  ASSERT_TRUE(held.ok());
  log_.reset();
  {
    RawLedger raw(dir_.Sub("ledger"));
    raw.CutTail(31);
  }
  Reopen();
  for (int i = 0; i < 12; ++i) AppendOne(fmt::format("fork-{}", i));
  // The ledger still holds the checkpoint the fork breaks.
  Status status = Check(Export("with-checkpoint"));
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("signed root"), std::string::npos) << status.message();

  // A careful forger drops that checkpoint too: the auditor's own copy still tells.
  log_.reset();
  {
    RawLedger raw(dir_.Sub("ledger"));
    std::string key = "checkpoint/";
    key += testing::Key64(1);
    raw.DeleteMeta(key);
  }
  Reopen();
  std::string dir = Export("without-checkpoint");
  EXPECT_TRUE(Check(dir).ok());
  status = Check(dir, {*held});
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(Prefix(status), "position 1:") << status.message();
  EXPECT_NE(status.message().find("the checkpoint given (#1) signed root"), std::string::npos)
      << status.message();
}

TEST_F(BundleTest, CheckpointsOfAnotherKeyOrAlteredAreRejected) {
  FillFourStreams(2);
  auto other = std::move(SigningKey::Generate()).value();
  ASSERT_TRUE(LogCheckpoints(*log_).Make(other).ok());
  std::string dir = Export();
  Status status = Check(dir);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("not by the key given"), std::string::npos) << status.message();

  std::string dir2 = Export("second");
  std::string path = dir2 + "/checkpoints/0000000001.txt";
  std::ifstream in(path);
  std::stringstream note;
  note << in.rdbuf();
  std::string text = note.str();
  text.replace(text.find("size 8"), 6, "size 7");
  std::ofstream(path, std::ios::trunc) << text;
  EXPECT_EQ(VerifyBundle(dir2, other.Public(), {}, {}).status().code(), StatusCode::kCorruption);
}

TEST_F(BundleTest, ADirectoryThatIsNoBundleIsInvalidArgument) {
  EXPECT_EQ(Check(dir_.Sub("nowhere")).code(), StatusCode::kInvalidArgument);
  FillFourStreams(1);
  std::string dir = Export();
  std::ofstream(dir + "/manifest.txt", std::ios::trunc) << "hello\n";
  EXPECT_EQ(Check(dir).code(), StatusCode::kInvalidArgument);
}

TEST_F(BundleTest, AManifestThatDisagreesWithTheEventsIsCorruption) {
  FillFourStreams(1);
  std::string dir = Export();
  std::ifstream in(dir + "/manifest.txt");
  std::stringstream text;
  text << in.rdbuf();
  std::string manifest = text.str();
  manifest.replace(manifest.find("events 4"), 8, "events 5");
  std::ofstream(dir + "/manifest.txt", std::ios::trunc) << manifest;
  EXPECT_EQ(Check(dir).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace secondment
