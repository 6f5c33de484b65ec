// The secondment lifecycle (DESIGN.md section 2) as two pure functions:
//
//   Decide(state, command, context) -> the events to append, or why not
//   Evolve(state, event)            -> the state after the event
//
// The write path (service/secondments.h) and every projection use these same two functions.
// Decide reads the policy, the acting role and the employee's other open periods from the
// context; it does no I/O. Evolve needs nothing but the events: an approval that completed a
// request says so on the event (ApprovalGranted.completesRequest).

#ifndef SECONDMENT_LEDGER_LIFECYCLE_LIFECYCLE_H_
#define SECONDMENT_LEDGER_LIFECYCLE_LIFECYCLE_H_

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ledger/base/date.h"
#include "ledger/base/status.h"
#include "ledger/event/event.h"
#include "ledger/lifecycle/policy.h"
#include "schemas/event.capnp.h"

namespace secondment {

enum class SecondmentStatus {
  kNone,  // no such secondment yet
  kProposed,
  kApproved,
  kActive,
  kReturned,
  kConverted,
  kRejected,
  kWithdrawn,
};

// "proposed", "approved", ... ("none" for kNone).
std::string_view StatusName(SecondmentStatus status);
// The state named `text` (not "none"); InvalidArgument "unknown value 'x' for WHAT; expected one
// of: proposed, ..." otherwise.
Result<SecondmentStatus> ParseStatusName(std::string_view text, std::string_view what);
bool IsTerminal(SecondmentStatus status);

struct Party {
  std::string org, unit, manager_id;
};

// A Party in and out of the schema's Party struct.
void SetParty(schema::Party::Builder out, const Party& party);
Party PartyOf(schema::Party::Reader party);

// The approvals given to one request, and who made it (for the four-eyes rule).
struct Approvals {
  std::vector<schema::Role> granted;
  std::vector<std::string> granted_by;  // the approvers' ids, beside `granted`
  std::string requested_by;
  CivilDate requested_on;
  bool has(schema::Role role) const;
  bool given_by(std::string_view id) const;
};

struct ExtensionRequest {
  CivilDate until;
  std::string rationale;
  Approvals approvals;
};

struct ConversionRequest {
  CivilDate effective;
  std::string new_role;
  std::string recruitment_ref;
  Approvals approvals;
};

// How many fields `correct` takes (CorrectableFields()).
inline constexpr size_t kCorrectableFields = 15;

// A correction: `field` (CorrectableFields()) from `old_value` to `new_value`.
struct Correction {
  std::string field, old_value, new_value, reason;
  uint64_t corrects_position = 0;
};

struct CorrectionRequest {
  Correction correction;
  Approvals approvals;
};

// A recorded step that carries a date within the placement, or that a void may undo.
struct Fact {
  EventId event_id;
  schema::Event::Payload::Which type;
  CivilDate date;
  // Handovers: whether its direction is `return` (dated within the placement).
  bool within_placement = false;
  bool voided = false;
};

// The days a secondment holds its employee: no two of one employee's may share a day.
struct Period {
  CivilDate start, end;
};

struct Extension {
  CivilDate previous_end, new_end;
  uint32_t cumulative_days = 0;
};

// What a secondment's events say, folded.
struct Secondment {
  std::string id;
  SecondmentStatus status = SecondmentStatus::kNone;
  std::string employee_id;
  Party home, host;
  schema::Kind kind = schema::Kind::UNSPECIFIED;
  std::string role_title;
  std::vector<std::string> objectives;
  CivilDate planned_start, planned_end;
  std::optional<CivilDate> actual_start;
  int fte_percent = 100;
  std::string country, location, backfill;
  schema::CostArrangement cost = schema::CostArrangement::UNSPECIFIED;

  std::optional<std::string> agreement_reference;
  uint32_t agreement_version = 0;
  Approvals placement;
  std::optional<ExtensionRequest> extension_request;
  std::optional<ConversionRequest> conversion_request;
  std::vector<Extension> extensions;
  int feedback_count = 0;
  int handover_count = 0;
  std::optional<CivilDate> returned_on;
  bool returned_early = false;
  std::optional<CivilDate> converted_on;
  std::string converted_role;
  std::string closing_reason;  // why it was refused or withdrawn

  // Dates of the steps, for the date rules (the effective dates of their events).
  CivilDate proposed_on;
  std::optional<CivilDate> approved_on;  // the approval that completed the placement
  std::optional<CivilDate> signed_on;
  std::vector<Fact> facts;  // started, returned, feedback and handovers, in order
  // The end an `exception` approval covered: the new end of the last extension beyond the
  // maximum duration that it approved. An end up to it may run past the maximum.
  std::optional<CivilDate> exception_until;
  std::optional<CorrectionRequest> correction_request;
  // The position of the event that last set each correctable field, by its index in
  // CorrectableFields() (0: not known), for `history`.
  std::array<uint64_t, kCorrectableFields> field_sources{};

  // Days from the start (actual once started) to the end: the return or conversion date
  // when there is one, else the planned end.
  int CumulativeDays() const;
  // Days from the planned start to the planned end.
  int PlannedDays() const;
  // The last day it covers: the return or conversion date, else the planned end.
  CivilDate EndBasis() const;
};

// The days `s` holds its employee as of business date `today`: from its start (actual once
// started) to its planned end; to its return or conversion once ended; to `today` when it is
// still active past its planned end. None for a refused or withdrawn one (or none at all).
std::optional<Period> HeldPeriod(const Secondment& s, CivilDate today);

// The state as of business date `today`: a conversion that takes effect after today leaves the
// secondment active, on placement, until then ("converting on D").
SecondmentStatus StatusOn(const Secondment& s, CivilDate today);

// ---- Commands: what a person asks for ----

struct ProposeCommand {
  std::string employee_id;
  Party home, host;
  schema::Kind kind = schema::Kind::UNSPECIFIED;
  std::string role_title;
  CivilDate start, end;
  int fte_percent = 100;
  std::string country, location, backfill;
  schema::CostArrangement cost = schema::CostArrangement::UNSPECIFIED;
  std::vector<std::string> objectives;
  std::optional<CivilDate> date = std::nullopt;  // the proposal's own business date
};
// Every command carries `date`: the business date of the step (the event's effective date),
// today when not given. For start and return it is the actual start and the return date.
struct ApproveCommand {
  schema::Scope scope = schema::Scope::UNSPECIFIED;
  std::string conditions;
  std::optional<CivilDate> date = std::nullopt;
};
struct RefuseCommand {
  schema::Scope scope = schema::Scope::UNSPECIFIED;
  std::string reason;
  std::optional<CivilDate> date = std::nullopt;
};
struct WithdrawCommand {
  std::string reason;
  std::optional<CivilDate> date = std::nullopt;
};
struct SignCommand {
  std::string reference;
  uint32_t version = 1;
  std::string sha256_hex;  // empty, or 64 hex digits
  std::optional<CivilDate> date = std::nullopt;
};
struct StartCommand {
  std::optional<CivilDate> date = std::nullopt;
};
struct HandoverCommand {
  schema::HandoverDirection direction = schema::HandoverDirection::UNSPECIFIED;
  std::string from, to;
  std::vector<std::string> duties;
  std::string notes;
  std::optional<CivilDate> date = std::nullopt;
};
struct FeedbackCommand {
  int rating = 0;  // 1..5, 0 = none
  std::string text;
  std::optional<CivilDate> date = std::nullopt;
};
struct RequestExtensionCommand {
  CivilDate until;
  std::string rationale;
  std::optional<CivilDate> date = std::nullopt;
};
struct ReturnCommand {
  std::optional<CivilDate> date = std::nullopt;
  std::string reason;
  schema::ReturnPosition position = schema::ReturnPosition::SUBSTANTIVE;
};
struct ProposeConversionCommand {
  CivilDate effective;
  std::string new_role;
  std::string recruitment_ref;
  std::optional<CivilDate> date = std::nullopt;
};
// Corrects one recorded value (CorrectableFields()); `value` is written as on the command
// line (a date YYYY-MM-DD, a number, an id, a text or a cost word).
struct CorrectCommand {
  std::string field, value, reason;
  std::optional<CivilDate> date = std::nullopt;
};
// Marks the step recorded at `position` (an event of this secondment) as void.
struct VoidCommand {
  uint64_t position = 0;
  std::string reason;
  std::optional<CivilDate> date = std::nullopt;
};

using Command =
    std::variant<ProposeCommand, ApproveCommand, RefuseCommand, WithdrawCommand, SignCommand,
                 StartCommand, HandoverCommand, FeedbackCommand, RequestExtensionCommand,
                 ReturnCommand, ProposeConversionCommand, CorrectCommand, VoidCommand>;

// "propose", "approve", ... as on the command line.
std::string_view CommandName(const Command& command);
// The business date the command names, if any.
std::optional<CivilDate> CommandDate(const Command& command);

// The fields `correct --field` takes: planned_start, planned_end, actual_start, return_date,
// host_org, host_unit, host_manager, home_org, home_unit, home_manager, role_title, fte,
// location, country, cost.
const std::vector<std::string_view>& CorrectableFields();
// The field's index in CorrectableFields(), or nullopt for a name that is none of them.
std::optional<size_t> FieldIndex(std::string_view field);
// The field's value in `s`, written as `correct --value` takes it ("" when it has none).
std::string FieldValue(const Secondment& s, std::string_view field);
// Sets the field from `value` as FieldValue writes it; InvalidArgument for an unknown field or
// a malformed value. It checks the value alone, not the lifecycle's rules.
Status SetFieldValue(Secondment& s, std::string_view field, std::string_view value);
bool IsDateField(std::string_view field);

// A proposal in and out of the schema's Proposed payload (which the RPC API also uses to carry
// a proposal).
void SetProposal(schema::Proposed::Builder out, const ProposeCommand& proposal);
ProposeCommand ProposalOf(schema::Proposed::Reader proposed);

struct Actor {
  std::string id;
  schema::Role role = schema::Role::UNSPECIFIED;
};

// The planned period of another open secondment of the same employee.
struct ClaimedPeriod {
  std::string secondment_id;
  CivilDate start, end;
};

// The event a VoidCommand names, as the log holds it.
struct VoidTarget {
  uint64_t position = 0;
  std::string stream_id;
  std::string event_id;  // 16 bytes
  std::string type;      // the payload's name, e.g. "returned"
};

// The event at `position` as a void names it.
VoidTarget VoidTargetOf(Position position, schema::Event::Reader event);

struct Context {
  const Policy* policy = nullptr;  // borrowed, non-null
  Actor actor;
  // The day the step is recorded (the ledger's today): the date of a step that names none,
  // and the latest date a fact may carry (plus the policy's maxDaysAhead).
  CivilDate today;
  // The periods the employee's other secondments hold (HeldPeriod), for the no-overlap rule.
  std::vector<ClaimedPeriod> other_periods;
  std::optional<VoidTarget> void_target;  // for a VoidCommand: the event at its position
  std::function<EventId()> new_id = [] { return EventId::Random(); };
};

struct Decision {
  std::vector<NewEvent> secondment_events;
  // PeriodClaimed events for the stream employee-<id>, appended in the same call.
  std::vector<NewEvent> employee_events;
};

// The events `command` adds to `state`, or why it may not: InvalidArgument for malformed
// input (empty text, overlong text, control characters, end before start, a rating outside
// 1..5), RuleViolation "cannot start SEC-1: agreement not signed" when the lifecycle forbids
// it. `state.id` names the secondment.
Result<Decision> Decide(const Secondment& state, const Command& command, const Context& context);

// The state after `event`. Events of other streams (PeriodClaimed) leave it unchanged.
Secondment Evolve(Secondment state, schema::Event::Reader event);
// The same, in place: for folds over many events, where moving the state in and out of
// Evolve for every event shows.
void EvolveInPlace(Secondment& state, schema::Event::Reader event);

// The roles whose approval `scope` still needs: the policy's approvers (plus `exception` for
// an extension beyond the maximum duration) that have not approved the open request. Empty
// when no request of that scope is open.
std::vector<schema::Role> OutstandingApprovals(const Secondment& state, schema::Scope scope,
                                               const Policy& policy);
// Whether the open `scope` request waits for an approval that `actor` may give: their role is
// outstanding and the four-eyes rule lets them (a to-do list's question; the date rules and
// the named manager are the command's to check).
bool AwaitsApprovalFrom(const Secondment& state, schema::Scope scope, const Actor& actor,
                        const Policy& policy);

// Marks every event of `decision` as about `employee_id`, the secondee, so that the log seals
// their personal fields under that person's key (ledger/event/sealing.h).
void MarkSubject(Decision& decision, const std::string& employee_id, const Policy& policy);

// InvalidArgument when a proposal names an id of the reserved form "erased-..."; RuleViolation
// when secondment `id` belongs to a person whose data was erased (it takes no more steps).
Status CheckNotErased(std::string_view id, std::string_view employee_id, bool proposing);

// Limits on command input: identifiers and free text.
inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxTextLength = 2000;
inline constexpr size_t kMaxListItems = 50;

// OK when `id` is 1 to 64 of A-Z a-z 0-9 . _ - (starting with a letter or digit); else
// InvalidArgument naming `what`.
Status ValidateId(std::string_view id, std::string_view what);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_LIFECYCLE_H_
