// LogCore: one open ledger, behind EventLog and the log's other interfaces (tables, proofs,
// checkpoints, verification, maintenance). It owns the store and the writer and knows the
// head; each interface borrows it through CoreOf(EventLog&).

#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_CORE_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_CORE_H_

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/clock.h"
#include "ledger/base/mutex.h"
#include "ledger/base/status.h"
#include "ledger/event/append.h"
#include "ledger/event/event.h"
#include "ledger/log/internal/merkle.h"
#include "ledger/log/internal/store.h"
#include "ledger/log/internal/vault.h"
#include "ledger/log/internal/writer.h"

namespace secondment {
class EventLog;
}  // namespace secondment

namespace secondment::internal {

// EventLog's Options, as the core takes them.
struct CoreOptions {
  bool create_if_missing = true;
  bool read_only = false;
  bool follow_primary = false;             // with read_only: a secondary instance
  bool sync = true;                        // acknowledged appends are on stable storage
  const Clock* clock = nullptr;            // borrowed; null: the system clock
  std::shared_ptr<spdlog::logger> logger;  // null: silent
  size_t block_cache_bytes = 512 << 20;
  std::vector<std::string> tables;
  LogStats* stats = nullptr;  // borrowed; the writer counts its commits there when set
};

// Where one stream stands, as LastInStream finds it within the head.
struct StreamTipView {
  StreamVersion version = 0;
  Position position = 0;
};

// Thread-safe.
class LogCore {
 public:
  // Errors as EventLog::Open.
  static Result<std::unique_ptr<LogCore>> Open(const std::string& dir, CoreOptions options);
  // Waits for appends in flight, then closes the store.
  ~LogCore();
  LogCore(const LogCore&) = delete;
  LogCore& operator=(const LogCore&) = delete;

  // The operations of EventLog, with its contracts.
  // With `head`: an import (EventLog::AppendAfter), unbounded, committed only right after it.
  Result<AppendResult> Append(std::vector<StreamAppend>& appends,
                              std::optional<Position> head = std::nullopt);
  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, StreamVersion from,
                                                size_t max, Reading reading);
  Result<std::vector<RecordedEvent>> ReadAll(Position from, size_t max, Reading reading);
  Status Scan(Position from, Position to, const std::function<Status(const EventView&)>& visit);
  Position Head() const;
  bool WaitForHead(Position position, std::chrono::milliseconds max_wait);
  void WakeWaiters();
  Status CatchUpWithPrimary();
  Result<std::optional<StreamTipView>> LastInStream(std::string_view stream);

  // What the other interfaces share.
  Store& store() { return *store_; }
  // The data subjects' keys (ledger/log/internal/vault.h).
  Vault& vault() { return *vault_; }
  // The stored Merkle tree, for ledger/log/internal/merkle.h.
  SubtreeSource Tree();
  // 32 lowercase hex digits.
  Result<std::string> LedgerId();
  // InvalidArgument unless 1 <= first <= second <= Head(); `what` names the request.
  Status CheckSizes(uint64_t first, uint64_t second, std::string_view what);
  // Unavailable naming the directory when the ledger is open read-only.
  Status RequireWritable(std::string_view what) const;
  const Clock& clock() const { return *clock_; }
  spdlog::logger& logger() const { return *options_.logger; }
  const std::string& dir() const { return dir_; }
  // Held while a checkpoint is made or stored, so that checkpoints are serialised.
  Mutex& checkpoint_mutex() { return checkpoint_mu_; }

 private:
  LogCore(std::string dir, CoreOptions options);
  Status Open();
  void NotifyHead();
  // A follower's read, caught up and retried for up to a second while the event it needs is
  // briefly out of view (see event_log.cc).
  template <typename Read>
  auto FollowerRead(const Read& read) -> decltype(read());
  Result<std::vector<RecordedEvent>> ReadStreamOnce(std::string_view stream, StreamVersion from,
                                                    size_t max, Reading reading);
  Result<std::vector<RecordedEvent>> ReadAllOnce(Position from, size_t max, Reading reading);
  // `stored` with its sealed fields opened, if it has any (Vault::Open).
  Result<RecordedEvent> OpenRecorded(RecordedEvent stored);

  const std::string dir_;
  CoreOptions options_;
  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<Writer> writer_;  // null when read-only
  std::atomic<Position> read_only_head_{0};
  Mutex checkpoint_mu_;
  Mutex head_mu_;
  CondVar head_cv_{&head_mu_};
  uint64_t wake_epoch_ GUARDED_BY(head_mu_) = 0;
};

// The core of an open EventLog (defined in event_log.cc).
LogCore& CoreOf(EventLog& log);

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_CORE_H_
