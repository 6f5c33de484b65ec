// Worker threads for the RPC server: what may block (a command waiting for its fsync, a token
// file read) runs on them, so that the event loop goes on serving other sessions and feeds.
//
// A call reads its parameters on the loop, hands a closure to Run, and writes its results on
// the loop once the returned promise resolves. The closure must not touch Cap'n Proto readers
// or builders (they belong to the loop's thread): it takes plain C++ values and returns one.

#ifndef SECONDMENT_SERVER_WORKERS_H_
#define SECONDMENT_SERVER_WORKERS_H_

#include <kj/async.h>
#include <kj/function.h>

#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "ledger/base/mutex.h"
#include "ledger/base/thread_annotations.h"

namespace secondment::server {

class Workers {
 public:
  // Starts `threads` (at least 1) worker threads.
  explicit Workers(size_t threads);
  // Joins the threads once the queue is empty (what is queued for a promise already dropped
  // returns at once). Drop the promises first: their loop may be gone.
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Runs `work` on a worker thread. The promise belongs to the calling thread's event loop and
  // resolves there with what `work` returned, or fails with what it threw. Dropping the promise
  // before `work` starts means it never runs; once started, it finishes and its result is
  // discarded.
  template <typename T>
  kj::Promise<T> Run(kj::Function<T()> work) {
    // The result is handed over under a mutex of ours, not inside kj's cross-thread promise
    // (which only wakes the loop): what the worker built is then visibly the loop's, to
    // ThreadSanitizer too (Debian's kj is built without it).
    auto slot = std::make_shared<Slot<T>>();
    auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
    Post([work = kj::mv(work), slot, fulfiller = kj::mv(paf.fulfiller)]() mutable {
      // Nobody waits any more (the client went, or the server is stopping): drop it unrun.
      if (!fulfiller->isWaiting()) return;
      std::optional<T> value;
      std::optional<kj::Exception> error;
      KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] { value.emplace(work()); })) {
        error.emplace(kj::mv(*exception));
      }
      {
        MutexLock lock(&slot->mu);
        if (value) slot->value.emplace(std::move(*value));
        if (error) slot->error.emplace(kj::mv(*error));
      }
      fulfiller->fulfill();
    });
    return paf.promise.then([slot]() -> T {
      MutexLock lock(&slot->mu);
      if (slot->error) kj::throwFatalException(kj::mv(*slot->error));
      return std::move(*slot->value);
    });
  }

  size_t size() const { return threads_.size(); }

  // Blocks until nothing is queued or running.
  void WaitIdle();

 private:
  template <typename T>
  struct Slot {
    Mutex mu;
    std::optional<T> value GUARDED_BY(mu);
    std::optional<kj::Exception> error GUARDED_BY(mu);
  };

  void Post(kj::Function<void()> task);
  void Loop();

  Mutex mu_;
  CondVar ready_{&mu_};
  CondVar idle_{&mu_};
  std::deque<kj::Function<void()>> queue_ GUARDED_BY(mu_);
  size_t running_ GUARDED_BY(mu_) = 0;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_WORKERS_H_
