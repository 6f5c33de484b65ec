// LogCheckpoints: the signed checkpoints an open EventLog keeps (DESIGN.md section 5,
// ledger/integrity/checkpoint.h for the note and the keys). Checkpoints never go back: each
// covers at least the events of the one before, at a time no earlier.

#ifndef SECONDMENT_LEDGER_LOG_CHECKPOINTS_H_
#define SECONDMENT_LEDGER_LOG_CHECKPOINTS_H_

#include <vector>

#include "ledger/base/status.h"
#include "ledger/integrity/checkpoint.h"
#include "ledger/log/event_log.h"

namespace secondment {

// Borrows the log, which must outlive it; cheap to make. Thread-safe; making and storing are
// serialised.
class LogCheckpoints {
 public:
  explicit LogCheckpoints(EventLog& log) : log_(&log) {}

  // Signs the current tree (size Head(), its root, the ledger clock's time) with `key`,
  // stores the checkpoint durably and returns it. RuleViolation when the last stored
  // checkpoint has a larger size or a later time. Unavailable when read-only.
  Result<SignedCheckpoint> Make(const SigningKey& key);
  // Stores a checkpoint signed elsewhere (the key never comes here): OK when `key` signed it,
  // it names this ledger, and this log's root at its size is the one it signed; then as
  // Make. InvalidArgument for another ledger, size or root, or a time more than 5 minutes
  // ahead of the ledger's clock; Corruption for a bad signature; RuleViolation when it would
  // go back.
  Status Store(const SignedCheckpoint& signed_checkpoint, const PublicKey& key);
  // The stored checkpoints, oldest first.
  Result<std::vector<SignedCheckpoint>> List();
  // The public keys of the stored checkpoints, one per key, in first-use order; Corruption
  // when a checkpoint's key is not stored.
  Result<std::vector<PublicKey>> Keys();

 private:
  EventLog* log_;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_CHECKPOINTS_H_
