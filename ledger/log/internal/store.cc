#include "ledger/log/internal/store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/utilities/options_util.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "ledger/base/assert.h"
#include "ledger/log/internal/keys.h"
#include "ledger/log/internal/store_options.h"
#include "ledger/log/internal/vault.h"

namespace secondment::internal {
namespace {

constexpr char kFormatVersionKey[] = "format_version";
constexpr char kFormatVersion[] = "2";  // 2: the merkle family
constexpr char kLedgerIdKey[] = "ledger_id";

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
    families.emplace_back(kTablePrefix + table, table == kVaultTable ? VaultFamilyOptions(cache)
                                                                     : TableFamilyOptions(cache));
  }

  if (options.read_only) {
    // A reader inserts into memtables only what it replays of the WAL: the writer's hash
    // memtable and memtable filters, which are zeroed megabytes, would cost each read-only
    // command (`show`, `status`) milliseconds of page faults at open for nothing.
    for (auto& family : families) {
      family.options.memtable_factory = std::make_shared<rocksdb::SkipListFactory>();
      family.options.memtable_prefix_bloom_size_ratio = 0;
      family.options.memtable_whole_key_filtering = false;
    }
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

void Store::Batch::PutVaultRecord(std::string_view key, std::string_view value) {
  auto it = store_->tables_.find(std::string_view(kVaultTable));
  LEDGER_ASSERT(it != store_->tables_.end(), "the vault's table is not open");
  batch_
      .Put(it->second, rocksdb::Slice(key.data(), key.size()),
           rocksdb::Slice(value.data(), value.size()))
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

Status Store::Flush() {
  if (read_only_) return Status::Ok();
  rocksdb::FlushOptions flush;
  flush.wait = true;
  return FromRocks(db_->Flush(flush, handles_), "flushing memtables");
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

Status Store::CompactTables() {
  if (read_only_) return Status::Ok();
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto& [name, handle] : tables_) {
    RETURN_IF_ERROR(FromRocks(db_->CompactRange(compact, handle, nullptr, nullptr),
                              fmt::format("compacting table {}", name)));
  }
  return Status::Ok();
}

Status Store::SyncWal() {
  if (read_only_) return Status::Ok();
  return FromRocks(db_->SyncWAL(), "syncing the write-ahead log");
}

}  // namespace secondment::internal
