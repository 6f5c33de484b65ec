// LogProofs: the ledger's Merkle tree (DESIGN.md section 5, docs/audit.md) over an open
// EventLog. Every event is a leaf of an RFC 6962 tree whose nodes are stored in the same batch
// as the event, so these read a consistent tree up to the log's head. Checking what they hand
// out is ledger/integrity's business, which shares no code with this.

#ifndef SECONDMENT_LEDGER_LOG_PROOFS_H_
#define SECONDMENT_LEDGER_LOG_PROOFS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/base/hash.h"
#include "ledger/base/status.h"
#include "ledger/event/event.h"
#include "ledger/log/event_log.h"

namespace secondment {

// The Merkle tree over events 1..size.
struct TreeHead {
  uint64_t size = 0;
  Hash256 root{};
};

// Borrows the log, which must outlive it; cheap to make. Thread-safe.
class LogProofs {
 public:
  explicit LogProofs(EventLog& log) : log_(&log) {}

  // The random id given to this ledger when it was created: 32 lowercase hex digits.
  Result<std::string> LedgerId();
  // The tree over positions 1..Head().
  Result<TreeHead> Head();
  // The root of the tree over positions 1..size; InvalidArgument when size > Head().
  Result<Hash256> RootAt(uint64_t size);
  // The audit path of the event at `position` in the tree of `tree_size` events (RFC 6962).
  // InvalidArgument unless 1 <= position <= tree_size <= Head().
  Result<std::vector<Hash256>> InclusionProof(Position position, uint64_t tree_size);
  // The proof that the tree of `new_size` events extends the tree of `old_size` events.
  // InvalidArgument unless 1 <= old_size <= new_size <= Head().
  Result<std::vector<Hash256>> ConsistencyProof(uint64_t old_size, uint64_t new_size);
  // The leaf hashes recorded at append for positions first..last, appended to `out`.
  // InvalidArgument unless 1 <= first <= last <= Head(); Corruption when one is missing.
  Status ScanLeaves(Position first, Position last, std::vector<Hash256>* out);

 private:
  EventLog* log_;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_PROOFS_H_
