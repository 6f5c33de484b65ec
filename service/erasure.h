// Erasure: what `secondment forget` reports (LedgerService::RequestErasure, ApproveErasure).
//
// Erasing a person takes two hr people (four eyes): one requests it with a reason, another
// approves; the approval destroys the person's key, so every field sealed under it reads as
// erased, appends PersonalDataErased, rebuilds the projections and scrubs the tables
// (docs/privacy.md).
#ifndef SECONDMENT_SERVICE_ERASURE_H_
#define SECONDMENT_SERVICE_ERASURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/event/event.h"

namespace secondment::service {

struct ErasureOutcome {
  bool erased = false;    // false: requested, awaiting a second hr person's approval
  std::string pseudonym;  // the person's subject (subject-<pseudonym> is their stream)
  std::vector<std::string> secondments;  // theirs
  Position position = 0;                 // of the ErasureRequested or PersonalDataErased event
  std::string requested_by;              // who made the request
  uint64_t sealed_events = 0;            // events whose personal fields were sealed under the key
  // Events written before sealing existed, which still hold the person's data in clear, and
  // their positions (at most the first 20 are listed).
  uint64_t clear_events = 0;
  std::vector<Position> clear_positions;
  bool legacy_stream = false;  // the stream employee-<id> (named by the id itself) exists
};

}  // namespace secondment::service

#endif  // SECONDMENT_SERVICE_ERASURE_H_
