// EventLog: the append-only, durable log of every lifecycle event, on RocksDB.
//
//   auto log = EventLog::Open("/var/lib/secondment", Options{});
//   NewEvent e(EventId::Random());
//   e.Mutable().getPayload().initWithdrawn().setReason("role filled internally");
//   auto result = (*log)->Append("secondment-SEC-000001", ExpectedVersion::Exactly(3),
//                                std::move(events));
//
// Durability: with Durability::kSync (the default) an Append returns OK only after the
// RocksDB write batch holding its events has been fsync'ed (fdatasync of the WAL): it survives
// kill -9 and power loss. Appends from many threads share one synced batch (group commit).
// Durability::kNoSync exists for bulk import and benchmarks only: an acknowledged append can
// then be lost on power loss (not on a process crash).
//
// Positions are dense from 1 in commit order; a stream's versions are dense from 0. A reader
// never sees a position before it is durable, and never sees a gap.
//
// Thread safety: every method may be called from any thread concurrently.

#ifndef SECONDMENT_LEDGER_LOG_EVENT_LOG_H_
#define SECONDMENT_LEDGER_LOG_EVENT_LOG_H_

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/clock.h"
#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/event/event.h"
#include "ledger/integrity/checkpoint.h"
#include "ledger/log/tables.h"

namespace secondment {

// The limits of one Append; beyond them it is refused with InvalidArgument.
inline constexpr size_t kMaxStreamIdSize = 128;
inline constexpr size_t kMaxEventBytes = 64 * 1024;  // canonical encoding, envelope included
inline constexpr size_t kMaxEventsPerAppend = 1000;  // over all streams of the call

enum class Durability {
  kSync,    // acknowledged appends are on stable storage
  kNoSync,  // bulk import and benchmarks only: acknowledged appends may be lost on power loss
};

struct Options {
  bool create_if_missing = true;
  // Opens without the writer's lock, seeing the ledger as it was when opened; Append is
  // refused with Unavailable.
  bool read_only = false;
  // With read_only: follow a writer in another process (a RocksDB secondary instance):
  // CatchUpWithPrimary() brings in what it committed since.
  bool follow_primary = false;
  Durability durability = Durability::kSync;
  // Where recorded-at times come from; borrowed, must outlive the log. Null: the system clock.
  const Clock* clock = nullptr;
  // Where the log reports its lifecycle (info) and per-batch detail (debug). Null: silent.
  std::shared_ptr<spdlog::logger> logger;
  // RocksDB's cache of uncompressed blocks, filled as blocks are read (nothing is allocated
  // up front). 512 MiB holds about 1.3 million events with their indexes.
  size_t block_cache_bytes = 512 << 20;
  // The projection tables to open (ledger/tables.h); created when missing unless read-only.
  std::vector<std::string> tables;
};

// What the stream must look like for an append to it to go ahead.
class ExpectedVersion {
 public:
  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  static ExpectedVersion NoStream() { return ExpectedVersion(Kind::kNoStream, 0); }
  // The stream exists and its last event has this version.
  static ExpectedVersion Exactly(StreamVersion version) {
    return ExpectedVersion(Kind::kExact, version);
  }

  bool IsAny() const { return kind_ == Kind::kAny; }
  bool IsNoStream() const { return kind_ == Kind::kNoStream; }
  std::optional<StreamVersion> exact() const {
    return kind_ == Kind::kExact ? std::optional(version_) : std::nullopt;
  }
  // "any", "no stream", "version 4".
  std::string ToString() const;

 private:
  enum class Kind { kAny, kNoStream, kExact };
  ExpectedVersion(Kind kind, StreamVersion version) : kind_(kind), version_(version) {}
  Kind kind_;
  StreamVersion version_;
};

// The events one Append adds to one stream.
struct StreamAppend {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
};

struct AppendResult {
  // The position of each event, in the order given (streams in call order, then events).
  std::vector<Position> positions;
  // True when every event id was already stored with the same content: nothing was written
  // and `positions` are those of the original append.
  bool duplicate = false;
};

// Where one stream stands.
struct StreamState {
  StreamVersion version = 0;  // of its last event
  Position position = 0;      // of its last event
};

// The Merkle tree over events 1..size (ledger/merkle.h).
struct TreeHead {
  uint64_t size = 0;
  Hash256 root{};
};

// What EventLog::Verify checked.
struct VerifyReport {
  uint64_t events = 0;     // positions 1..events
  Hash256 root{};          // of the tree over them
  size_t streams = 0;      // hash chains followed
  size_t checkpoints = 0;  // stored checkpoints whose signature and root matched
};

class EventLog {
 public:
  // Creates or opens the ledger in `dir`.
  // Unavailable "ledger at DIR is locked by another process" when another process has it open
  // for writing; InvalidArgument when `dir` is a file, or a non-empty directory holding no
  // ledger; NotFound when it holds none and create_if_missing is false (or read_only);
  // IOError or Corruption when RocksDB cannot open it.
  static Result<std::unique_ptr<EventLog>> Open(const std::string& dir, const Options& options);

  // Waits for appends in flight, then closes. Appends that arrive later get Unavailable.
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends `events` to `stream` atomically if the stream matches `expected`.
  // Returns the events' positions once durable, or:
  //   InvalidArgument: bad stream id, nil or repeated event id, no events, more than 1,000
  //                    events, an event over 64 KiB;
  //   Conflict: the stream does not match `expected`, or an event id is already stored with
  //             other content or beside ids that are not;
  //   IOError: the write failed (nothing was written);
  //   Unavailable: the log is closing or read-only.
  // An append whose ids are all stored with the same content is an idempotent retry: OK,
  // `duplicate`, the original positions, nothing written, `expected` not checked.
  Result<AppendResult> Append(std::string_view stream, ExpectedVersion expected,
                              std::vector<NewEvent> events);

  // Appends to several streams atomically: every part must match its own expected version,
  // else nothing is written. Parts are applied in order; a stream may appear in more than
  // one part, and each part's expected version is checked against the stream as the earlier
  // parts of the call left it. Errors as above.
  Result<AppendResult> Append(std::vector<StreamAppend> appends);

  // At most `max` events of `stream` from version `from`, in version order.
  // NotFound when the stream has no events; empty when `from` is past its end.
  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, StreamVersion from,
                                                size_t max);

  // At most `max` events from position `from` (>= 1), in position order, up to Head().
  // (ReadStream and ReadAll on a follower, see Options::follow_primary, catch up and read again
  // for up to a second when an event is briefly out of view before reporting Corruption.)
  Result<std::vector<RecordedEvent>> ReadAll(Position from, size_t max);

  // Visits the events from `from` to min(`to`, Head()) in position order, without copying:
  // the fast path for replay and projections. The view is valid during the call only. A
  // non-OK status from `visit` stops the scan and is returned. Corruption names the first
  // position that does not decode; the event is read through a bounds-checked reader, so a
  // malformed pointer is found when `visit` reads it (see VisitStoredEvent in ledger/event.h).
  Status Scan(Position from, Position to, const std::function<Status(const EventView&)>& visit);

  // The last durable position, 0 when the log is empty.
  Position Head() const;

  // Blocks until Head() > `position`, `max_wait` passes, or WakeWaiters() is called; returns
  // whether the head is past `position`. A read-only log's head moves only through
  // CatchUpWithPrimary(). Thread-safe.
  bool WaitForHead(Position position, std::chrono::milliseconds max_wait);
  // Wakes every WaitForHead (to let a stopping subscription go).
  void WakeWaiters();
  // Opened with follow_primary: brings in what the writing process committed since, and moves
  // Head(). Otherwise a no-op.
  Status CatchUpWithPrimary();

  // Where `stream` stands, or nullopt when it has no events.
  Result<std::optional<StreamState>> GetStreamState(std::string_view stream);

  // Projection tables (ledger/tables.h). Writes are atomic, not synced; Unavailable when
  // read-only, InvalidArgument for a table not in Options::tables. Reads of a table that was
  // not opened find nothing.
  Status WriteTables(const TableBatch& batch);
  Result<std::optional<std::string>> GetRow(std::string_view table, std::string_view key);
  // Rows with from <= key < to (to empty: to the end), in key order, until `visit` returns
  // false.
  Status ScanRows(std::string_view table, std::string_view from, std::string_view to,
                  const std::function<bool(std::string_view key, std::string_view value)>& visit);
  // Deletes every row of `table` (for rebuilds).
  Status ClearTable(std::string_view table);
  // Adds rows given by `next` in strictly ascending key order (a bug otherwise: IOError),
  // written straight into table files and ingested: the fast path for refilling a cleared
  // table. `next` returns false when there are no more rows.
  Status IngestTable(std::string_view table,
                     const std::function<bool(std::string* key, std::string* value)>& next);
  // The last position projection `name` has applied (0: none).
  Result<Position> GetCheckpoint(std::string_view name);

  // Integrity (DESIGN.md section 5, docs/audit.md). Every event is a leaf of an RFC 6962
  // Merkle tree whose nodes are stored in the same batch as the event, so these read a
  // consistent tree up to Head().

  // The random id given to this ledger when it was created: 32 lowercase hex digits.
  Result<std::string> LedgerId();
  // The tree over positions 1..Head().
  Result<TreeHead> GetTreeHead();
  // The root of the tree over positions 1..size; InvalidArgument when size > Head().
  Result<Hash256> RootAt(uint64_t size);
  // The audit path of the event at `position` in the tree of `tree_size` events (RFC 6962).
  // InvalidArgument unless 1 <= position <= tree_size <= Head().
  Result<std::vector<Hash256>> InclusionProof(Position position, uint64_t tree_size);
  // The proof that the tree of `new_size` events extends the tree of `old_size` events.
  // InvalidArgument unless 1 <= old_size <= new_size <= Head().
  Result<std::vector<Hash256>> ConsistencyProof(uint64_t old_size, uint64_t new_size);

  // The leaf hashes recorded at append for positions first..last, appended to `out`.
  // InvalidArgument unless 1 <= first <= last <= Head(); Corruption when one is missing.
  Status ScanLeaves(Position first, Position last, std::vector<Hash256>* out);

  // Recomputes every leaf from the stored bytes and checks the Merkle tree, every stream's
  // hash chain, position density, the id and stream indexes, and every stored checkpoint
  // (signature, and root against the log). Corruption "position P: what is wrong" for the
  // first bad position P, or naming the checkpoint or index entry when no position is at
  // fault; IOError when reading fails. `progress` (may be empty) is called now and then with
  // (positions checked, last position). Does not block appends.
  Result<VerifyReport> Verify(const std::function<void(uint64_t, uint64_t)>& progress = {});

  // Signs the current tree (size Head(), its root, the ledger clock's time) with `key`,
  // stores the checkpoint durably and returns it. RuleViolation when the last stored
  // checkpoint has a larger size or a later time: checkpoints never go back. Unavailable
  // when read-only. Thread-safe; checkpoints are serialised.
  Result<SignedCheckpoint> MakeCheckpoint(const SigningKey& key);
  // Stores a checkpoint signed elsewhere (the key never comes here): OK when `key` signed it,
  // it names this ledger, and this log's root at its size is the one it signed; then as
  // MakeCheckpoint. InvalidArgument for another ledger, size or root; Corruption for a bad
  // signature; RuleViolation when it would go back.
  Status StoreCheckpoint(const SignedCheckpoint& signed_checkpoint, const PublicKey& key);
  // The stored checkpoints, oldest first.
  Result<std::vector<SignedCheckpoint>> Checkpoints();
  // The public keys of the stored checkpoints, one per key id, in first-use order.
  Result<std::vector<PublicKey>> CheckpointKeys();

  // Backups (docs/operations.md). Backup adds a consistent point-in-time copy of the whole
  // ledger (events, indexes, tree, checkpoints, projections, and the named consumers'
  // positions) to `backup_dir`, created when missing; safe while appends run; IOError when a
  // file cannot be written. Unavailable when read-only.
  Status Backup(const std::string& backup_dir);
  // Restores the latest backup in `backup_dir` as a new ledger in `dir`, which must not exist
  // or be empty (InvalidArgument: restoring over a ledger is refused). NotFound when
  // `backup_dir` holds no backup.
  static Status Restore(const std::string& backup_dir, const std::string& dir);

  // Flushes memtables and waits for background compaction to finish (a quiet store).
  Status Settle();
  // Compacts every column family to its last level (for measuring bytes on disk).
  Status CompactAll();

  const std::string& dir() const;

 private:
  class Impl;
  explicit EventLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// OK when `stream` is 1 to 128 printable ASCII characters (0x20..0x7E, space included); else
// InvalidArgument saying what is wrong.
Status ValidateStreamId(std::string_view stream);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_EVENT_LOG_H_
