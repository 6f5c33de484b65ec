// Questions answered from the projections' tables, without replaying the log.

#ifndef SECONDMENT_PROJECTIONS_QUERIES_H_
#define SECONDMENT_PROJECTIONS_QUERIES_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/lifecycle/policy.h"
#include "ledger/log/event_log.h"
#include "projections/row.h"

namespace secondment::projections {

struct Placement {
  std::string id, employee_id, home_org, home_unit, host_org, host_unit, country, role_title;
  schema::Kind kind = schema::Kind::UNSPECIFIED;
  CivilDate start, planned_end;
  std::optional<CivilDate> end;  // return or conversion date; nullopt while active
};

// A placement in and out of a PlacementRow (the RPC API's results); reading is bounds-checked:
// Corruption when the row does not decode.
void WritePlacementRow(schema::PlacementRow::Builder row, const Placement& p);
Result<Placement> ReadPlacementRow(schema::PlacementRow::Reader row);

// Every filter that is set must match exactly.
struct PlacementFilter {
  std::optional<std::string> host_org, host_unit, home_org, home_unit, employee, country;
  std::optional<schema::Kind> kind;
  bool Matches(const Placement& p) const;
  // The same filter over a secondment's parties, kind and country (for status rows).
  bool Matches(const Secondment& s) const;
};

// The placements that cover business date `as_of` (without one: `today`, so that "now" and
// "as of today" are one answer):
// ended ones whose [start, end] holds it, and active ones that started by then and are
// planned to run to it (or past `today`, when overdue). Sorted by id.
Result<std::vector<Placement>> ListPlacements(EventLog& log, const PlacementFilter& filter,
                                              std::optional<CivilDate> as_of, CivilDate today);

// One secondment's row of the status projection, or nullopt when it has none.
Result<std::optional<Folded>> GetSecondment(EventLog& log, std::string_view id);

// Every secondment's row, in id order, one at a time (memory does not grow with the ledger). A
// non-OK status from `visit` stops the scan and is returned.
Status VisitSecondments(EventLog& log, const std::function<Status(const Folded&)>& visit);

// Secondments (all, or those in `state`), sorted by id.
Result<std::vector<Folded>> ListSecondments(EventLog& log, std::optional<SecondmentStatus> state);

// Positions of a secondment's events, or of every event of an employee's secondments.
Result<std::vector<Position>> SecondmentPositions(EventLog& log, std::string_view id);
Result<std::vector<Position>> EmployeePositions(EventLog& log, std::string_view employee);

struct Alert {
  // ending_soon, overdue, over_maximum, return_not_recorded; erasure_due (id: an employee)
  std::string kind;
  std::string id;
  std::string why;
};

// Active secondments ending within `within_days` of `today`; overdue (planned end passed,
// still active); running beyond the policy's maximum; and those whose planned end passed more
// than the policy's grace days ago without a return recorded.
// With the policy's erasureAfterDays: every person whose secondments have all ended, the last
// more than that many days before `today`, is due for erasure (erasure_due).
Result<std::vector<Alert>> ListAlerts(EventLog& log, const Policy& policy, CivilDate today,
                                      int within_days);
Status AddErasuresDue(EventLog& log, const Policy& policy, CivilDate today,
                      std::vector<Alert>* out);

// ---- As the ledger stood at a past position (auditors' "what did it say then") ----

// The last position recorded at or before `micros` (UTC µs), 0 when none: recorded-at never
// decreases along positions, so this is a binary search.
Result<Position> PositionAt(EventLog& log, int64_t micros);

// Every secondment as the events up to `position` fold it, replayed in memory.
Result<std::map<std::string, Folded>> FoldUpTo(EventLog& log, Position position);

// The placement a folded secondment makes, if it has started.
std::optional<Placement> PlacementOf(const Secondment& s);

// ListPlacements over folded states.
std::vector<Placement> PlacementsOf(const std::map<std::string, Folded>& states,
                                    const PlacementFilter& filter, std::optional<CivilDate> as_of,
                                    CivilDate today);

}  // namespace secondment::projections

#endif  // SECONDMENT_PROJECTIONS_QUERIES_H_
