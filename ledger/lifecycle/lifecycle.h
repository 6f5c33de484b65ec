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

struct Approvals {
  std::vector<schema::Role> granted;
  bool has(schema::Role role) const;
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

  // Days from the start (actual once started) to the planned end.
  int CumulativeDays() const;
};

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
};
struct ApproveCommand {
  schema::Scope scope = schema::Scope::UNSPECIFIED;
  std::string conditions;
};
struct RefuseCommand {
  schema::Scope scope = schema::Scope::UNSPECIFIED;
  std::string reason;
};
struct WithdrawCommand {
  std::string reason;
};
struct SignCommand {
  std::string reference;
  uint32_t version = 1;
  std::string sha256_hex;  // empty, or 64 hex digits
};
struct StartCommand {
  CivilDate date;
};
struct HandoverCommand {
  schema::HandoverDirection direction = schema::HandoverDirection::UNSPECIFIED;
  std::string from, to;
  std::vector<std::string> duties;
  std::string notes;
};
struct FeedbackCommand {
  int rating = 0;  // 1..5, 0 = none
  std::string text;
};
struct RequestExtensionCommand {
  CivilDate until;
  std::string rationale;
};
struct ReturnCommand {
  CivilDate date;
  std::string reason;
  schema::ReturnPosition position = schema::ReturnPosition::SUBSTANTIVE;
};
struct ProposeConversionCommand {
  CivilDate effective;
  std::string new_role;
  std::string recruitment_ref;
};

using Command = std::variant<ProposeCommand, ApproveCommand, RefuseCommand, WithdrawCommand,
                             SignCommand, StartCommand, HandoverCommand, FeedbackCommand,
                             RequestExtensionCommand, ReturnCommand, ProposeConversionCommand>;

// "propose", "approve", ... as on the command line.
std::string_view CommandName(const Command& command);

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

struct Context {
  const Policy* policy = nullptr;  // borrowed, non-null
  Actor actor;
  CivilDate today;  // the effective date of steps that carry no date of their own
  std::vector<ClaimedPeriod> other_periods;
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

// Limits on command input: identifiers and free text.
inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxTextLength = 2000;
inline constexpr size_t kMaxListItems = 50;

// OK when `id` is 1 to 64 of A-Z a-z 0-9 . _ - (starting with a letter or digit); else
// InvalidArgument naming `what`.
Status ValidateId(std::string_view id, std::string_view what);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_LIFECYCLE_H_
