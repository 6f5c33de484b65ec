// Small helpers of the benchmark programs: timing writer threads, medians, quantiles, bytes on
// disk, and building the workload's events in the ledger's stored form.

#ifndef SECONDMENT_BENCH_BENCH_UTIL_H_
#define SECONDMENT_BENCH_BENCH_UTIL_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/workload.h"
#include "ledger/base/status.h"

namespace secondment::bench {

// Runs `body(w)` on `writers` threads released together; returns the seconds from the release
// until the last one finished.
double TimeWriters(int writers, const std::function<void(int)>& body);

// Prints "PROGRAM: MESSAGE" on stderr and exits with `code` (2 bad arguments, 6 a failure
// while measuring).
[[noreturn]] void Die(int code, const std::string& message);
// Dies with status 6 and "WHAT: STATUS" unless `status` is OK.
void Check(const Status& status, std::string_view what);

inline double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double Median(std::vector<double> values);

// The p-quantile as WORKLOAD.md defines it: sorted ascending, index floor(p * (n-1) + 0.5).
double Quantile(std::vector<double> values, double p);

// Bytes of the files that hold a RocksDB database's data: *.sst, *.log, MANIFEST-*, CURRENT.
uint64_t LiveDataBytes(const std::string& dir);

// For each writer w of `writers`, the indexes (into `events`) of the events whose stream
// number n satisfies n mod writers == w, in global order.
std::vector<std::vector<size_t>> PartitionByStream(const std::vector<workload::Event>& events,
                                                   size_t count, int writers);

// Runs of consecutive events of one stream within [begin, end): the parts of one multi-stream
// append that keeps the global order.
struct Run {
  size_t begin, end;
};
std::vector<Run> StreamRuns(const std::vector<workload::Event>& events, size_t begin, size_t end);

// The first `count` events as the ledger would store them (canonical bytes, positions from 1,
// recorded-at T0 + one minute per position, prevHash chained per stream): the values the raw
// RocksDB baseline writes.
std::vector<std::string> StoredValues(const workload::Workload& workload, size_t count);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_BENCH_UTIL_H_
