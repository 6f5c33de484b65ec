#include "ledger/internal/store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/utilities/options_util.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "ledger/internal/keys.h"

namespace secondment::internal {
namespace {

constexpr char kEventsFamily[] = "events";
constexpr char kStreamsFamily[] = "streams";
constexpr char kEventIdsFamily[] = "event_ids";
constexpr char kMetaFamily[] = "meta";
constexpr char kMerkleFamily[] = "merkle";

constexpr char kFormatVersionKey[] = "format_version";
constexpr char kFormatVersion[] = "2";  // 2: the merkle family
constexpr char kLedgerIdKey[] = "ledger_id";

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

// Tuned per family: events are scanned in order and read by position; the stream index is
// read by prefix; the id index is probed with random keys that are almost always absent.
constexpr char kTablePrefix[] = "table.";

// Projection tables: point reads by key and prefix scans.
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
    streams.memtable_prefix_bloom_size_ratio = 0.05;
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
    // cache misses per insert.
    event_ids.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(8));
    event_ids.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(1 << 20));
    event_ids.memtable_whole_key_filtering = true;
    event_ids.memtable_prefix_bloom_size_ratio = 0.05;
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

// Whether opening failed because another process (or this one) holds the ledger's LOCK; not
// when the LOCK file cannot be opened at all (a read-only file system, say).
bool IsLockError(const rocksdb::Status& status) {
  if (!status.IsIOError()) return false;
  std::string text = status.ToString();
  return text.find("lock hold by current process") != std::string::npos ||
         (text.find("While lock file") != std::string::npos &&
          text.find("Resource temporarily unavailable") != std::string::npos);
}

std::string_view View(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

}  // namespace

Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status::Ok();
  std::string message = fmt::format("{}: {}", context, status.ToString());
  if (status.IsCorruption()) return Corruption(std::move(message));
  if (status.IsNoSpace())
    return IOError(fmt::format("{}: disk full ({})", context, status.ToString()));
  if (status.IsBusy() || status.IsTryAgain()) return Unavailable(std::move(message));
  if (status.IsNotFound()) return NotFound(std::move(message));
  return IOError(std::move(message));
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const StoreOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  bool exists = fs::exists(st);
  if (exists && !fs::is_directory(st)) {
    return InvalidArgument(fmt::format("ledger path {} is not a directory", dir));
  }
  bool has_ledger = exists && fs::exists(fs::path(dir) / "CURRENT", ec);
  if (!has_ledger) {
    if (options.read_only || !options.create_if_missing) {
      return NotFound(fmt::format("no ledger at {}", dir));
    }
    if (exists && !fs::is_empty(dir, ec)) {
      return InvalidArgument(
          fmt::format("{} is a non-empty directory that holds no ledger; choose an empty or new "
                      "directory",
                      dir));
    }
    RETURN_IF_ERROR(CreateLedger(dir, options));
    has_ledger = true;
  }

  auto store = std::unique_ptr<Store>(new Store());
  store->dir_ = dir;
  store->logger_ = options.logger;
  store->read_only_ = options.read_only;

  rocksdb::Options db_options = DatabaseOptions(!has_ledger, options.logger);
  db_options.create_missing_column_families = !options.read_only;  // new tables
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  auto families = FamilyDescriptors(cache);
  std::vector<std::string> existing;
  if (has_ledger) {
    auto s = rocksdb::DB::ListColumnFamilies(db_options, dir, &existing);
    if (!s.ok()) return FromRocks(s, fmt::format("reading ledger at {}", dir));
    for (const auto& family : families) {
      bool found = std::find(existing.begin(), existing.end(), family.name) != existing.end();
      if (!found && family.name == kMerkleFamily) {
        return InvalidArgument(fmt::format(
            "ledger at {} has format version 1 (no Merkle tree); this build reads version {}", dir,
            kFormatVersion));
      }
      if (!found) {
        return InvalidArgument(fmt::format(
            "{} holds a RocksDB database that is not a secondment ledger (no '{}' family)", dir,
            family.name));
      }
    }
  }
  // RocksDB opens a database only with every family it has, so every existing table is
  // opened, plus the requested ones not created yet (unless read-only: they read as empty).
  std::vector<std::string> table_names;
  for (const auto& family : existing) {
    if (family.rfind(kTablePrefix, 0) == 0)
      table_names.push_back(family.substr(sizeof(kTablePrefix) - 1));
  }
  for (const auto& table : options.tables) {
    bool exists = std::find(table_names.begin(), table_names.end(), table) != table_names.end();
    if (!exists && !options.read_only) table_names.push_back(table);
  }
  for (const auto& table : table_names) {
    families.emplace_back(kTablePrefix + table, TableFamilyOptions(cache));
  }

  rocksdb::DB* db = nullptr;
  rocksdb::Status s;
  if (options.read_only && options.follow_primary) {
    // A secondary keeps its own files in a directory of its own.
    std::string pattern = (fs::temp_directory_path() / "secondment-follower-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return IOError(fmt::format("cannot make a directory for a follower of {}", dir));
    }
    store->secondary_dir_ = pattern;
    db_options.max_open_files = -1;  // required of a secondary instance
    s = rocksdb::DB::OpenAsSecondary(db_options, dir, store->secondary_dir_, families,
                                     &store->handles_, &db);
  } else if (options.read_only) {
    s = rocksdb::DB::OpenForReadOnly(db_options, dir, families, &store->handles_, &db);
  } else {
    s = rocksdb::DB::Open(db_options, dir, families, &store->handles_, &db);
  }
  if (IsLockError(s)) {
    if (s.ToString().find("current process") != std::string::npos) {
      return Unavailable(fmt::format("ledger at {} is already open in this process", dir));
    }
    return Unavailable(fmt::format("ledger at {} is locked by another process", dir));
  }
  if (!s.ok()) return FromRocks(s, fmt::format("opening ledger at {}", dir));
  store->db_.reset(db);
  store->events_ = store->handles_[1];
  store->streams_ = store->handles_[2];
  store->event_ids_ = store->handles_[3];
  store->meta_ = store->handles_[4];
  store->merkle_ = store->handles_[5];
  for (size_t i = 0; i < table_names.size(); ++i)
    store->tables_[table_names[i]] = store->handles_[6 + i];

  RETURN_IF_ERROR(has_ledger ? store->CheckFormat() : store->InitializeNewLedger());
  return store;
}

// A new ledger is made whole in a hidden sibling directory and renamed into place, so that a
// crash while creating it leaves either no ledger or a whole one, never a half-made one.
Status Store::CreateLedger(const std::string& dir, const StoreOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target = fs::path(dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  fs::create_directories(parent, ec);
  if (ec) return IOError(fmt::format("cannot create ledger directory {}: {}", dir, ec.message()));
  std::string staging = (parent / ("." + target.filename().string() + ".creating-XXXXXX")).string();
  if (::mkdtemp(staging.data()) == nullptr) {
    return IOError(fmt::format("cannot create ledger directory {}: {}", dir, std::strerror(errno)));
  }
  {
    rocksdb::Options db_options = DatabaseOptions(/*create=*/true, options.logger);
    auto cache = rocksdb::NewLRUCache(8 << 20);
    auto families = FamilyDescriptors(cache);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(db_options, staging, families, &handles, &db);
    if (!s.ok()) {
      fs::remove_all(staging, ec);
      return FromRocks(s, fmt::format("creating ledger at {}", dir));
    }
    auto init = std::unique_ptr<Store>(new Store());
    init->dir_ = dir;
    init->db_.reset(db);
    init->handles_ = handles;
    init->meta_ = handles[4];
    Status status = init->InitializeNewLedger();
    if (status.ok()) status = FromRocks(db->SyncWAL(), "creating the ledger");
    init.reset();  // closed before it moves into place
    if (!status.ok()) {
      fs::remove_all(staging, ec);
      return status;
    }
  }
  if (::rename(staging.c_str(), target.c_str()) != 0) {
    int error = errno;
    fs::remove_all(staging, ec);
    return IOError(fmt::format("cannot create ledger directory {}: {}", dir, std::strerror(error)));
  }
  int parent_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd >= 0) {
    ::fsync(parent_fd);
    ::close(parent_fd);
  }
  return Status::Ok();
}

Store::~Store() {
  if (db_) {
    for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  if (!secondary_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_dir_, ec);
  }
}

Status Store::CatchUpWithPrimary() {
  if (secondary_dir_.empty()) return Status::Ok();
  return FromRocks(db_->TryCatchUpWithPrimary(), "catching up with the ledger's writer");
}

Status Store::InitializeNewLedger() {
  EventId ledger_id = EventId::Random();
  rocksdb::WriteBatch batch;
  batch.Put(meta_, kFormatVersionKey, kFormatVersion);
  batch.Put(meta_, kLedgerIdKey, rocksdb::Slice(ledger_id.AsStringView().data(), EventId::kSize));
  rocksdb::WriteOptions write;
  write.sync = true;
  return FromRocks(db_->Write(write, &batch), fmt::format("creating ledger at {}", dir_));
}

Status Store::CheckFormat() {
  std::string version;
  auto s = db_->Get(rocksdb::ReadOptions(), meta_, kFormatVersionKey, &version);
  if (s.IsNotFound()) {
    return Corruption(fmt::format("ledger at {} has no format version in its meta family", dir_));
  }
  RETURN_IF_ERROR(FromRocks(s, fmt::format("reading format version of {}", dir_)));
  if (version != kFormatVersion) {
    return InvalidArgument(fmt::format("ledger at {} has format version {}; this build reads {}",
                                       dir_, version, kFormatVersion));
  }
  return Status::Ok();
}

Result<std::string> Store::LedgerId() {
  ASSIGN_OR_RETURN(std::optional<std::string> id, GetMeta(kLedgerIdKey));
  if (!id || id->size() != EventId::kSize) {
    return Corruption(fmt::format("ledger at {} has no valid ledger id", dir_));
  }
  return std::move(*id);
}

Store::ReadPoint::~ReadPoint() {
  if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
}

std::unique_ptr<Store::ReadPoint> Store::TakeReadPoint() {
  // A secondary instance has no snapshots, and needs none: its view changes only when it is
  // asked to catch up with the primary.
  const rocksdb::Snapshot* snapshot = secondary_dir_.empty() ? db_->GetSnapshot() : nullptr;
  return std::unique_ptr<ReadPoint>(new ReadPoint(db_.get(), snapshot));
}

namespace {

rocksdb::ReadOptions ReadAt(const Store::ReadPoint* at, const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions read;
  if (at != nullptr) read.snapshot = snapshot;
  return read;
}

}  // namespace

Result<Position> Store::LastPosition(const ReadPoint* at) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ReadAt(at, at ? at->snapshot_ : nullptr), events_));
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocks(it->status(), "finding the last position"));
  if (!it->Valid()) return Position{0};
  if (it->key().size() != 8) {
    return Corruption(fmt::format("events key of {} bytes, expected 8", it->key().size()));
  }
  return GetBigEndian(View(it->key()));
}

Result<std::optional<StreamTip>> Store::LastInStream(std::string_view stream) {
  std::string first_version;
  auto first = db_->Get(rocksdb::ReadOptions(), streams_, StreamKey(stream, 0), &first_version);
  if (first.IsNotFound()) return std::optional<StreamTip>();
  RETURN_IF_ERROR(FromRocks(first, fmt::format("reading stream {}", stream)));
  std::string last_key = StreamKey(stream, UINT32_MAX);
  std::string lower = StreamKey(stream, 0);
  rocksdb::ReadOptions read;
  rocksdb::Slice lower_bound(lower);
  read.iterate_lower_bound = &lower_bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, streams_));
  it->SeekForPrev(last_key);
  RETURN_IF_ERROR(FromRocks(it->status(), fmt::format("reading stream {}", stream)));
  if (!it->Valid()) return std::optional<StreamTip>();
  std::string_view key_stream;
  StreamTip tip;
  if (!ParseStreamKey(View(it->key()), &key_stream, &tip.version) || key_stream != stream ||
      it->value().size() != 8) {
    return Corruption(fmt::format("malformed streams entry for stream {}", stream));
  }
  tip.position = GetBigEndian(View(it->value()));
  return std::optional<StreamTip>(tip);
}

Status Store::StreamPositions(std::string_view stream, StreamVersion from, size_t max,
                              std::vector<Position>* out) {
  std::string upper = StreamUpperBound(stream);
  rocksdb::Slice upper_bound(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, streams_));
  StreamVersion expected = from;
  size_t taken = 0;
  for (it->Seek(StreamKey(stream, from)); it->Valid() && taken < max; it->Next(), ++taken) {
    std::string_view key_stream;
    StreamVersion version;
    if (!ParseStreamKey(View(it->key()), &key_stream, &version) || key_stream != stream ||
        it->value().size() != 8) {
      return Corruption(fmt::format("malformed streams entry for stream {}", stream));
    }
    if (version != expected) {
      return Corruption(
          fmt::format("stream {} skips from version {} to {}", stream, expected, version));
    }
    ++expected;
    out->push_back(GetBigEndian(View(it->value())));
  }
  return FromRocks(it->status(), fmt::format("reading stream {}", stream));
}

Status Store::GetEvents(const std::vector<Position>& positions, const ValueVisitor& visit) {
  if (positions.empty()) return Status::Ok();
  std::vector<std::string> keys;
  keys.reserve(positions.size());
  for (Position p : positions) keys.push_back(EventKey(p));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), events_, slices.size(), slices.data(), values.data(),
                statuses.data(), /*sorted_input=*/true);
  for (size_t i = 0; i < positions.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return Corruption(fmt::format("event at position {} is missing", positions[i]));
    }
    RETURN_IF_ERROR(FromRocks(statuses[i], fmt::format("reading position {}", positions[i])));
    RETURN_IF_ERROR(visit(positions[i], View(values[i])));
  }
  return Status::Ok();
}

Status Store::ScanEvents(Position first, Position last, const ValueVisitor& visit) {
  if (first > last) return Status::Ok();
  std::string upper = EventKey(last + 1);
  rocksdb::Slice upper_bound(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_bound;
  read.readahead_size = 2 << 20;
  read.adaptive_readahead = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, events_));
  Position expected = first;
  for (it->Seek(EventKey(first)); it->Valid(); it->Next()) {
    if (it->key().size() != 8) {
      return Corruption(
          fmt::format("events key of {} bytes after position {}", it->key().size(), expected - 1));
    }
    Position position = GetBigEndian(View(it->key()));
    if (position != expected) {
      return Corruption(fmt::format("event at position {} is missing", expected));
    }
    RETURN_IF_ERROR(visit(position, View(it->value())));
    ++expected;
  }
  RETURN_IF_ERROR(FromRocks(it->status(), fmt::format("reading position {}", expected)));
  if (expected != last + 1) {
    return Corruption(fmt::format("event at position {} is missing", expected));
  }
  return Status::Ok();
}

Status Store::LookupEventIds(const std::vector<EventId>& ids,
                             std::vector<std::optional<Position>>* out) {
  out->assign(ids.size(), std::nullopt);
  if (ids.empty()) return Status::Ok();
  std::vector<rocksdb::Slice> keys;
  keys.reserve(ids.size());
  for (const auto& id : ids) keys.emplace_back(id.AsStringView().data(), EventId::kSize);
  std::vector<rocksdb::PinnableSlice> values(ids.size());
  std::vector<rocksdb::Status> statuses(ids.size());
  db_->MultiGet(rocksdb::ReadOptions(), event_ids_, keys.size(), keys.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocks(statuses[i], "looking up event ids"));
    if (values[i].size() != 8) {
      return Corruption(fmt::format("event id index entry of {} bytes for {}", values[i].size(),
                                    ids[i].ToString()));
    }
    (*out)[i] = GetBigEndian(View(values[i]));
  }
  return Status::Ok();
}

void Store::Batch::PutEvent(Position position, std::string_view canonical_bytes) {
  batch_
      .Put(store_->events_, EventKey(position),
           rocksdb::Slice(canonical_bytes.data(), canonical_bytes.size()))
      .PermitUncheckedError();
}

void Store::Batch::PutStreamEntry(std::string_view stream, StreamVersion version,
                                  Position position) {
  batch_.Put(store_->streams_, StreamKey(stream, version), EventKey(position))
      .PermitUncheckedError();
}

void Store::Batch::PutEventId(const EventId& id, Position position) {
  batch_
      .Put(store_->event_ids_, rocksdb::Slice(id.AsStringView().data(), EventId::kSize),
           EventKey(position))
      .PermitUncheckedError();
}

void Store::Batch::PutMerkleNode(int level, uint64_t index, const Hash256& hash) {
  batch_
      .Put(store_->merkle_, MerkleKey(level, index),
           rocksdb::Slice(reinterpret_cast<const char*>(hash.data()), hash.size()))
      .PermitUncheckedError();
}

void Store::Batch::RollbackToSavePoint() {
  auto s = batch_.RollbackToSavePoint();
  (void)s;  // a save point was always set before
}

Status Store::Commit(Batch& batch, bool sync) {
  if (read_only_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
  rocksdb::WriteOptions write;
  write.sync = sync;
  return FromRocks(db_->Write(write, &batch.batch_), "appending to the ledger");
}

Result<Hash256> Store::Subtree(int level, uint64_t index) {
  if (KeepsLevel(level)) {
    rocksdb::PinnableSlice value;
    auto s = db_->Get(rocksdb::ReadOptions(), merkle_, MerkleKey(level, index), &value);
    if (s.IsNotFound()) {
      return Corruption(fmt::format("Merkle node at level {} index {} is missing", level, index));
    }
    RETURN_IF_ERROR(FromRocks(s, "reading the Merkle tree"));
    if (value.size() != sizeof(Hash256)) {
      return Corruption(fmt::format("Merkle node at level {} index {} is {} bytes, not 32", level,
                                    index, value.size()));
    }
    Hash256 hash;
    std::memcpy(hash.data(), value.data(), hash.size());
    return hash;
  }
  uint64_t first = index << level;
  uint64_t count = uint64_t{1} << level;
  std::vector<Hash256> nodes;
  nodes.reserve(count);
  Status malformed = Status::Ok();
  RETURN_IF_ERROR(ScanMerkleLevel(0, first, [&](uint64_t leaf, std::string_view hash) {
    if (leaf != first + nodes.size() || hash.size() != sizeof(Hash256)) {
      malformed =
          Corruption(fmt::format("Merkle leaf {} is missing or malformed", first + nodes.size()));
      return false;
    }
    nodes.emplace_back();
    std::memcpy(nodes.back().data(), hash.data(), hash.size());
    return nodes.size() < count;
  }));
  RETURN_IF_ERROR(malformed);
  if (nodes.size() != count) {
    return Corruption(fmt::format("Merkle leaf {} is missing", first + nodes.size()));
  }
  for (; count > 1; count /= 2) {
    for (uint64_t i = 0; i < count / 2; ++i) nodes[i] = NodeHash(nodes[2 * i], nodes[2 * i + 1]);
  }
  return nodes[0];
}

Status Store::ScanMerkleLevel(
    int level, uint64_t first_index,
    const std::function<bool(uint64_t index, std::string_view hash)>& visit) {
  std::string upper(1, static_cast<char>(level + 1));
  rocksdb::Slice upper_bound(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_bound;
  read.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, merkle_));
  for (it->Seek(MerkleKey(level, first_index)); it->Valid(); it->Next()) {
    if (it->key().size() != 9) {
      return Corruption(fmt::format("Merkle key of {} bytes at level {}", it->key().size(), level));
    }
    if (!visit(GetBigEndian(View(it->key()).substr(1)), View(it->value()))) break;
  }
  return FromRocks(it->status(), "reading the Merkle tree");
}

namespace {

class RocksCursor final : public Store::Cursor {
 public:
  RocksCursor(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, std::string_view start,
              const rocksdb::Snapshot* snapshot) {
    rocksdb::ReadOptions read;
    read.snapshot = snapshot;
    read.readahead_size = 2 << 20;
    read.adaptive_readahead = true;
    read.total_order_seek = true;  // the id family has a prefix extractor; walk all of it
    it_.reset(db->NewIterator(read, family));
    it_->Seek(rocksdb::Slice(start.data(), start.size()));
  }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override { return View(it_->key()); }
  std::string_view value() const override { return View(it_->value()); }
  void Next() override { it_->Next(); }
  Status status() const override { return FromRocks(it_->status(), "reading the ledger"); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

std::unique_ptr<Store::Cursor> Store::OpenCursor(Family family, std::string_view start,
                                                 const ReadPoint* at) {
  rocksdb::ColumnFamilyHandle* handle = events_;
  switch (family) {
    case Family::kEvents:
      handle = events_;
      break;
    case Family::kStreams:
      handle = streams_;
      break;
    case Family::kEventIds:
      handle = event_ids_;
      break;
    case Family::kMerkle:
      handle = merkle_;
      break;
  }
  return std::make_unique<RocksCursor>(db_.get(), handle, start, at ? at->snapshot_ : nullptr);
}

Result<std::optional<std::string>> Store::GetMeta(std::string_view key, const ReadPoint* at) {
  std::string value;
  auto s = db_->Get(ReadAt(at, at ? at->snapshot_ : nullptr), meta_,
                    rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocks(s, "reading the meta family"));
  return std::optional<std::string>(std::move(value));
}

Status Store::ScanMeta(std::string_view prefix,
                       const std::function<Status(std::string_view, std::string_view)>& visit,
                       const ReadPoint* at) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ReadAt(at, at ? at->snapshot_ : nullptr), meta_));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() && View(it->key()).substr(0, prefix.size()) == prefix; it->Next()) {
    RETURN_IF_ERROR(visit(View(it->key()), View(it->value())));
  }
  return FromRocks(it->status(), "reading the meta family");
}

Status Store::PutMeta(const std::vector<std::pair<std::string, std::string>>& records) {
  if (read_only_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : records) batch.Put(meta_, key, value).PermitUncheckedError();
  rocksdb::WriteOptions write;
  write.sync = true;
  return FromRocks(db_->Write(write, &batch), "writing the meta family");
}

Status Store::Backup(const std::string& backup_dir) {
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::BackupEngineOptions options(backup_dir);
  RETURN_IF_ERROR(FromRocks(rocksdb::BackupEngine::Open(options, rocksdb::Env::Default(), &raw),
                            fmt::format("opening backup directory {}", backup_dir)));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = false;  // the live WAL goes in: one consistent point in time
  RETURN_IF_ERROR(FromRocks(engine->CreateNewBackup(create, db_.get()),
                            fmt::format("backing up into {}", backup_dir)));
  return FromRocks(engine->GarbageCollect(), "tidying the backup directory");
}

Status Store::Restore(const std::string& backup_dir, const std::string& db_dir) {
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::BackupEngineOptions options(backup_dir);
  RETURN_IF_ERROR(
      FromRocks(rocksdb::BackupEngineReadOnly::Open(options, rocksdb::Env::Default(), &raw),
                fmt::format("opening backup directory {}", backup_dir)));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  if (backups.empty()) return NotFound(fmt::format("{} holds no backup", backup_dir));
  return FromRocks(engine->RestoreDBFromLatestBackup(db_dir, db_dir),
                   fmt::format("restoring into {}", db_dir));
}

Status Store::Settle() {
  if (read_only_) return Status::Ok();
  rocksdb::FlushOptions flush;
  flush.wait = true;
  RETURN_IF_ERROR(FromRocks(db_->Flush(flush, handles_), "flushing memtables"));
  for (;;) {
    uint64_t running = 0, pending = 0, flushes = 0;
    db_->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &running);
    db_->GetIntProperty(rocksdb::DB::Properties::kNumRunningFlushes, &flushes);
    bool any_pending = false;
    for (auto* handle : handles_) {
      db_->GetIntProperty(handle, rocksdb::DB::Properties::kCompactionPending, &pending);
      any_pending = any_pending || pending != 0;
    }
    if (running == 0 && flushes == 0 && !any_pending) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status Store::CompactAll() {
  if (read_only_) return Status::Ok();
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* handle : handles_) {
    RETURN_IF_ERROR(
        FromRocks(db_->CompactRange(compact, handle, nullptr, nullptr), "compacting the ledger"));
  }
  return Settle();
}

}  // namespace secondment::internal
