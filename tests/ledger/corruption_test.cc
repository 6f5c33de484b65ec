// A stored value that does not decode is Corruption naming its position, never a crash.

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "ledger/log/event_log.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;

std::string PositionKey(Position position) {
  std::string key;
  for (int shift = 56; shift >= 0; shift -= 8) key += static_cast<char>((position >> shift) & 0xFF);
  return key;
}

class CorruptionTest : public LedgerTest {
 protected:
  // Closes the ledger, overwrites the stored value at `position`, and reopens it.
  void OverwriteEvent(Position position, const std::string& value) {
    OverwriteEventAndClose(position, value);
    Reopen();
  }

  // Closes the ledger and overwrites the stored value at `position` directly in RocksDB.
  void OverwriteEventAndClose(Position position, const std::string& value) {
    log_.reset();
    std::vector<std::string> names;  // "default", "events", ..., then the tables
    ASSERT_TRUE(
        rocksdb::DB::ListColumnFamilies(rocksdb::Options(), dir_.Sub("ledger"), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& name : names) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    ASSERT_EQ(names[1], "events");
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(rocksdb::Options(), dir_.Sub("ledger"), families, &handles, &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], PositionKey(position), value).ok());
    for (auto* handle : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    delete db;
  }

  std::string StoredBytes(Position position) {
    auto events = log_->ReadAll(position, 1);
    return std::string(events->front().bytes());
  }

  void Fill() {
    for (int i = 0; i < 3; ++i) AppendOne("s");
  }
};

TEST_F(CorruptionTest, GarbageValueIsCorruptionNamingItsPosition) {
  Fill();
  OverwriteEvent(2, std::string(40, '\xff'));
  auto all = log_->ReadAll(1, 10);
  ASSERT_EQ(all.status().code(), StatusCode::kCorruption);
  EXPECT_NE(all.status().message().find("event at position 2 does not decode"), std::string::npos)
      << all.status().message();
  auto stream = log_->ReadStream("s", 0, 10);
  EXPECT_EQ(stream.status().code(), StatusCode::kCorruption);
  Status scan = log_->Scan(1, 10, [](const EventView&) { return Status::Ok(); });
  EXPECT_EQ(scan.code(), StatusCode::kCorruption);
  EXPECT_TRUE(log_->ReadAll(1, 1).ok());  // what comes before is still readable
}

TEST_F(CorruptionTest, TruncatedValueIsCorruption) {
  Fill();
  std::string bytes = StoredBytes(2);
  OverwriteEvent(2, bytes.substr(0, bytes.size() - 8));
  EXPECT_EQ(log_->ReadAll(2, 1).status().code(), StatusCode::kCorruption);
  // The scan's reader finds the pointer past the end when the visitor follows it.
  Status scan = log_->Scan(2, 2, [](const EventView& view) {
    size_t n = view.event.getStreamId().size() + view.event.getActor().getId().size() +
               view.event.getPayload().getWithdrawn().getReason().size();
    return n > 0 ? Status::Ok() : NotFound("nothing read");
  });
  EXPECT_EQ(scan.code(), StatusCode::kCorruption) << scan.ToString();
  EXPECT_NE(scan.message().find("event at position 2 does not decode"), std::string::npos);
  OverwriteEvent(2, bytes.substr(0, 13));  // not even whole words
  auto result = log_->ReadAll(2, 1);
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_NE(result.status().message().find("position 2"), std::string::npos);
}

TEST_F(CorruptionTest, EmptyValueIsCorruption) {
  Fill();
  OverwriteEvent(2, "");
  EXPECT_EQ(log_->ReadAll(2, 1).status().code(), StatusCode::kCorruption);
}

TEST_F(CorruptionTest, CorruptTailRefusesWritersButNotReaders) {
  Fill();
  // Damage the last event: appending on top of it must not go ahead.
  OverwriteEventAndClose(3, std::string(16, '\x01'));
  auto writer = EventLog::Open(dir_.Sub("ledger"), Options{});
  ASSERT_EQ(writer.status().code(), StatusCode::kCorruption);
  EXPECT_NE(writer.status().message().find("position 3"), std::string::npos);
  Options read_only;
  read_only.read_only = true;
  auto reader = EventLog::Open(dir_.Sub("ledger"), read_only);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->Head(), 3u);
  EXPECT_EQ((*reader)->ReadAll(3, 1).status().code(), StatusCode::kCorruption);
}

TEST_F(CorruptionTest, AnEventStoredUnderAnotherPositionIsCorruption) {
  Fill();
  OverwriteEvent(2, StoredBytes(3));
  auto result = log_->ReadAll(2, 1);
  ASSERT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(result.status().message(), "event at position 2 does not decode: it names position 3");
}

}  // namespace
}  // namespace secondment
