// VerifyLog: the full check of an open ledger (`secondment verify`; docs/audit.md).

#ifndef SECONDMENT_LEDGER_LOG_VERIFY_H_
#define SECONDMENT_LEDGER_LOG_VERIFY_H_

#include <cstddef>
#include <cstdint>
#include <functional>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/log/event_log.h"

namespace secondment {

// What VerifyLog checked.
struct VerifyReport {
  uint64_t events = 0;     // positions 1..events
  Hash256 root{};          // of the tree over them
  size_t streams = 0;      // hash chains followed
  size_t checkpoints = 0;  // stored checkpoints whose signature and root matched
};

// Recomputes every leaf from the stored bytes and checks the Merkle tree, every stream's
// hash chain, position density, the id and stream indexes, and every stored checkpoint
// (signature, and root against the log). Corruption "position P: what is wrong" for the
// first bad position P, or naming the checkpoint or index entry when no position is at
// fault; IOError when reading fails. `progress` (may be empty) is called now and then with
// (positions checked, last position). Does not block appends; thread-safe.
Result<VerifyReport> VerifyLog(EventLog& log,
                               const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_VERIFY_H_
