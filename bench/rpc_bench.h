// The RPC figures of ledger_bench (M2): durable appends through a real `secondment serve` on
// loopback, from one session and from 16 in parallel, and how soon an open feed sees them.

#ifndef SECONDMENT_BENCH_RPC_BENCH_H_
#define SECONDMENT_BENCH_RPC_BENCH_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace secondment::bench {

struct RpcFigures {
  double p50_us, p99_us;   // one session, one proposal after another
  double eps_1s;           // events a second, that one session
  double eps_16s;          // events a second, 16 sessions writing at once
  double feed_lag_p99_ms;  // acknowledgement to arrival on an open feed, while 16 write
};

// Starts the `secondment` binary's server on a fresh ledger under `dir`, then makes proposals
// (each one durable append of two events, with the projections caught up): `count` from one
// session, then `count` from each of 16 sessions at once while a subscriber follows the feed.
RpcFigures RpcAppend(const std::string& dir, int count);

// Starts `secondment --data DIR/ledger serve ARGS... --tokens DIR/tokens` (its output in
// DIR/serve.out and DIR/serve.err; it dies with the bench) and waits up to 60 s for its output
// to match `ready`. Returns its pid and the match's first group (the port).
std::pair<pid_t, std::string> StartServer(const std::string& dir,
                                          const std::vector<std::string>& args,
                                          const std::string& ready);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_RPC_BENCH_H_
