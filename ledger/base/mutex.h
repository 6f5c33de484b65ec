// Mutex, MutexLock and CondVar: std::mutex and std::condition_variable with the annotations
// of ledger/base/thread_annotations.h, so that clang checks who holds what (the standard
// library's own types carry none). As in LevelDB's port::Mutex.
//
//   MutexLock lock(&mu_);
//   while (queue_.empty()) arrival_.Wait();
//
// A CondVar is bound to one Mutex and is waited on with that mutex held; Wait releases it while
// blocked and holds it again on return. Waits may wake spuriously: wait in a loop on the
// condition.

#ifndef SECONDMENT_LEDGER_BASE_MUTEX_H_
#define SECONDMENT_LEDGER_BASE_MUTEX_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "ledger/base/thread_annotations.h"

namespace secondment {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `mu` from construction to destruction.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

class CondVar {
 public:
  // `mu` is borrowed and must outlive the condition variable.
  explicit CondVar(Mutex* mu) : mu_(mu) {}
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Blocks until signalled (or spuriously). The mutex must be held.
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // As Wait, giving up at `deadline`: false when it passed without a signal.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    bool signalled = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return signalled;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  Mutex* const mu_;
  std::condition_variable cv_;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_MUTEX_H_
