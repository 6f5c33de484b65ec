// Phase B of WORKLOAD.md: replay the whole log into per-secondment status and the active
// placements per host org, checking stream versions and positions on the way.

#ifndef SECONDMENT_BENCH_REPLAY_H_
#define SECONDMENT_BENCH_REPLAY_H_

#include <cstdint>
#include <map>
#include <string>

#include "bench/workload.h"
#include "ledger/log/event_log.h"

namespace secondment::bench {

struct ReplayResult {
  uint64_t events = 0;
  uint64_t secondments = 0;
  std::map<std::string, uint64_t> by_status;  // "returned" -> 84856, ...
  uint64_t active_at_end = 0;
  uint64_t peak_active = 0;
  uint64_t payload_text_bytes = 0;  // proves every payload was read
};

// Scans the log without copying (EventLog::Scan). Exits 6 on any failure or order violation.
ReplayResult ReplayFull(EventLog& log, const workload::Workload& workload);

// Scans the whole log and decodes every event: the envelope and every payload field the
// workload sets. Returns a sum over what it read, so nothing can be optimised away.
uint64_t DecodeAll(EventLog& log);

// Reads the log in pages of owned events (EventLog::ReadAll), decoding each; returns events read.
uint64_t ReplayWithReadAll(EventLog& log);

// "" when `result` is what the workload implies (and, for the full S = 100,000 workload, the
// figures WORKLOAD.md states); else what differs. The peak of active placements depends on
// the order of events across streams, so it is checked only when `in_global_order` (the log
// was appended in the workload's global order).
std::string ReplayCheck(const ReplayResult& result, const workload::Workload& workload,
                        bool in_global_order);

std::string ReplayJson(const ReplayResult& result);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_REPLAY_H_
