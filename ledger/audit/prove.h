// Drawing a stream's history proof (ledger/integrity/history_proof.h) from a live ledger:
// what `secondment prove` writes. Checking one needs none of this.

#ifndef SECONDMENT_LEDGER_AUDIT_PROVE_H_
#define SECONDMENT_LEDGER_AUDIT_PROVE_H_

#include <string_view>

#include "ledger/integrity/checkpoint.h"
#include "ledger/integrity/history_proof.h"
#include "ledger/log/event_log.h"

namespace secondment {

// The history of `stream` up to the checkpoint's size. InvalidArgument when the checkpoint
// names another ledger or a size beyond the head; Corruption when this ledger's tree of that
// size has another root (it does not extend the checkpoint); NotFound when the stream has no
// event within the checkpoint.
Result<HistoryProof> ProveHistory(EventLog& log, std::string_view stream,
                                  const SignedCheckpoint& checkpoint);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_AUDIT_PROVE_H_
