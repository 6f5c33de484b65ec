#include "bench/raw_baseline.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "bench/bench_util.h"

namespace secondment::bench {
namespace {

std::string BigEndian(uint64_t v, int bytes) {
  std::string out;
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) out += static_cast<char>(v >> shift);
  return out;
}

// A stock RocksDB with the ledger's four families; closed and deleted on destruction.
class RawStore {
 public:
  explicit RawStore(const std::string& dir) : dir_(dir) {
    rocksdb::DestroyDB(dir_, rocksdb::Options()).PermitUncheckedError();
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "events", "streams", "event_ids"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(options, dir_, families, &handles_, &db);
    if (!s.ok()) {
      std::fprintf(stderr, "raw baseline: %s\n", s.ToString().c_str());
      std::exit(6);
    }
    db_.reset(db);
  }
  ~RawStore() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db_.reset();
    rocksdb::DestroyDB(dir_, rocksdb::Options()).PermitUncheckedError();
  }

  void Add(rocksdb::WriteBatch& batch, const workload::Workload& w, size_t index,
           const std::string& value) {
    const workload::Event& e = w.events()[index];
    std::string position = BigEndian(index + 1, 8);
    batch.Put(handles_[1], position, value).PermitUncheckedError();
    batch.Put(handles_[2], w.StreamId(e) + '\0' + BigEndian(e.version, 4), position)
        .PermitUncheckedError();
    batch.Put(handles_[3], BigEndian(e.id_hi, 8) + BigEndian(e.id_lo, 8), position)
        .PermitUncheckedError();
  }

  void Write(rocksdb::WriteBatch& batch) {
    rocksdb::WriteOptions options;
    options.sync = true;
    auto s = db_->Write(options, &batch);
    if (!s.ok()) {
      std::fprintf(stderr, "raw baseline: %s\n", s.ToString().c_str());
      std::exit(6);
    }
  }

 private:
  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace

double RawAppendEach(const std::string& dir, const workload::Workload& workload,
                     const std::vector<std::string>& values, size_t count, int writers) {
  RawStore store(dir);
  auto parts = PartitionByStream(workload.events(), count, writers);
  double seconds = TimeWriters(writers, [&](int w) {
    for (size_t index : parts[w]) {
      rocksdb::WriteBatch batch;
      store.Add(batch, workload, index, values[index]);
      store.Write(batch);
    }
  });
  return static_cast<double>(count) / seconds;
}

double RawAppendBatched(const std::string& dir, const workload::Workload& workload,
                        const std::vector<std::string>& values, size_t batch_size) {
  RawStore store(dir);
  size_t total = values.size();
  double seconds = TimeWriters(1, [&](int) {
    for (size_t begin = 0; begin < total; begin += batch_size) {
      rocksdb::WriteBatch batch;
      for (size_t i = begin; i < std::min(total, begin + batch_size); ++i) {
        store.Add(batch, workload, i, values[i]);
      }
      store.Write(batch);
    }
  });
  return static_cast<double>(total) / seconds;
}

}  // namespace secondment::bench
