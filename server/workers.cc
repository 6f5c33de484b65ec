#include "server/workers.h"

#include <algorithm>
#include <optional>

namespace secondment::server {

Workers::Workers(size_t threads) {
  threads_.reserve(std::max<size_t>(threads, 1));
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i)
    threads_.emplace_back([this] { Loop(); });
}

Workers::~Workers() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  ready_.SignalAll();
  for (std::thread& thread : threads_) thread.join();
}

void Workers::Post(kj::Function<void()> task) {
  {
    MutexLock lock(&mu_);
    queue_.push_back(kj::mv(task));
  }
  ready_.Signal();
}

void Workers::WaitIdle() {
  MutexLock lock(&mu_);
  while (running_ > 0 || !queue_.empty()) idle_.Wait();
}

void Workers::Loop() {
  for (;;) {
    std::optional<kj::Function<void()>> task;
    {
      MutexLock lock(&mu_);
      while (queue_.empty() && !stopping_) ready_.Wait();
      if (queue_.empty()) return;
      task.emplace(kj::mv(queue_.front()));
      queue_.pop_front();
      ++running_;
    }
    (*task)();
    task.reset();  // (what it holds goes on this thread, before it counts as done)
    MutexLock lock(&mu_);
    if (--running_ == 0 && queue_.empty()) idle_.SignalAll();
  }
}

}  // namespace secondment::server
