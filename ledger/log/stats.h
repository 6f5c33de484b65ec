// What the log's writer has done since the log opened: group commits, appends and events, how
// long each commit took to reach stable storage, and how many appends each group held. For
// /metrics (docs/http.md); every field is a relaxed atomic, read without a lock while
// commits run.

#ifndef SECONDMENT_LEDGER_LOG_STATS_H_
#define SECONDMENT_LEDGER_LOG_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>

namespace secondment {

struct LogStats {
  // Upper bounds of the commit-latency buckets, in microseconds, and of the group-size
  // buckets, in appends; the last bucket of each counts everything above.
  static constexpr std::array<uint64_t, 10> kCommitMicrosBounds = {
      250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 1000000};
  static constexpr std::array<uint64_t, 9> kGroupBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256};

  std::atomic<uint64_t> commits{0};        // group commits that succeeded
  std::atomic<uint64_t> appends{0};        // appends they held
  std::atomic<uint64_t> events{0};         // events they held
  std::atomic<uint64_t> commit_micros{0};  // their total time in the store's commit (with fsync)
  std::array<std::atomic<uint64_t>, kCommitMicrosBounds.size() + 1> commit_buckets{};
  std::array<std::atomic<uint64_t>, kGroupBounds.size() + 1> group_buckets{};

  // Records one group commit of `appends` appends holding `events` events, which took
  // `micros`.
  void RecordCommit(uint64_t appends_in_group, uint64_t events_in_group, uint64_t micros) {
    commits.fetch_add(1, std::memory_order_relaxed);
    appends.fetch_add(appends_in_group, std::memory_order_relaxed);
    events.fetch_add(events_in_group, std::memory_order_relaxed);
    commit_micros.fetch_add(micros, std::memory_order_relaxed);
    commit_buckets[Bucket(kCommitMicrosBounds, micros)].fetch_add(1, std::memory_order_relaxed);
    group_buckets[Bucket(kGroupBounds, appends_in_group)].fetch_add(1, std::memory_order_relaxed);
  }

 private:
  template <size_t N>
  static size_t Bucket(const std::array<uint64_t, N>& bounds, uint64_t value) {
    size_t i = 0;
    while (i < N && value > bounds[i]) ++i;
    return i;
  }
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_STATS_H_
