// Subscriptions: every committed event from a position on, in order, first from history and
// then live, with no gap and no duplicate at the hand-over (DESIGN.md section 7).
//
//   SubscriptionOptions options;
//   options.from = 1;
//   options.types = {"started", "returned"};
//   auto sub = Subscription::Start(*log, options, [&](const RecordedEvent& e) {
//     payroll.Apply(e);
//     return Status::Ok();
//   });
//   ...
//   (*sub)->Stop();
//
// Delivery is driven by positions, not by a feed from the writer: the subscription's thread
// reads the log from its next position up to the head, hands each matching event to the
// handler, and when it has caught up waits for the head to move. Live events are read back
// from RocksDB's memtable and block cache right after their commit. There is no buffer that a
// slow subscriber could fill: it simply reads further behind, as a catch-up reader, and never
// slows a writer. Because the next position only ever advances by one after a delivery (or a
// filtered-out event), nothing is skipped or repeated at the hand-over from history to live.
//
// Named durable consumers: ConsumerPositions keeps the last acknowledged position of each
// named consumer in the ledger directory, so that a consumer restarted after any crash starts
// right after its last acknowledgement (at-least-once: what was delivered but not yet
// acknowledged is delivered again).

#ifndef SECONDMENT_LEDGER_LOG_SUBSCRIPTION_H_
#define SECONDMENT_LEDGER_LOG_SUBSCRIPTION_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ledger/base/mutex.h"
#include "ledger/log/event_log.h"

namespace secondment {

struct SubscriptionOptions {
  Position from = 1;  // the first position to deliver (>= 1)
  // Only events of these types (schema names, e.g. "approvalGranted"); empty: every type.
  std::vector<std::string> types;
  // Only events of streams whose id starts with this; empty: every stream.
  std::string stream_prefix;
  // Events read from the log per step.
  size_t batch = 1024;
  // How long to wait for the head to move before looking again. The log is woken by its own
  // appends at once; this bounds the delay when another process appends (a secondary reader
  // that must catch up with the primary first, see `poll`).
  std::chrono::milliseconds idle_wait{100};
  // Called before each look at the head once caught up, e.g. to catch a secondary instance up
  // with its primary. May be empty.
  std::function<Status()> poll;
};

// InvalidArgument unless every type names an event of the schema and `from` >= 1.
Status ValidateSubscriptionOptions(const SubscriptionOptions& options);

// Receives each delivered event in position order, on the subscription's thread. A non-OK
// status ends the subscription with that status.
using EventHandler = std::function<Status(const RecordedEvent&)>;

// A running subscription: one thread. Non-copyable; destroying it stops it.
class Subscription {
 public:
  // Starts delivering from options.from. `log` is borrowed and must outlive the subscription.
  // InvalidArgument for bad options.
  static Result<std::unique_ptr<Subscription>> Start(EventLog& log, SubscriptionOptions options,
                                                     EventHandler handler);
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Asks the thread to stop and waits for it. The handler is not called after Stop returns.
  // Thread-safe; idempotent.
  void Stop();
  // Blocks until the subscription ends: OK after Stop, else the status that ended it (the
  // handler's, or a read error such as Corruption).
  Status Wait();
  // True once the subscription has ended (Wait returns at once). Thread-safe.
  bool finished() const;
  // The next position the subscription will look at: everything before it was delivered or
  // filtered out.
  Position next() const { return next_.load(std::memory_order_acquire); }

 private:
  Subscription(EventLog& log, SubscriptionOptions options, EventHandler handler);
  void Run();
  bool Matches(const RecordedEvent& event) const;

  EventLog& log_;
  const SubscriptionOptions options_;
  const EventHandler handler_;
  std::atomic<Position> next_;
  std::atomic<bool> stopping_{false};
  mutable Mutex mu_;
  CondVar done_cv_{&mu_};
  bool done_ GUARDED_BY(mu_) = false;
  Status result_ GUARDED_BY(mu_);
  Mutex join_mu_;  // one Stop joins
  std::thread thread_ GUARDED_BY(join_mu_);
};

// The acknowledged positions of named durable consumers, kept in `<ledger dir>/consumers/`,
// one small file per consumer, replaced on each Acknowledge by a new file (written, fsync'ed,
// renamed over it) under an advisory lock (`<name>.lock`), so that positions never go back
// even with several processes. They live beside RocksDB's files rather than in it so that a reader
// that does not hold the ledger's lock (a follower in another process) can keep one. Thread-safe.
class ConsumerPositions {
 public:
  explicit ConsumerPositions(std::string ledger_dir) : dir_(std::move(ledger_dir)) {}

  // OK when `name` is 1 to 64 of A-Z a-z 0-9 . _ - (InvalidArgument otherwise).
  static Status ValidateName(std::string_view name);
  // The last acknowledged position of `name`, 0 when it never acknowledged; Corruption when
  // its file is damaged.
  Result<Position> Get(std::string_view name) const;
  // Records that `name` has processed every event up to `position`. Positions never go back:
  // an older one than recorded is ignored.
  Status Acknowledge(std::string_view name, Position position);

 private:
  std::string PathOf(std::string_view name) const;
  Result<Position> ReadLocked(std::string_view name) const REQUIRES(mu_);
  const std::string dir_;
  mutable Mutex mu_;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_SUBSCRIPTION_H_
