// The full check behind EventLog::Verify: recomputes every leaf from the stored bytes, the
// Merkle tree, every stream's hash chain, position density, the id and stream indexes and
// the stored checkpoints, and names the first bad position.

#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_VERIFIER_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_VERIFIER_H_

#include <functional>
#include <string>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/log/internal/store.h"

namespace secondment::internal {

// What VerifyStore checked (EventLog's VerifyReport, ledger/log/verify.h).
struct StoreReport {
  uint64_t events = 0;     // positions 1..events
  Hash256 root{};          // of the tree over them
  size_t streams = 0;      // hash chains followed
  size_t checkpoints = 0;  // stored checkpoints whose signature and root matched
};

// OK with what was verified, or Corruption whose message starts with "position P: " for the
// first bad position P (or names the checkpoint or index entry when no position is at fault);
// IOError when reading fails. `progress` (may be empty) is called now and then with the
// positions checked and the last position. Reads a live store without blocking writers; a
// writer's appends made during the walk may or may not be seen, whole.
Result<StoreReport> VerifyStore(Store& store, const std::string& ledger_id,
                                const std::function<void(uint64_t, uint64_t)>& progress);

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_VERIFIER_H_
