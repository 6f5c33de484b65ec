// The NATS JetStream relay (DESIGN.md section 7): publishes every committed event, in order,
// as JSON on `<prefix>.<event type>` with the header Nats-Msg-Id = the event id, so that
// JetStream drops a re-sent event, and Secondment-Position / Secondment-Stream headers.
//
// The relay keeps its position as a named consumer ("relay.<stream>", see
// ledger/log/subscription.h) and advances it only over events JetStream has acknowledged, so
// after any crash it resumes right after the last acknowledged event; what it re-sends is
// dropped by JetStream's duplicate window (one hour on a stream the relay creates).

#ifndef SECONDMENT_SERVER_RELAY_H_
#define SECONDMENT_SERVER_RELAY_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ledger/base/mutex.h"
#include "ledger/log/event_log.h"
#include "ledger/log/subscription.h"

namespace secondment::server {

struct RelayOptions {
  std::string nats_url;  // nats://HOST:PORT
  std::string stream = "SECONDMENTS";
  std::string subject_prefix = "secondment";
  // Publishes awaiting JetStream's acknowledgement before the relay waits.
  int64_t max_pending = 4096;
};

// InvalidArgument unless the URL is nats://HOST:PORT, the stream name is 1-64 of
// A-Za-z0-9_- and the prefix is dot-separated tokens of those characters.
Status ValidateRelayOptions(const RelayOptions& options);

// The consumer name the relay's position is kept under.
std::string RelayConsumerName(const RelayOptions& options);

// A running relay: a subscription that publishes asynchronously, and NATS's own threads for
// the acknowledgements. Non-copyable; destroying it stops it.
class Relay {
 public:
  // Connects, creates the stream when missing (subjects "<prefix>.>", file storage, a one-hour
  // duplicate window), and starts after the relay's acknowledged position. `log` and
  // `positions` are borrowed; `poll` (may be empty) is the subscription's (a follower's
  // catch-up). IOError when NATS cannot be reached or the stream cannot be made.
  static Result<std::unique_ptr<Relay>> Start(EventLog& log, ConsumerPositions& positions,
                                              RelayOptions options, std::function<Status()> poll);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Where the relay started: the first position it publishes.
  Position started_at() const;
  // Every event up to this one is acknowledged by JetStream.
  Position acknowledged() const;
  // Records the acknowledged position; the first error the relay met, if any (a refused
  // publish, a read error). Call it now and then; thread-safe.
  Status Checkpoint();
  // True once the relay has stopped on an error.
  bool failed() const;
  // Stops reading, waits (up to 10 s) for the acknowledgements in flight, records the
  // position, and returns the first error met, if any. Idempotent.
  Status Stop();

  // For the acknowledgement callback (a NATS thread): JetStream stored `position`, or refused
  // it with `error`.
  void OnAck(Position position, const Status& error);

 private:
  struct Nats;
  Relay() = default;
  Status Publish(const RecordedEvent& event);
  // Records the acknowledged position if the last record is 200 ms old. Subscription thread.
  void MaybeCheckpoint();

  ConsumerPositions* positions_ = nullptr;
  RelayOptions options_;
  std::unique_ptr<Nats> nats_;
  std::unique_ptr<Subscription> subscription_;
  Position started_at_ = 1;
  mutable Mutex mu_;
  Position acknowledged_ GUARDED_BY(mu_) = 0;
  std::vector<bool> acked_ahead_ GUARDED_BY(mu_);  // acks beyond acknowledged_ + 1
  Status error_ GUARDED_BY(mu_);                   // the first error
  bool stopped_ GUARDED_BY(mu_) = false;
  std::chrono::steady_clock::time_point last_checkpoint_;  // subscription thread only
};

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_RELAY_H_
