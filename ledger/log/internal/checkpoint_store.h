// Signed checkpoints kept in the meta family (grammar in ledger/FORMAT.md):
//   "checkpoint/" u64 big-endian sequence (from 1)  -> the note text
//   "checkpoint-key/" key id (16 hex digits)          -> the raw 32-byte public key

#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_CHECKPOINT_STORE_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_CHECKPOINT_STORE_H_

#include <optional>
#include <vector>

#include "ledger/integrity/checkpoint.h"
#include "ledger/log/internal/store.h"

namespace secondment::internal {

struct StoredCheckpoint {
  uint64_t sequence = 0;
  SignedCheckpoint signed_checkpoint;
  std::optional<PublicKey> key;  // nullopt when the key record is missing
};

// Every stored checkpoint, oldest first; Corruption when a record does not parse.
Result<std::vector<StoredCheckpoint>> LoadCheckpoints(Store& store,
                                                      const Store::ReadPoint* at = nullptr);

// Stores `signed_checkpoint` after the last one, with its key. Not thread-safe: callers
// serialise checkpointing.
Status SaveCheckpoint(Store& store, uint64_t sequence, const SignedCheckpoint& signed_checkpoint,
                      const PublicKey& key);

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_CHECKPOINT_STORE_H_
