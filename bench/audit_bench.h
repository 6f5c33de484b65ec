// The integrity and subscription figures of ledger_bench (L4, L5): a full verify, drawing one
// secondment's history proof, and a subscription catching up with the whole log.

#ifndef SECONDMENT_BENCH_AUDIT_BENCH_H_
#define SECONDMENT_BENCH_AUDIT_BENCH_H_

#include "ledger/log/event_log.h"

namespace secondment::bench {

// Events per second of EventLog::Verify over the whole log (which must verify).
double VerifyEps(EventLog& log);

// Events per second a subscription from position 1 delivers while catching up with the whole
// log (a handler that only counts).
double SubscribeCatchupEps(EventLog& log);

struct ProveFigures {
  double p50_us, p99_us;
  size_t proofs;
};

// Signs a checkpoint of `log` (writable) with a fresh key, then times ProveHistory for up to
// `count` secondment streams spread over the log, each proof checked once untimed.
ProveFigures ProveMicros(EventLog& log, size_t count);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_AUDIT_BENCH_H_
