// Store: the ledger's only contact with RocksDB. It owns the database and its column families
// and knows the key layout; it knows nothing of group commit or of the lifecycle.

#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_STORE_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_STORE_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <spdlog/logger.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/event/event.h"

namespace secondment::internal {

struct StoreOptions {
  bool read_only = false;
  // With read_only: open as a RocksDB secondary instance, which can catch up with what the
  // primary (another process, or another EventLog in this one) commits later.
  bool follow_primary = false;
  bool create_if_missing = true;
  size_t block_cache_bytes = 512 << 20;
  // Tables to open (created when missing, unless read-only); see ledger/log/tables.h.
  std::vector<std::string> tables;
  spdlog::logger* logger = nullptr;  // borrowed, non-null
};

// Where a stream stands: its last version and that event's position.
struct StreamTip {
  StreamVersion version = 0;
  Position position = 0;
};

// Records of the vault (vault.h) to write with an append: (key, value).
using VaultRecords = std::vector<std::pair<std::string, std::string>>;

// Receives one stored event value; a non-OK status stops the read and is returned by it.
using ValueVisitor = std::function<Status(Position, std::string_view)>;

// Reads are thread-safe. Writes (Commit) come from one thread at a time: the writer.
class Store {
 public:
  // Creates the ledger when `dir` does not hold one (and create_if_missing), else opens it.
  // Unavailable when another process holds the ledger's lock; InvalidArgument when `dir` is a
  // file or a non-empty directory that is not a ledger; NotFound when it does not exist and
  // create_if_missing is false.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& dir() const { return dir_; }
  // A secondary instance: brings in what the primary committed since. Else a no-op.
  Status CatchUpWithPrimary();
  // The random id given to the ledger when it was created (16 bytes).
  Result<std::string> LedgerId();

  // A consistent point to read at: reads given it see the store as it was when it was taken,
  // whatever is committed since. On a secondary instance (which has no snapshots) it is the
  // instance's own view, stable until the next CatchUpWithPrimary. Must not outlive the store.
  class ReadPoint {
   public:
    ~ReadPoint();
    ReadPoint(const ReadPoint&) = delete;
    ReadPoint& operator=(const ReadPoint&) = delete;

   private:
    friend class Store;
    ReadPoint(rocksdb::DB* db, const rocksdb::Snapshot* snapshot) : db_(db), snapshot_(snapshot) {}
    rocksdb::DB* db_;
    const rocksdb::Snapshot* snapshot_;
  };
  std::unique_ptr<ReadPoint> TakeReadPoint();

  // The highest stored position, 0 when empty (at `at`, or now when null).
  Result<Position> LastPosition(const ReadPoint* at = nullptr);
  // The stream's last version, or nullopt when it has no events.
  Result<std::optional<StreamTip>> LastInStream(std::string_view stream);
  // Appends to `out` the positions of `stream`'s versions from `from`, at most `max`.
  Status StreamPositions(std::string_view stream, StreamVersion from, size_t max,
                         std::vector<Position>* out);
  // Visits the events at `positions` (ascending) in that order; Corruption when one is missing.
  Status GetEvents(const std::vector<Position>& positions, const ValueVisitor& visit);
  // Visits the events from `first` to `last` inclusive in position order; Corruption on a gap.
  Status ScanEvents(Position first, Position last, const ValueVisitor& visit);
  // For each id, the position of the event that holds it, or nullopt.
  Status LookupEventIds(const std::vector<EventId>& ids, std::vector<std::optional<Position>>* out);

  // The Merkle tree (ledger/log/internal/merkle.h). The store keeps the leaves (level 0) and the
  // perfect subtrees from level kFirstUpperLevel up; the levels between are hashed from at most
  // 2^(kFirstUpperLevel-1) leaves when needed. That keeps ~1.1 hashes per event on disk.
  static constexpr int kFirstUpperLevel = 4;
  static bool KeepsLevel(int level) { return level == 0 || level >= kFirstUpperLevel; }
  // The hash of the perfect subtree (level, index), stored or hashed from stored leaves;
  // Corruption when a node it needs is missing or malformed.
  Result<Hash256> Subtree(int level, uint64_t index);
  // Visits the stored nodes of `level` from `first_index` in index order until `visit`
  // returns false.
  Status ScanMerkleLevel(int level, uint64_t first_index,
                         const std::function<bool(uint64_t index, std::string_view hash)>& visit);
  // A forward cursor over one family's raw keys and values, for checks that walk several
  // families side by side (the verifier). Views are valid until the next Next().
  enum class Family { kEvents, kStreams, kEventIds, kMerkle };
  class Cursor {
   public:
    virtual ~Cursor() = default;
    virtual bool Valid() const = 0;
    virtual std::string_view key() const = 0;
    virtual std::string_view value() const = 0;
    virtual void Next() = 0;
    // OK, or the read error that ended the walk.
    virtual Status status() const = 0;
  };
  // A cursor at the first key >= `start` (at `at`, or now when null).
  std::unique_ptr<Cursor> OpenCursor(Family family, std::string_view start,
                                     const ReadPoint* at = nullptr);

  // Small records of the meta family (checkpoints and keys): get, and scan by key prefix.
  Result<std::optional<std::string>> GetMeta(std::string_view key, const ReadPoint* at = nullptr);
  Status ScanMeta(std::string_view prefix,
                  const std::function<Status(std::string_view key, std::string_view value)>& visit,
                  const ReadPoint* at = nullptr);
  // Writes `records` atomically and synced.
  Status PutMeta(const std::vector<std::pair<std::string, std::string>>& records);

  // The writes of one group commit. Not thread-safe.
  class Batch {
   public:
    void PutEvent(Position position, std::string_view canonical_bytes);
    void PutStreamEntry(std::string_view stream, StreamVersion version, Position position);
    void PutEventId(const EventId& id, Position position);
    void PutMerkleNode(int level, uint64_t index, const Hash256& hash);
    // Into the vault's table (which must be open: the writer's always is).
    void PutVaultRecord(std::string_view key, std::string_view value);
    // Marks a point to roll back to, discarding what a refused request had added.
    void SetSavePoint() { batch_.SetSavePoint(); }
    void RollbackToSavePoint();
    bool empty() const { return batch_.Count() == 0; }

   private:
    friend class Store;
    explicit Batch(Store* store) : store_(store) {}
    Store* store_;
    rocksdb::WriteBatch batch_;
  };
  Batch NewBatch() { return Batch(this); }
  // Writes the batch atomically; with `sync`, returns only once it is on stable storage.
  Status Commit(Batch& batch, bool sync);

  // One write of TableBatch (ledger/log/tables.h), borrowed from it.
  struct TableWrite {
    enum Kind { kPut, kDelete, kCheckpoint } kind;
    std::string_view table, key, value;  // kCheckpoint: table is the projection's name
  };
  // Tables (ledger/log/tables.h). A table that was not opened reads as empty; writing to it is
  // InvalidArgument.
  Status WriteTables(const std::vector<TableWrite>& writes);
  Result<std::optional<std::string>> GetRow(std::string_view table, std::string_view key);
  // Visits rows with from <= key < to (to empty: to the end) in key order until `visit`
  // returns false.
  Status ScanRows(std::string_view table, std::string_view from, std::string_view to,
                  const std::function<bool(std::string_view, std::string_view)>& visit);
  Status ClearTable(std::string_view table);
  // Writes rows given in strictly ascending key order straight into table files and ingests
  // them (no memtable): the fast path for rebuilding a cleared table.
  Status IngestTable(std::string_view table,
                     const std::function<bool(std::string* key, std::string* value)>& next);
  Result<Position> GetCheckpoint(std::string_view projection);

  // Adds a backup of the whole database (every family, with the write-ahead log it needs, so
  // a point in time) to `backup_dir` (RocksDB BackupEngine). Safe while appends run.
  Status Backup(const std::string& backup_dir);
  // Restores the latest backup in `backup_dir` into `db_dir`, which must not hold a ledger.
  static Status Restore(const std::string& backup_dir, const std::string& db_dir);

  // Flushes memtables and waits until no flush or compaction runs or is pending.
  Status Settle();
  // Flushes memtables to table files and waits for that (not for compactions).
  Status Flush();
  // Compacts every column family down to the last level.
  Status CompactAll();
  // Compacts the tables' families (not the log's) down to the last level, so that deleted
  // rows leave the table files.
  Status CompactTables();
  // Syncs the write-ahead log: every write so far is on stable storage.
  Status SyncWal();

 private:
  Store() = default;
  static Status CreateLedger(const std::string& dir, const StoreOptions& options);
  Status InitializeNewLedger();
  Status CheckFormat();

  std::string dir_;
  spdlog::logger* logger_ = nullptr;
  bool read_only_ = false;
  std::string secondary_dir_;  // the secondary instance's own files, removed on close
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned by db_; destroyed before it
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_ = nullptr;
  rocksdb::ColumnFamilyHandle* event_ids_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* merkle_ = nullptr;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> tables_;
};

// Maps a RocksDB status to ours, prefixing `context` ("reading position 5").
Status FromRocks(const rocksdb::Status& status, std::string_view context);

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_STORE_H_
