// The relay figure of ledger_bench (L5): events per second published into a real JetStream
// (a nats-server started here on a free loopback port) with every acknowledgement awaited.

#ifndef SECONDMENT_BENCH_RELAY_BENCH_H_
#define SECONDMENT_BENCH_RELAY_BENCH_H_

#include <string>

#include "ledger/log/event_log.h"

namespace secondment::bench {

// Relays every event of `log` into a fresh JetStream stored under `dir`; events per second
// from start until the last acknowledgement is recorded. Dies (status 6) when nats-server is
// not installed.
double RelayEps(EventLog& log, const std::string& dir);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_RELAY_BENCH_H_
