// A stream's whole history as of a signed checkpoint, with an inclusion proof for each event:
// what `secondment prove` writes and `secondment verify-proof` checks (docs/audit.md).
//
// Document (JSON; positions are strings, as 64-bit integers are everywhere in our JSON):
//   {"format": "secondment-ledger history proof v1",
//    "stream": "secondment-SEC-000123",
//    "checkpoint": "<the signed checkpoint note, verbatim>",
//    "events": [{"position": "12", "canonical": "<base64 of the stored bytes>",
//                "inclusion": ["<hex hash>", ...]}, ...]}

#ifndef SECONDMENT_LEDGER_INTEGRITY_HISTORY_PROOF_H_
#define SECONDMENT_LEDGER_INTEGRITY_HISTORY_PROOF_H_

#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/event/event.h"
#include "ledger/integrity/checkpoint.h"

namespace secondment {

// Proof documents are read up to this size.
inline constexpr size_t kMaxProofBytes = 64 << 20;

// A value.
struct HistoryProof {
  struct Entry {
    Position position = 0;
    std::string canonical;               // the event's stored bytes
    std::vector<std::string> inclusion;  // raw hashes, leaf's sibling first
  };
  std::string stream;
  std::string checkpoint_note;
  std::vector<Entry> events;

  std::string ToJson() const;
  // InvalidArgument naming what is malformed (not JSON, a missing field, bad base64 or hex).
  static Result<HistoryProof> FromJson(std::string_view text);
};

// What a verified proof shows.
struct VerifiedHistory {
  SignedCheckpoint checkpoint;
  StreamVersion last_version = 0;  // versions 0..last_version, none missing
};

// Checks `proof` against a key the auditor trusts, sharing nothing with the write path but
// the hash definitions: the checkpoint's signature; each event's bytes decode as an event of
// the stream at its position and are included in the checkpointed tree; the versions run
// from 0 with none missing, each naming the hash of the one before. Corruption naming the
// first entry at fault; InvalidArgument when the checkpoint note does not parse.
Result<VerifiedHistory> VerifyHistoryProof(const HistoryProof& proof, const PublicKey& key);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_INTEGRITY_HISTORY_PROOF_H_
