// Reading the envelope of a stored event for the offline checks (proofs and bundles), with
// Cap'n Proto's own bounds checks and nothing of the write path.

#ifndef SECONDMENT_LEDGER_INTEGRITY_ENVELOPE_H_
#define SECONDMENT_LEDGER_INTEGRITY_ENVELOPE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace secondment {

struct Envelope {
  uint64_t position = 0;
  std::string stream;
  uint32_t version = 0;
  std::optional<std::string> prev_hash;  // raw bytes; absent on a stream's first event
  std::string event_id;                  // raw bytes
};

// The envelope of an event's canonical bytes (one segment, no segment table); Corruption
// saying why when they do not decode.
Result<Envelope> ReadEnvelope(std::string_view canonical);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_INTEGRITY_ENVELOPE_H_
