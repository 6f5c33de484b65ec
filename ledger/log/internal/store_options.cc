#include "ledger/log/internal/store_options.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <cstdarg>
#include <cstdio>
#include <string>

namespace secondment::internal {
namespace {

// The stream id of a streams key (everything before the 0x00 separator): consecutive versions
// of a stream share it, so the memtable keeps an insert hint per stream.
class StreamIdPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "secondment.StreamIdPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const void* separator = std::memchr(key.data(), '\0', key.size());
    size_t length = separator ? static_cast<const char*>(separator) - key.data() : key.size();
    return rocksdb::Slice(key.data(), length);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return std::memchr(key.data(), '\0', key.size()) != nullptr;
  }
};

// Everything before a table key's last 0x00: projections append the varying part (a position,
// an id) last, so keys sharing this prefix often follow each other and an insert hint per
// prefix saves the memtable a full search.
class BeforeLastPart final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "secondment.BeforeLastPart"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    size_t i = key.size();
    while (i > 0 && key[i - 1] != '\0') --i;
    return rocksdb::Slice(key.data(), i);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return std::memchr(key.data(), '\0', key.size()) != nullptr;
  }
};

rocksdb::BlockBasedTableOptions TableOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                             size_t block_size) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.block_size = block_size;
  table.format_version = 5;
  // Debian's RocksDB is built without SSE4.2, so CRC32c runs in software; XXH3 is several
  // times faster and as good at catching damaged blocks.
  table.checksum = rocksdb::kXXH3;
  return table;
}

}  // namespace

rocksdb::ColumnFamilyOptions TableFamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  auto table = TableOptions(cache, 8 * 1024);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kLZ4Compression;
  options.level_compaction_dynamic_level_bytes = true;
  options.memtable_insert_with_hint_prefix_extractor = std::make_shared<BeforeLastPart>();
  return options;
}

rocksdb::ColumnFamilyOptions VaultFamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options = TableFamilyOptions(cache);
  // A few hundred bytes a person: nothing to gain from compression or shared key prefixes,
  // and without them a byte search of the files sees each record whole (docs/privacy.md).
  auto table = TableOptions(cache, 4 * 1024);
  table.block_restart_interval = 1;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.compression = rocksdb::kNoCompression;
  return options;
}

// Tuned per family: events are scanned in order and read by position; the stream index is
// read by prefix; the id index is probed with random keys that are almost always absent.
std::vector<rocksdb::ColumnFamilyDescriptor> FamilyDescriptors(
    const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions events;
  {
    auto table = TableOptions(cache, 16 * 1024);
    // A point read by position goes through the in-block hash index straight to its entry:
    // every entry is a restart point, so there is no linear walk over ~300-byte neighbours.
    table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
    table.block_restart_interval = 1;
    events.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    // Positions grow by one: every insert lands at the hint left by the previous one.
    events.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
    events.compression = rocksdb::kLZ4Compression;
    events.bottommost_compression = rocksdb::kLZ4Compression;
    events.level_compaction_dynamic_level_bytes = true;
  }

  rocksdb::ColumnFamilyOptions streams;
  {
    // The filter answers "is this stream new?" (no version 0) without a seek.
    auto table = TableOptions(cache, 4 * 1024);
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = true;
    streams.memtable_whole_key_filtering = true;
    streams.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamIdPrefix>();
    streams.memtable_prefix_bloom_size_ratio = 0.02;
    streams.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    streams.compression = rocksdb::kLZ4Compression;
    streams.level_compaction_dynamic_level_bytes = true;
  }

  rocksdb::ColumnFamilyOptions event_ids;
  {
    auto table = TableOptions(cache, 4 * 1024);
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = true;
    event_ids.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    // Ids are random and only ever probed by exact key: a hash table of small skiplists
    // inserts and finds in near-constant time, where one big skiplist walks ~20 levels of
    // cache misses per insert. 65,536 buckets (512 KiB, zeroed at every open of a writer) keep
    // each bucket's skiplist short up to a full memtable; the memtable filters are 2% of it.
    event_ids.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(8));
    event_ids.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 16));
    event_ids.memtable_whole_key_filtering = true;
    event_ids.memtable_prefix_bloom_size_ratio = 0.02;
    event_ids.compression = rocksdb::kNoCompression;  // random keys do not compress
    event_ids.level_compaction_dynamic_level_bytes = true;
  }

  rocksdb::ColumnFamilyOptions merkle;
  {
    // Keys grow in index order within a level; hashes do not compress, but the 8-byte RocksDB
    // trailer that follows each key does.
    auto table = TableOptions(cache, 16 * 1024);
    merkle.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    merkle.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
    merkle.compression = rocksdb::kLZ4Compression;
    merkle.level_compaction_dynamic_level_bytes = true;
  }

  rocksdb::ColumnFamilyOptions meta;
  return {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {kEventsFamily, events},
      {kStreamsFamily, streams},
      {kEventIdsFamily, event_ids},
      {kMetaFamily, meta},
      {kMerkleFamily, merkle},
  };
}

namespace {

// RocksDB's diagnostic log, sent to the ledger's logger at debug level instead of a LOG file in
// the ledger directory. On a full disk a LOG file breaks: Debian's RocksDB 7.8 aborts on an
// assertion when it writes to its LOG after a write there failed. Its messages may name keys
// (stream names hold employee ids), so they never go above debug.
class RocksLog : public rocksdb::Logger {
 public:
  explicit RocksLog(spdlog::logger* logger)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), logger_(logger) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (!logger_->should_log(spdlog::level::debug)) return;
    char buffer[1024];
    std::vsnprintf(buffer, sizeof buffer, format, ap);
    logger_->debug("rocksdb: {}", buffer);
  }

 private:
  spdlog::logger* logger_;
};

}  // namespace

rocksdb::Options DatabaseOptions(bool create, spdlog::logger* logger) {
  rocksdb::Options options;
  options.info_log = std::make_shared<RocksLog>(logger);
  options.create_if_missing = create;
  options.create_missing_column_families = create;
  options.max_background_jobs = 2;
  // One write at a time comes from the ledger's group commit; the hash memtable of the id
  // family does not take concurrent inserts anyway.
  options.allow_concurrent_memtable_write = false;
  options.bytes_per_sync = 1 << 20;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  return options;
}

bool IsLockError(const rocksdb::Status& status) {
  if (!status.IsIOError()) return false;
  std::string text = status.ToString();
  return text.find("lock hold by current process") != std::string::npos ||
         (text.find("While lock file") != std::string::npos &&
          text.find("Resource temporarily unavailable") != std::string::npos);
}

}  // namespace secondment::internal
