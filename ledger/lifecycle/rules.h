// The rules shared by the lifecycle's steps (lifecycle.cc), approvals (approvals.cc) and
// corrections (corrections.cc): refusals, dates, periods and the events they stamp. Internal to
// ledger/lifecycle.

#ifndef SECONDMENT_LEDGER_LIFECYCLE_RULES_H_
#define SECONDMENT_LEDGER_LIFECYCLE_RULES_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/lifecycle/lifecycle.h"

namespace secondment::rules {

// RuleViolation "cannot VERB ID: WHY".
Status Refused(const Secondment& s, std::string_view verb, std::string_view why);

// "hr, home_manager" ("none" for no role).
std::string Roles(const std::vector<schema::Role>& roles);

// "YYYY-MM-DD".
std::string DateText(const CivilDate& date);
// The start: the actual one once started, else the planned one.
CivilDate StartBasis(const Secondment& s);
// The latest date of a step of the placement (feedback, a return handover) not voided.
std::optional<CivilDate> LastPlacementStep(const Secondment& s);
// The placement runs to here at most: its return or conversion, else open.
std::optional<CivilDate> PlacementEnd(const Secondment& s);

// The step's business date: the one it names, else the day it is recorded.
CivilDate StepDate(const std::optional<CivilDate>& date, const Context& ctx);

// A fact is dated no later than the day it is recorded (plus the policy's maxDaysAhead) and,
// once there is a proposal, no earlier than it.
Status CheckFactDate(const Secondment& s, std::string_view verb, std::string_view what,
                     const CivilDate& date, const Context& ctx);

// Every date rule on the state `s` (after a correction or a void): planned dates in order and
// within the maximum, the actual start in its window and after the approval and the
// agreement, the return after the start, feedback and return handovers within the placement,
// a conversion within the placement, nothing after today; and its period overlapping no other
// secondment of the employee.
Status CheckDates(const Secondment& s, std::string_view verb, const Context& ctx);

// The start `date` (of `s`, approved) by the start rules: not before the approval or the
// agreement (policy), within the window around the planned start, before the planned end,
// and within the maximum duration.
Status CheckStart(const Secondment& s, std::string_view verb, const CivilDate& date,
                  const Context& ctx);

// RuleViolation when `period` shares a day with another secondment of the employee.
Status CheckNoOverlap(const Secondment& s, std::string_view verb, const Period& period,
                      const Context& ctx);

// A new event stamped with the acting principal and an effective date.
NewEvent Stamped(const Context& ctx, const CivilDate& effective);
// The PeriodClaimed of `s` holding `period`, for the employee's stream.
NewEvent PeriodClaim(const Context& ctx, const Secondment& s, const Period& period,
                     const CivilDate& effective);

// Input checks shared by the steps: every item of a list as CheckText; InvalidArgument.
Status CheckTexts(const std::vector<std::string>& values, std::string_view what);
Status CheckParty(const Party& party, std::string_view side);
// RuleViolation "cannot VERB ID: it is STATE; WHEN" unless the status is one of `allowed`.
Status RequireStatus(const Secondment& s, std::string_view verb,
                     std::initializer_list<SecondmentStatus> allowed, std::string_view when);
// Managers act only on secondments that name them.
Status CheckNamedManager(const Secondment& s, std::string_view verb, const Actor& actor);
// A step of the placement (feedback, a return handover, a request) lies within it: on or
// after the start, no later than the return or the conversion (done or waiting).
Status CheckWithinPlacement(const Secondment& s, std::string_view verb, std::string_view what,
                            const CivilDate& date);
// A decision of one event.
Decision Single(NewEvent event);
// Whether the extension waiting needs an `exception` approval (beyond the maximum).
bool NeedsException(const Secondment& s, const Policy& policy);
// The approvals of the open request of `scope`, or null when none is open.
const Approvals* OpenApprovals(const Secondment& s, schema::Scope scope);

// `approve` and `refuse` (approvals.cc).
Result<Decision> DecideApprove(const Secondment& s, const ApproveCommand& c, const Context& ctx);
Result<Decision> DecideRefuse(const Secondment& s, const RefuseCommand& c, const Context& ctx);

// `correct` and `void`: the Corrected or Voided event, or a CorrectionProposed when the policy
// asks for a second approval (completed by ApplyCorrection or ApplyVoid).
Result<Decision> DecideCorrect(const Secondment& s, const CorrectCommand& c, const Context& ctx);
Result<Decision> DecideVoid(const Secondment& s, const VoidCommand& c, const Context& ctx);

// The Corrected event of `correction` on `s`, or why not (CheckDates on the corrected state).
Result<Decision> ApplyCorrection(const Secondment& s, const Correction& correction,
                                 const CivilDate& date, const Context& ctx);
// The Voided event of the context's target on `s`, or why not.
Result<Decision> ApplyVoid(const Secondment& s, const std::string& reason, const CivilDate& date,
                           const Context& ctx);

}  // namespace secondment::rules

#endif  // SECONDMENT_LEDGER_LIFECYCLE_RULES_H_
