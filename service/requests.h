// The queries the application answers and what its audit calls return: values, filled by any
// door and read by any door.

#ifndef SECONDMENT_SERVICE_REQUESTS_H_
#define SECONDMENT_SERVICE_REQUESTS_H_

#include <optional>
#include <string>
#include <vector>

#include "ledger/audit/extends.h"
#include "ledger/base/date.h"
#include "ledger/event/event.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/log/proofs.h"
#include "ledger/log/verify.h"
#include "projections/queries.h"

namespace secondment::service {

// status: every secondment, or those in `state`, matching the filter.
struct StatusQuery {
  std::optional<SecondmentStatus> state;
  projections::PlacementFilter filter;
  std::optional<Position> at;  // as the ledger stood after this position
};

// placements: active now, or covering business date `as_of`.
struct PlacementQuery {
  projections::PlacementFilter filter;
  std::optional<CivilDate> as_of;
  std::optional<Position> at;  // as the ledger stood after this position
};

// alerts: ending within `within_days` of `today` (default: the service's today), overdue,
// over the maximum, return not recorded.
struct AlertQuery {
  int within_days = 30;
  std::optional<CivilDate> today;
};

// One thing that waits for the caller (LedgerService::ToDo).
struct ToDoItem {
  // "approve" (an open request waiting for the caller's approval), "sign" or "start" (an
  // approved placement, for hr), or an alert's kind: "return_not_recorded", "overdue",
  // "over_maximum", "ending_soon".
  std::string kind;
  std::string id;                      // the secondment
  std::optional<schema::Scope> scope;  // for "approve"
  std::string why;
};

// The ledger's identity and its Merkle tree now.
struct TreeHeadView {
  std::string ledger_id;  // 32 lowercase hex digits
  TreeHead head;
};

// What `verify` established.
struct VerifyOutcome {
  VerifyReport report;
  // The key ids of the stored checkpoints, in first-use order.
  std::vector<std::string> checkpoint_key_ids;
  // With a held checkpoint: that the log extends it.
  std::optional<LogExtension> extension;
};

}  // namespace secondment::service

#endif  // SECONDMENT_SERVICE_REQUESTS_H_
