// The baseline the ledger's append figures are compared with: bare RocksDB (stock options)
// writing the same keys and values with the same sync policy, but with no checks at all: no
// expected-version reads, no event-id lookups, no hashing, no group-commit thread of ours.
// This file is the one place outside ledger/log/internal/ that includes RocksDB, because being
// bare RocksDB is its whole point.

#ifndef SECONDMENT_BENCH_RAW_BASELINE_H_
#define SECONDMENT_BENCH_RAW_BASELINE_H_

#include <string>
#include <vector>

#include "bench/workload.h"

namespace secondment::bench {

// Events per second writing the first `count` events, one synced write per event, from
// `writers` threads that each own the streams n mod writers == w.
double RawAppendEach(const std::string& dir, const workload::Workload& workload,
                     const std::vector<std::string>& values, size_t count, int writers);

// Events per second writing all events in synced batches of `batch` consecutive events.
double RawAppendBatched(const std::string& dir, const workload::Workload& workload,
                        const std::vector<std::string>& values, size_t batch);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_RAW_BASELINE_H_
