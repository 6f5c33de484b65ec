// The read-model figures of ledger_bench (L3): rebuild speed, a host org's placements query,
// and a full as-of-ledger-time replay.

#ifndef SECONDMENT_BENCH_PROJECTION_BENCH_H_
#define SECONDMENT_BENCH_PROJECTION_BENCH_H_

#include <string>

#include "ledger/log/event_log.h"

namespace secondment::bench {

// Events per second rebuilding every projection of `log` (opened with ProjectionTables()).
double RebuildEps(EventLog& log);

// Seconds to fold the whole log in memory, as an as-of-ledger-time query does.
double AsOfReplaySeconds(EventLog& log);

struct QueryFigures {
  double p50_us, p99_us;
  size_t active;  // placements the query returned
};

// In a fresh ledger at `dir`: `active` secondments started at one host org (other orgs get a
// tenth as many), then `queries` timed placements queries for that org.
QueryFigures PlacementsQuery(const std::string& dir, int active, int queries);

// A new ledger in `dir` with `active` secondments started at host org "org-target" (planned
// 2026-01-05 to 2026-12-18) and `others` at other hosts, each proposed, approved, signed and
// started, with its projections caught up.
void BuildPlacements(const std::string& dir, int active, int others);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_PROJECTION_BENCH_H_
