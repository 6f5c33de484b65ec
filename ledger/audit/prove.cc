#include "ledger/audit/prove.h"

#include <fmt/format.h>

#include "ledger/log/proofs.h"

namespace secondment {
namespace {

std::string_view View(const Hash256& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace

Result<HistoryProof> ProveHistory(EventLog& log, std::string_view stream,
                                  const SignedCheckpoint& checkpoint) {
  const Checkpoint& c = checkpoint.checkpoint;
  ASSIGN_OR_RETURN(std::string ledger_id, LogProofs(log).LedgerId());
  if (c.ledger_id != ledger_id) {
    return InvalidArgument(fmt::format("the checkpoint is of ledger {}, not of this one ({})",
                                       c.ledger_id, ledger_id));
  }
  if (c.size > log.Head()) {
    return InvalidArgument(fmt::format("the checkpoint covers {} events but this ledger holds {}",
                                       c.size, log.Head()));
  }
  ASSIGN_OR_RETURN(Hash256 root, LogProofs(log).RootAt(c.size));
  if (root != c.root) {
    return Corruption(fmt::format(
        "this ledger's first {} events give root {}, not the checkpoint's {}: the log does not "
        "extend the checkpoint",
        c.size, ToHex(root), ToHex(c.root)));
  }
  ASSIGN_OR_RETURN(std::vector<RecordedEvent> events,
                   log.ReadStream(stream, 0, UINT32_MAX, Reading::kStored));
  HistoryProof proof;
  proof.stream = std::string(stream);
  proof.checkpoint_note = checkpoint.Note();
  for (const RecordedEvent& event : events) {
    if (event.position() > c.size) break;
    HistoryProof::Entry entry;
    entry.position = event.position();
    entry.canonical = std::string(event.bytes());
    ASSIGN_OR_RETURN(auto path, LogProofs(log).InclusionProof(event.position(), c.size));
    for (const Hash256& hash : path) entry.inclusion.emplace_back(View(hash));
    proof.events.push_back(std::move(entry));
  }
  if (proof.events.empty()) {
    return NotFound(
        fmt::format("stream {} has no events within the checkpoint's {} events", stream, c.size));
  }
  return proof;
}

}  // namespace secondment
