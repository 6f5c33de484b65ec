// Writer: commits every append, one group at a time (group commit).
//
// Callers queue requests. Whichever caller finds no commit under way becomes the leader: it
// takes every queued request (up to a bound), checks each against the current stream versions
// and the event-id index, stamps positions, versions, recorded-at and prevHash, canonicalizes,
// and writes ONE RocksDB batch (synced in Durability::kSync) for the whole group; then it
// publishes the new head and wakes the others. The others wait; those whose request is not yet
// done take the next turn. So there is exactly one writer at a time, and a lone caller commits
// on its own thread with no hand-off. A refused request is rolled out of the batch and does
// not affect the others.
//
// Gathering: writers released by one commit come back with their next append a few
// microseconds later. A new leader that finds fewer requests queued than the last group had
// waits up to kGatherMicros for them, so that they share one sync instead of alternating
// between small groups. A lone writer (last group of one) never waits.

#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_WRITER_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_WRITER_H_

#include <spdlog/logger.h>

#include <atomic>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/base/clock.h"
#include "ledger/base/hash.h"
#include "ledger/base/mutex.h"
#include "ledger/event/append.h"
#include "ledger/log/internal/merkle.h"
#include "ledger/log/internal/store.h"

namespace secondment {
struct LogStats;  // ledger/log/stats.h
}  // namespace secondment

namespace secondment::internal {

struct WriterOptions {
  bool sync = true;
  // Called on the committing thread after each commit has published its new head. May be
  // empty; must be cheap and must not append.
  std::function<void()> on_commit;
  LogStats* stats = nullptr;         // borrowed; may be null
  const Clock* clock = nullptr;      // borrowed, non-null
  spdlog::logger* logger = nullptr;  // borrowed, non-null
};

class Writer {
 public:
  // `store` is borrowed and must outlive the writer. `tree` is the Merkle tree of the stored
  // events (its size is the last stored position) and `last_recorded_at` the recorded-at time
  // of the last event (recorded-at never decreases).
  Writer(Store* store, WriterOptions options, MerkleFrontier tree, int64_t last_recorded_at);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Commits `appends` (already validated by EventLog) and blocks until they are durable or
  // refused. With `expected_head`, they are committed only if they come right after that
  // position (Conflict otherwise). Thread-safe. Must not be called once the writer is being
  // destroyed.
  // `vault_records` (the keys of data subjects its events are the first to seal under,
  // vault.h) go into the same batch, so an event is never durable without its key.
  Result<AppendResult> Submit(std::vector<StreamAppend>& appends, size_t event_count,
                              std::optional<Position> expected_head = std::nullopt,
                              const VaultRecords* vault_records = nullptr);

  // The last durable position. Thread-safe.
  Position Head() const { return head_.load(std::memory_order_acquire); }

  // Waits for the appends under way; later Submits get Unavailable.
  void Stop();

 private:
  // What a waiting request is told: it is done (result set), or it is its turn to lead.
  enum Signal : int { kWait = 0, kDone = 1, kLead = 2 };
  struct Request {
    std::vector<StreamAppend>* appends;
    size_t event_count;
    std::optional<Position> expected_head;
    const VaultRecords* vault_records;
    std::optional<Result<AppendResult>> result;  // written by the leader before kDone
    std::atomic<int> signal{kWait};              // waited on without mu_
  };
  struct Tip {
    StreamVersion version;
    Position position;
    Hash256 leaf_hash;
  };
  using TipMap = std::unordered_map<std::string, Tip>;

  // Leads groups until `own` is done. Called with mu_ held; lets go of it while a group
  // commits, and returns without it.
  void Lead(Request& own) RELEASE(mu_);
  // Takes the next group off the queue.
  std::vector<Request*> TakeGroup() REQUIRES(mu_);
  // Decides and commits `group`; requests that must wait for the next group go to `deferred`.
  void CommitGroup(const std::vector<Request*>& group, std::vector<Request*>* deferred);
  // Stamps and stages one fresh request into `batch`, with its leaves and completed subtrees
  // of `tree`; `next` and `staged` advance only on OK (`tree` is the caller's to restore).
  Status Stage(Request& request, Store::Batch& batch, int64_t recorded_at, Position* next,
               TipMap* staged, MerkleFrontier* tree, std::vector<Position>* positions);
  // Answers a request all of whose ids are stored: the original positions, or Conflict.
  Result<AppendResult> AnswerRetry(const Request& request,
                                   const std::vector<Position>& stored_positions);
  // The stream's tip as staged in this group, cached, or stored; nullopt for a new stream.
  Result<std::optional<Tip>> FindTip(const std::string& stream, const TipMap& staged);

  Store* const store_;
  const WriterOptions options_;

  Mutex mu_;
  CondVar idle_cv_{&mu_};     // no leader and nothing queued (Stop waits for it)
  CondVar arrival_cv_{&mu_};  // a request was queued (a gathering leader waits)
  std::deque<Request*> queue_ GUARDED_BY(mu_);
  bool leading_ GUARDED_BY(mu_) = false;        // some request holds the leader's turn
  size_t last_group_size_ GUARDED_BY(mu_) = 1;  // requests in the last group
  bool stopping_ GUARDED_BY(mu_) = false;

  std::atomic<Position> head_;
  // Only the current leader touches these.
  int64_t last_recorded_at_;
  MerkleFrontier tree_;  // of the committed events
  TipMap tips_;
};

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_WRITER_H_
