#include "ledger/audit/extends.h"

#include <fmt/format.h>

#include "ledger/integrity/merkle_verify.h"
#include "ledger/log/proofs.h"

namespace secondment {
namespace {

std::string Bytes(const Hash256& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace

Result<LogExtension> VerifyExtends(EventLog& log, const SignedCheckpoint& checkpoint,
                                   const PublicKey& key) {
  RETURN_IF_ERROR(key.Verify(checkpoint));
  const Checkpoint& c = checkpoint.checkpoint;
  ASSIGN_OR_RETURN(std::string ledger_id, LogProofs(log).LedgerId());
  if (c.ledger_id != ledger_id) {
    return InvalidArgument(fmt::format("the checkpoint is of ledger {}, not of this one ({})",
                                       c.ledger_id, ledger_id));
  }
  ASSIGN_OR_RETURN(TreeHead head, LogProofs(log).Head());
  if (c.size > head.size) {
    return Corruption(
        fmt::format("the checkpoint covers {} events but the log holds {}: events were removed",
                    c.size, head.size));
  }
  if (c.size == 0) {
    if (c.root != Sha256("")) return Corruption("the checkpoint of 0 events has a wrong root");
    return LogExtension{head.size, head.root};
  }
  ASSIGN_OR_RETURN(std::vector<Hash256> proof, LogProofs(log).ConsistencyProof(c.size, head.size));
  std::vector<std::string> raw;
  for (const Hash256& hash : proof) raw.push_back(Bytes(hash));
  Status consistent = VerifyConsistency(c.size, head.size, raw, Bytes(c.root), Bytes(head.root));
  if (!consistent.ok()) {
    return Corruption(fmt::format(
        "the log does not extend the checkpoint of {} events (root {}): {}; an event at or "
        "before position {} was altered, removed or reordered",
        c.size, ToHex(c.root), consistent.message(), c.size));
  }
  return LogExtension{head.size, head.root};
}

}  // namespace secondment
