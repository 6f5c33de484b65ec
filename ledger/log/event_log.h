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
//
// EventLog keeps to the log itself. The ledger's other concerns are interfaces over an open
// EventLog, each in its own header:
//   ledger/log/tables.h       Tables: the read models' rows and checkpoints
//   ledger/log/proofs.h       LogProofs: the Merkle tree, its roots and proofs, the ledger id
//   ledger/log/checkpoints.h  LogCheckpoints: signed checkpoints, made and stored
//   ledger/log/verify.h       VerifyLog: recomputes and checks everything
//   ledger/log/maintenance.h  backup, restore, settle and compact

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
#include "ledger/base/status.h"
#include "ledger/event/append.h"
#include "ledger/event/event.h"
#include "ledger/log/stats.h"

namespace secondment {

class EventLog;
namespace internal {
class LogCore;
LogCore& CoreOf(EventLog& log);
}  // namespace internal

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
  // The projection tables to open (ledger/log/tables.h); created when missing unless read-only.
  std::vector<std::string> tables;
};

// Where one stream stands.
struct StreamState {
  StreamVersion version = 0;  // of its last event
  Position position = 0;      // of its last event
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

  // Appends an import (service/import.h): as Append(appends), with no bound on the number of
  // events, and only when they come right after position `head` (Conflict "the log has moved
  // on from position H" otherwise), so that the caller may decide what the events say knowing
  // the positions they get. All of it lands in one batch with one sync, or none of it: a crash
  // at any moment leaves the log without any of it or with all of it. The events are held in
  // memory until then (about twice their encoded size).
  Result<AppendResult> AppendAfter(Position head, std::vector<StreamAppend> appends);

  // At most `max` events of `stream` from version `from`, in version order.
  // NotFound when the stream has no events; empty when `from` is past its end.
  // Events come opened (see Reading in ledger/event/event.h) unless `reading` says kStored.
  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, StreamVersion from,
                                                size_t max, Reading reading = Reading::kOpened);

  // At most `max` events from position `from` (>= 1), in position order, up to Head().
  // (ReadStream and ReadAll on a follower, see Options::follow_primary, catch up and read again
  // for up to a second when an event is briefly out of view before reporting Corruption.)
  Result<std::vector<RecordedEvent>> ReadAll(Position from, size_t max,
                                             Reading reading = Reading::kOpened);

  // Visits the events from `from` to min(`to`, Head()) in position order, opened, without
  // copying those that hold no sealed field:
  // the fast path for replay and projections. The view is valid during the call only. A
  // non-OK status from `visit` stops the scan and is returned. Corruption names the first
  // position that does not decode; the event is read through a bounds-checked reader, so a
  // malformed pointer is found when `visit` reads it (see VisitStoredEvent in
  // ledger/event/event.h).
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

  // The position of the event with id `id`, or nullopt when no event has it (how a retried
  // write finds what its first attempt appended).
  Result<std::optional<Position>> FindEvent(const EventId& id);

  // The directory it was opened from.
  const std::string& dir() const;
  // What its writer has done since it opened (all zero when read-only).
  const LogStats& stats() const;

 private:
  friend internal::LogCore& internal::CoreOf(EventLog& log);
  explicit EventLog(std::unique_ptr<LogStats> stats);
  std::unique_ptr<LogStats> stats_;  // before core_: the writer counts into it until it stops
  std::unique_ptr<internal::LogCore> core_;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_EVENT_LOG_H_
