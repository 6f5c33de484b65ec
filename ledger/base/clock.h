// Clock: where the ledger's recorded-at times come from. Injected through Options so that
// tests can use a FakeClock; the caller of Append never supplies the time.

#ifndef SECONDMENT_LEDGER_BASE_CLOCK_H_
#define SECONDMENT_LEDGER_BASE_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace secondment {

// Thread-safe: NowMicros() may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // UTC microseconds since 1970-01-01T00:00:00Z.
  virtual int64_t NowMicros() const = 0;
};

// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_micros) : now_micros_(now_micros) {}
  int64_t NowMicros() const override { return now_micros_.load(std::memory_order_relaxed); }
  void Set(int64_t now_micros) { now_micros_.store(now_micros, std::memory_order_relaxed); }
  void Advance(int64_t micros) { now_micros_.fetch_add(micros, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_micros_;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_CLOCK_H_
