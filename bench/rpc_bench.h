// The RPC figure of ledger_bench (L5): the latency of a durable append through `secondment
// serve` on loopback, one client on one open session.

#ifndef SECONDMENT_BENCH_RPC_BENCH_H_
#define SECONDMENT_BENCH_RPC_BENCH_H_

#include <string>

namespace secondment::bench {

struct RpcAppendFigures {
  double p50_us, p99_us;
};

// Starts the `secondment` binary's server on a fresh ledger under `dir`, then times `count`
// proposals (each one durable append of two events, with the projections caught up) made
// through one session.
RpcAppendFigures RpcAppend(const std::string& dir, int count);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_RPC_BENCH_H_
