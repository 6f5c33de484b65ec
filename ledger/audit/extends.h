// Checking a live ledger against a checkpoint an auditor holds (`secondment verify
// --checkpoint`).

#ifndef SECONDMENT_LEDGER_AUDIT_EXTENDS_H_
#define SECONDMENT_LEDGER_AUDIT_EXTENDS_H_

#include "ledger/integrity/checkpoint.h"
#include "ledger/log/event_log.h"

namespace secondment {

// What the check established: the log now holds `size` events with `root`, and its first
// checkpoint.size events are exactly those the checkpoint signed.
struct LogExtension {
  uint64_t size = 0;
  Hash256 root{};
};

// OK when `checkpoint` is signed by `key`, names this ledger, and a consistency proof drawn
// from the log's stored tree shows that today's tree extends the checkpointed one (checked by
// ledger/merkle_verify.h). The proof is drawn from stored nodes, not from the events: run
// EventLog::Verify first (as `secondment verify` does) to know the nodes match the events.
// Corruption when the signature does not verify, the log holds fewer events than the checkpoint, or
// the proof fails (the log was altered or forked since); InvalidArgument when the checkpoint names
// another ledger.
Result<LogExtension> VerifyExtends(EventLog& log, const SignedCheckpoint& checkpoint,
                                   const PublicKey& key);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_AUDIT_EXTENDS_H_
