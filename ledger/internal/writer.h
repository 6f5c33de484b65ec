// Writer: the single thread that commits every append (group commit).
//
// Callers queue requests and block. The writer takes every queued request (up to a bound),
// checks each against the current stream versions and the event-id index, stamps positions,
// versions, recorded-at and prevHash, canonicalizes, and writes ONE RocksDB batch (synced in
// Durability::kSync) for the whole group; then it publishes the new head and wakes the
// callers. A refused request is rolled out of the batch and does not affect the others.

#ifndef SECONDMENT_LEDGER_INTERNAL_WRITER_H_
#define SECONDMENT_LEDGER_INTERNAL_WRITER_H_

#include <spdlog/logger.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ledger/clock.h"
#include "ledger/event_log.h"
#include "ledger/hash.h"
#include "ledger/internal/store.h"

namespace secondment::internal {

struct WriterOptions {
  bool sync = true;
  const Clock* clock = nullptr;      // borrowed, non-null
  spdlog::logger* logger = nullptr;  // borrowed, non-null
};

class Writer {
 public:
  // `store` is borrowed and must outlive the writer. `head` is the last stored position and
  // `last_recorded_at` its recorded-at time (recorded-at never decreases).
  Writer(Store* store, WriterOptions options, Position head, int64_t last_recorded_at);
  // Stop()s.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Commits `appends` (already validated by EventLog) and blocks until they are durable or
  // refused. Thread-safe.
  Result<AppendResult> Submit(std::vector<StreamAppend>& appends, size_t event_count);

  // The last durable position. Thread-safe.
  Position Head() const { return head_.load(std::memory_order_acquire); }

  // Commits what is queued, then ends the thread; later Submits get Unavailable.
  void Stop();

 private:
  struct Request {
    std::vector<StreamAppend>* appends;
    size_t event_count;
    std::optional<Result<AppendResult>> result;
  };
  struct Tip {
    StreamVersion version;
    Position position;
    Hash256 leaf_hash;
  };
  using TipMap = std::unordered_map<std::string, Tip>;

  void Run();
  // Decides and commits `group`; requests that must wait for the next group go to `deferred`.
  void CommitGroup(const std::vector<Request*>& group, std::vector<Request*>* deferred);
  // Stamps and stages one fresh request into `batch`; `next` and `staged` advance only on OK.
  Status Stage(Request& request, Store::Batch& batch, int64_t recorded_at, Position* next,
               TipMap* staged, std::vector<Position>* positions);
  // Answers a request all of whose ids are stored: the original positions, or Conflict.
  Result<AppendResult> AnswerRetry(const Request& request,
                                   const std::vector<Position>& stored_positions);
  // The stream's tip as staged in this group, cached, or stored; nullopt for a new stream.
  Result<std::optional<Tip>> FindTip(const std::string& stream, const TipMap& staged);

  Store* const store_;
  const WriterOptions options_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for requests
  std::condition_variable done_cv_;  // callers wait for their result
  std::deque<Request*> queue_;       // guarded by mu_
  bool stopping_ = false;            // guarded by mu_

  std::atomic<Position> head_;
  // Only the writer thread touches these.
  int64_t last_recorded_at_;
  TipMap tips_;

  std::thread thread_;
};

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_INTERNAL_WRITER_H_
