// Raw RocksDB access to a closed ledger, for tests that damage it on purpose (the ledger
// tests may reach RocksDB directly; nothing else outside ledger/log/internal may).

#ifndef SECONDMENT_TESTS_LEDGER_RAW_LEDGER_H_
#define SECONDMENT_TESTS_LEDGER_RAW_LEDGER_H_

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/event/event.h"

namespace secondment::testing {

inline std::string Key64(uint64_t v) {
  std::string key;
  for (int shift = 56; shift >= 0; shift -= 8) key += static_cast<char>((v >> shift) & 0xFF);
  return key;
}

// Raw access to a closed ledger's families, to damage it on purpose.
class RawLedger {
 public:
  // Opens every family the ledger has; the first six are the log's own, in order.
  explicit RawLedger(const std::string& dir) {
    std::vector<std::string> names;
    auto listed = rocksdb::DB::ListColumnFamilies(rocksdb::Options(), dir, &names);
    EXPECT_TRUE(listed.ok()) << listed.ToString();
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "events", "streams", "event_ids", "meta", "merkle"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    for (const std::string& name : names) {
      if (name.rfind("table.", 0) == 0) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(rocksdb::Options(), dir, families, &handles_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
  }
  ~RawLedger() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  }
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* events() { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* streams() { return handles_[2]; }
  rocksdb::ColumnFamilyHandle* ids() { return handles_[3]; }
  rocksdb::ColumnFamilyHandle* merkle() { return handles_[5]; }

  std::string GetEvent(Position p) {
    std::string value;
    EXPECT_TRUE(db_->Get(rocksdb::ReadOptions(), events(), Key64(p), &value).ok());
    return value;
  }
  void PutEvent(Position p, const std::string& value) {
    EXPECT_TRUE(db_->Put(rocksdb::WriteOptions(), events(), Key64(p), value).ok());
  }
  void DeleteMeta(const std::string& key) {
    EXPECT_TRUE(db_->Delete(rocksdb::WriteOptions(), handles_[4], key).ok());
  }
  void DeleteEvent(Position p) {
    EXPECT_TRUE(db_->Delete(rocksdb::WriteOptions(), events(), Key64(p)).ok());
  }
  // Removes every trace of positions >= first in every family: a tail cut a careful forger
  // would make before appending other events.
  void CutTail(Position first) {
    auto cut = [&](rocksdb::ColumnFamilyHandle* family, auto position_of) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        if (position_of(it->key().ToString(), it->value().ToString()) >= first) {
          EXPECT_TRUE(db_->Delete(rocksdb::WriteOptions(), family, it->key()).ok());
        }
      }
    };
    auto big_endian = [](std::string_view bytes) {
      uint64_t v = 0;
      for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
      return v;
    };
    cut(events(), [&](const std::string& k, const std::string&) { return big_endian(k); });
    cut(streams(), [&](const std::string&, const std::string& v) { return big_endian(v); });
    cut(ids(), [&](const std::string&, const std::string& v) { return big_endian(v); });
    // A node of level l, index i covers positions i*2^l+1 .. (i+1)*2^l.
    cut(merkle(), [&](const std::string& k, const std::string&) {
      int level = static_cast<uint8_t>(k[0]);
      return ((big_endian(k.substr(1)) + 1) << level);
    });
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_LEDGER_RAW_LEDGER_H_
