#include "ledger/lifecycle/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/checks.h"
#include "ledger/lifecycle/rules.h"
#include "ledger/lifecycle/streams.h"

namespace secondment {

namespace rules {

using schema::Role;

Status Refused(const Secondment& s, std::string_view verb, std::string_view why) {
  return RuleViolation(fmt::format("cannot {} {}: {}", verb, s.id, why));
}

std::string Roles(const std::vector<Role>& roles) {
  std::string out;
  for (Role role : roles) out += fmt::format("{}{}", out.empty() ? "" : ", ", RoleName(role));
  return out.empty() ? "none" : out;
}

CivilDate StepDate(const std::optional<CivilDate>& date, const Context& ctx) {
  return date.value_or(ctx.today);
}

namespace {

std::string DateText(const CivilDate& date) { return FormatDate(date); }

CivilDate StartBasis(const Secondment& s) { return s.actual_start.value_or(s.planned_start); }

CivilDate LatestFactDate(const Context& ctx) {
  return CivilFromDays(DaysFromCivil(ctx.today) + ctx.policy->max_days_ahead);
}

// The latest date of a step of the placement (feedback, a return handover) not voided.
std::optional<CivilDate> LastPlacementStep(const Secondment& s) {
  std::optional<CivilDate> last;
  for (const Fact& fact : s.facts) {
    if (fact.within_placement && !fact.voided && (!last || *last < fact.date)) last = fact.date;
  }
  return last;
}

// Whether an exception approval covers a placement running to `end`.
bool Covered(const Secondment& s, const CivilDate& end) {
  return s.exception_until && !(*s.exception_until < end);
}

// The placement runs to here at most: its return or conversion, else open.
std::optional<CivilDate> PlacementEnd(const Secondment& s) {
  if (s.returned_on) return s.returned_on;
  if (s.converted_on) return s.converted_on;
  return std::nullopt;
}

}  // namespace

Status CheckFactDate(const Secondment& s, std::string_view verb, std::string_view what,
                     const CivilDate& date, const Context& ctx) {
  CivilDate latest = LatestFactDate(ctx);
  if (latest < date) {
    if (ctx.policy->max_days_ahead == 0) {
      return Refused(s, verb,
                     fmt::format("{} {} is after today ({}); a step is not dated in the future",
                                 what, DateText(date), DateText(ctx.today)));
    }
    return Refused(s, verb,
                   fmt::format("{} {} is more than {} days after today ({})", what, DateText(date),
                               ctx.policy->max_days_ahead, DateText(ctx.today)));
  }
  if (s.status != SecondmentStatus::kNone && date < s.proposed_on) {
    return Refused(s, verb,
                   fmt::format("{} {} is before its proposal on {}", what, DateText(date),
                               DateText(s.proposed_on)));
  }
  return Status::Ok();
}

Status CheckStart(const Secondment& s, std::string_view verb, const CivilDate& date,
                  const Context& ctx) {
  if (s.approved_on && date < *s.approved_on) {
    return Refused(s, verb,
                   fmt::format("the start {} is before the placement was approved on {}",
                               DateText(date), DateText(*s.approved_on)));
  }
  if (ctx.policy->agreement_before_start && s.signed_on && date < *s.signed_on) {
    return Refused(s, verb,
                   fmt::format("the start {} is before the agreement was signed on {}; the "
                               "policy asks for it before the start",
                               DateText(date), DateText(*s.signed_on)));
  }
  int64_t off = DaysFromCivil(date) - DaysFromCivil(s.planned_start);
  if (off > ctx.policy->start_window_days || -off > ctx.policy->start_window_days) {
    return Refused(s, verb,
                   fmt::format("the start {} is {} days {} the planned start {}; the policy "
                               "allows {} (correct the planned start first)",
                               DateText(date), off < 0 ? -off : off, off < 0 ? "before" : "after",
                               DateText(s.planned_start), ctx.policy->start_window_days));
  }
  if (!(date < s.planned_end)) {
    return Refused(s, verb,
                   fmt::format("the start {} is not before the planned end {}", DateText(date),
                               DateText(s.planned_end)));
  }
  // To the planned end, or an earlier return or conversion: a late return is recorded as it
  // happened (alerts flag the overrun).
  CivilDate end = std::min(PlacementEnd(s).value_or(s.planned_end), s.planned_end);
  CivilDate limit = AddMonths(date, ctx.policy->max_months);
  if (limit < end && !Covered(s, end)) {
    return Refused(
        s, verb,
        fmt::format("from {} to {} runs beyond the policy maximum of {} months "
                    "(latest end {})",
                    DateText(date), DateText(end), ctx.policy->max_months, DateText(limit)));
  }
  return Status::Ok();
}

Status CheckDates(const Secondment& s, std::string_view verb, const Context& ctx) {
  if (!(s.planned_start < s.planned_end)) {
    return Refused(s, verb,
                   fmt::format("the planned end {} would not be after the planned start {}",
                               DateText(s.planned_end), DateText(s.planned_start)));
  }
  if (s.actual_start) {
    RETURN_IF_ERROR(CheckFactDate(s, verb, "the start", *s.actual_start, ctx));
    RETURN_IF_ERROR(CheckStart(s, verb, *s.actual_start, ctx));
  } else {
    CivilDate limit = AddMonths(s.planned_start, ctx.policy->max_months);
    if (limit < s.planned_end && !Covered(s, s.planned_end)) {
      return Refused(s, verb,
                     fmt::format("the planned end {} would be more than {} months after the "
                                 "start {} (policy maximum; latest end {})",
                                 DateText(s.planned_end), ctx.policy->max_months,
                                 DateText(s.planned_start), DateText(limit)));
    }
  }
  if (s.returned_on) {
    RETURN_IF_ERROR(CheckFactDate(s, verb, "the return", *s.returned_on, ctx));
    if (*s.returned_on < StartBasis(s)) {
      return Refused(s, verb,
                     fmt::format("the return {} would be before the start {}",
                                 DateText(*s.returned_on), DateText(StartBasis(s))));
    }
  }
  if (s.converted_on && (*s.converted_on < StartBasis(s) || s.planned_end < *s.converted_on)) {
    return Refused(
        s, verb,
        fmt::format("the conversion on {} would fall outside the placement {} to {}",
                    DateText(*s.converted_on), DateText(StartBasis(s)), DateText(s.planned_end)));
  }
  if (s.extension_request && !(s.planned_end < s.extension_request->until)) {
    return Refused(s, verb,
                   fmt::format("an extension to {} waits for approval; the planned end {} would "
                               "not be before it",
                               DateText(s.extension_request->until), DateText(s.planned_end)));
  }
  if (s.conversion_request && (s.planned_end < s.conversion_request->effective ||
                               s.conversion_request->effective < StartBasis(s))) {
    return Refused(s, verb,
                   fmt::format("the conversion proposed for {} would fall outside the placement "
                               "{} to {}",
                               DateText(s.conversion_request->effective), DateText(StartBasis(s)),
                               DateText(s.planned_end)));
  }
  for (const Fact& fact : s.facts) {
    if (!fact.within_placement || fact.voided) continue;
    std::optional<CivilDate> end = PlacementEnd(s);
    if (!s.actual_start || fact.date < *s.actual_start || (end && *end < fact.date)) {
      return Refused(
          s, verb,
          fmt::format("a {} dated {} would fall outside the placement ({} to {})",
                      fact.type == schema::Event::Payload::FEEDBACK_RECORDED ? "feedback"
                                                                             : "return handover",
                      DateText(fact.date),
                      s.actual_start ? DateText(*s.actual_start) : std::string("not started"),
                      end ? DateText(*end) : std::string("now")));
    }
  }
  if (auto period = HeldPeriod(s, ctx.today))
    RETURN_IF_ERROR(CheckNoOverlap(s, verb, *period, ctx));
  return Status::Ok();
}

Status CheckNoOverlap(const Secondment& s, std::string_view verb, const Period& period,
                      const Context& ctx) {
  for (const ClaimedPeriod& other : ctx.other_periods) {
    if (other.secondment_id == s.id) continue;
    if (other.start <= period.end && period.start <= other.end) {
      return Refused(
          s, verb,
          fmt::format("employee {} is on secondment {} from {} to {}, which overlaps "
                      "{} to {}",
                      s.employee_id, other.secondment_id, DateText(other.start),
                      DateText(other.end), DateText(period.start), DateText(period.end)));
    }
  }
  return Status::Ok();
}

NewEvent Stamped(const Context& ctx, const CivilDate& effective) {
  NewEvent event(ctx.new_id());
  auto b = event.Mutable();
  auto actor = b.initActor();
  actor.setId(ctx.actor.id);
  actor.setRole(ctx.actor.role);
  SetDate(b.initEffectiveDate(), effective);
  return event;
}

NewEvent PeriodClaim(const Context& ctx, const Secondment& s, const Period& period,
                     const CivilDate& effective) {
  NewEvent event = Stamped(ctx, effective);
  auto claim = event.Mutable().getPayload().initPeriodClaimed();
  claim.setSecondmentId(s.id);
  SetDate(claim.initPlannedStart(), period.start);
  SetDate(claim.initPlannedEnd(), period.end);
  return event;
}

}  // namespace rules

namespace {

using schema::Role;
using schema::Scope;
using namespace rules;

Status CheckTexts(const std::vector<std::string>& values, std::string_view what) {
  if (values.size() > kMaxListItems) {
    return InvalidArgument(fmt::format("at most {} {} are allowed", kMaxListItems, what));
  }
  for (const auto& value : values) RETURN_IF_ERROR(CheckText(value, what, true));
  return Status::Ok();
}

// RuleViolation "cannot VERB ID: it is STATE; WHEN" unless the status is one of `allowed`.
Status RequireStatus(const Secondment& s, std::string_view verb,
                     std::initializer_list<SecondmentStatus> allowed, std::string_view when) {
  if (std::find(allowed.begin(), allowed.end(), s.status) != allowed.end()) return Status::Ok();
  return Refused(s, verb, fmt::format("it is {}; {}", StatusName(s.status), when));
}

Decision Single(NewEvent event) {
  Decision decision;
  decision.secondment_events.push_back(std::move(event));
  return decision;
}

bool NeedsException(const Secondment& s, const Policy& policy) {
  return s.extension_request &&
         s.extension_request->until > AddMonths(StartBasis(s), policy.max_months);
}

const Approvals* OpenApprovals(const Secondment& s, Scope scope) {
  switch (scope) {
    case Scope::PLACEMENT:
      return s.status == SecondmentStatus::kProposed ? &s.placement : nullptr;
    case Scope::EXTENSION:
      return s.extension_request ? &s.extension_request->approvals : nullptr;
    case Scope::CONVERSION:
      return s.conversion_request ? &s.conversion_request->approvals : nullptr;
    case Scope::CORRECTION:
      return s.correction_request ? &s.correction_request->approvals : nullptr;
    default:
      return nullptr;
  }
}

// A fact of the placement (feedback, a return handover) lies within it: on or after the
// start, and no later than the return.
Status CheckWithinPlacement(const Secondment& s, std::string_view verb, std::string_view what,
                            const CivilDate& date) {
  if (!s.actual_start) {
    return Refused(s, verb, fmt::format("it has not started; {} comes within the placement", what));
  }
  if (date < *s.actual_start) {
    return Refused(s, verb,
                   fmt::format("{} dated {} is before the start {}", what, DateText(date),
                               DateText(*s.actual_start)));
  }
  if (s.returned_on && *s.returned_on < date) {
    return Refused(s, verb,
                   fmt::format("{} dated {} is after the return {}", what, DateText(date),
                               DateText(*s.returned_on)));
  }
  std::optional<CivilDate> conversion =
      s.converted_on
          ? s.converted_on
          : (s.conversion_request ? std::optional(s.conversion_request->effective) : std::nullopt);
  if (conversion && *conversion < date) {
    return Refused(s, verb,
                   fmt::format("{} dated {} is after the conversion on {}", what, DateText(date),
                               DateText(*conversion)));
  }
  return Status::Ok();
}

// Managers act only on secondments that name them.
Status CheckNamedManager(const Secondment& s, std::string_view verb, const Actor& actor) {
  if (actor.role == Role::HOME_MANAGER && actor.id != s.home.manager_id) {
    return Refused(s, verb,
                   fmt::format("{} is not its home manager ({})", actor.id, s.home.manager_id));
  }
  if (actor.role == Role::HOST_MANAGER && actor.id != s.host.manager_id) {
    return Refused(s, verb,
                   fmt::format("{} is not its host manager ({})", actor.id, s.host.manager_id));
  }
  return Status::Ok();
}

Status CheckParty(const Party& party, std::string_view side) {
  RETURN_IF_ERROR(CheckText(party.org, fmt::format("{} org", side), true, kMaxNameLength));
  RETURN_IF_ERROR(CheckText(party.unit, fmt::format("{} unit", side), true, kMaxNameLength));
  return ValidateId(party.manager_id, fmt::format("{} manager", side));
}

Result<Decision> DecideOne(const Secondment& s, const ProposeCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(ValidateId(c.employee_id, "employee"));
  RETURN_IF_ERROR(CheckParty(c.home, "home"));
  RETURN_IF_ERROR(CheckParty(c.host, "host"));
  if (c.home.org == c.host.org && c.home.unit == c.host.unit) {
    return InvalidArgument("the host unit is the home unit; a secondment moves to another unit");
  }
  if (c.kind == schema::Kind::UNSPECIFIED) return InvalidArgument("kind is required");
  RETURN_IF_ERROR(CheckText(c.role_title, "role title", true, kMaxNameLength));
  RETURN_IF_ERROR(CheckTexts(c.objectives, "objectives"));
  RETURN_IF_ERROR(CheckText(c.location, "location", false, kMaxNameLength));
  RETURN_IF_ERROR(CheckText(c.backfill, "backfill plan", false));
  RETURN_IF_ERROR(CheckFte(c.fte_percent));
  RETURN_IF_ERROR(CheckCountry(c.country));
  if (!(c.start < c.end)) {
    return InvalidArgument(
        fmt::format("end date {} is not after start date {}", DateText(c.end), DateText(c.start)));
  }
  if (s.status != SecondmentStatus::kNone) return Refused(s, "propose", "it already exists");
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "propose", "the proposal", date, ctx));
  CivilDate limit = AddMonths(c.start, ctx.policy->max_months);
  if (c.end > limit) {
    return Refused(
        s, "propose",
        fmt::format("the planned end {} is more than {} months after the start {} "
                    "(policy maximum; latest end {})",
                    DateText(c.end), ctx.policy->max_months, DateText(c.start), DateText(limit)));
  }
  Secondment proposed = s;
  proposed.employee_id = c.employee_id;
  RETURN_IF_ERROR(CheckNoOverlap(proposed, "propose", {c.start, c.end}, ctx));

  Decision decision;
  NewEvent event = Stamped(ctx, date);
  SetProposal(event.Mutable().getPayload().initProposed(), c);
  decision.secondment_events.push_back(std::move(event));
  decision.employee_events.push_back(PeriodClaim(ctx, s, {c.start, c.end}, date));
  return decision;
}

// Approve and refuse share their checks: an open request of the scope, a role it needs, one
// decision per role, dated on or after the request.
Status CheckDecider(const Secondment& s, Scope scope, std::string_view verb, const CivilDate& date,
                    const Context& ctx) {
  if (scope == Scope::UNSPECIFIED) return InvalidArgument("scope is required");
  const Approvals* approvals = OpenApprovals(s, scope);
  if (approvals == nullptr) {
    return Refused(
        s, verb,
        fmt::format("no {} request is open (it is {})", ScopeName(scope), StatusName(s.status)));
  }
  Role role = ctx.actor.role;
  if (approvals->has(role)) {
    return Refused(
        s, verb,
        fmt::format("{} has already approved the {} request", RoleName(role), ScopeName(scope)));
  }
  std::vector<Role> outstanding = OutstandingApprovals(s, scope, *ctx.policy);
  if (std::find(outstanding.begin(), outstanding.end(), role) == outstanding.end()) {
    return Refused(s, verb,
                   fmt::format("the {} request needs no decision from {}; it waits for {}",
                               ScopeName(scope), RoleName(role), Roles(outstanding)));
  }
  RETURN_IF_ERROR(CheckNamedManager(s, verb, ctx.actor));
  RETURN_IF_ERROR(CheckFactDate(s, verb, "the decision", date, ctx));
  if (date < approvals->requested_on) {
    return Refused(s, verb,
                   fmt::format("the decision {} is before the {} request of {}", DateText(date),
                               ScopeName(scope), DateText(approvals->requested_on)));
  }
  return Status::Ok();
}

// Four eyes: one person gives at most one approval of a request, and whoever made the request
// does not give its hr approval (nor any approval of a correction).
Status CheckFourEyes(const Secondment& s, Scope scope, const Context& ctx) {
  const Approvals& approvals = *OpenApprovals(s, scope);
  const Policy& policy = *ctx.policy;
  if (policy.one_approval_per_person && approvals.given_by(ctx.actor.id)) {
    return Refused(s, "approve",
                   fmt::format("{} has already approved the {} request; one person gives at most "
                               "one approval of a request",
                               ctx.actor.id, ScopeName(scope)));
  }
  if (ctx.actor.id != approvals.requested_by) return Status::Ok();
  if (scope == Scope::CORRECTION) {
    return Refused(
        s, "approve",
        fmt::format("{} proposed this correction; a second person approves it", ctx.actor.id));
  }
  if (ctx.actor.role == Role::HR && !policy.requester_may_approve_as_hr) {
    return Refused(s, "approve",
                   fmt::format("{} made the {} request; its hr approval comes from someone else",
                               ctx.actor.id, ScopeName(scope)));
  }
  return Status::Ok();
}

// The events that complete a request once its last approval is given.
Status Complete(const Secondment& s, Scope scope, const CivilDate& date, const Context& ctx,
                Decision& decision) {
  if (scope == Scope::EXTENSION) {
    const ExtensionRequest& request = *s.extension_request;
    Period period{StartBasis(s), request.until};
    RETURN_IF_ERROR(CheckNoOverlap(s, "approve", period, ctx));
    NewEvent extended = Stamped(ctx, date);
    extended.Mutable().getActor().setRole(Role::SYSTEM);
    auto e = extended.Mutable().getPayload().initExtended();
    SetDate(e.initPreviousEnd(), s.planned_end);
    SetDate(e.initNewEnd(), request.until);
    e.setCumulativeDays(
        static_cast<uint32_t>(DaysFromCivil(request.until) - DaysFromCivil(StartBasis(s))));
    decision.secondment_events.push_back(std::move(extended));
    decision.employee_events.push_back(PeriodClaim(ctx, s, period, date));
  } else if (scope == Scope::CONVERSION) {
    const ConversionRequest& request = *s.conversion_request;
    if (s.planned_end < request.effective || request.effective < StartBasis(s)) {
      return Refused(s, "approve",
                     fmt::format("the conversion on {} falls outside the placement {} to {}",
                                 DateText(request.effective), DateText(StartBasis(s)),
                                 DateText(s.planned_end)));
    }
    NewEvent converted = Stamped(ctx, request.effective);
    converted.Mutable().getActor().setRole(Role::SYSTEM);
    auto v = converted.Mutable().getPayload().initConvertedToPermanent();
    SetDate(v.initEffectiveDate(), request.effective);
    v.setNewRole(request.new_role);
    v.setHostOrg(s.host.org);
    v.setHostUnit(s.host.unit);
    decision.secondment_events.push_back(std::move(converted));
  } else if (scope == Scope::CORRECTION) {
    const Correction& correction = s.correction_request->correction;
    Context system = ctx;
    system.actor.role = Role::SYSTEM;
    ASSIGN_OR_RETURN(Decision applied, correction.field == "void"
                                           ? ApplyVoid(s, correction.reason, date, system)
                                           : ApplyCorrection(s, correction, date, system));
    for (auto& event : applied.secondment_events) {
      decision.secondment_events.push_back(std::move(event));
    }
    for (auto& event : applied.employee_events) {
      decision.employee_events.push_back(std::move(event));
    }
  }
  return Status::Ok();
}

Result<Decision> DecideOne(const Secondment& s, const ApproveCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.conditions, "conditions", false));
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckDecider(s, c.scope, "approve", date, ctx));
  RETURN_IF_ERROR(CheckFourEyes(s, c.scope, ctx));
  std::vector<Role> outstanding = OutstandingApprovals(s, c.scope, *ctx.policy);
  bool completes = outstanding.size() == 1;  // CheckDecider: it holds this role

  Decision decision;
  NewEvent grant = Stamped(ctx, date);
  auto g = grant.Mutable().getPayload().initApprovalGranted();
  g.setScope(c.scope);
  g.setApproverRole(ctx.actor.role);
  g.setConditions(c.conditions);
  g.setCompletesRequest(completes);
  decision.secondment_events.push_back(std::move(grant));
  if (completes) RETURN_IF_ERROR(Complete(s, c.scope, date, ctx, decision));
  return decision;
}

Result<Decision> DecideOne(const Secondment& s, const RefuseCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.reason, "reason", true));
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckDecider(s, c.scope, "refuse", date, ctx));
  NewEvent event = Stamped(ctx, date);
  auto r = event.Mutable().getPayload().initApprovalRefused();
  r.setScope(c.scope);
  r.setApproverRole(ctx.actor.role);
  r.setReason(c.reason);
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const WithdrawCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.reason, "reason", true));
  RETURN_IF_ERROR(RequireStatus(s, "withdraw",
                                {SecondmentStatus::kProposed, SecondmentStatus::kApproved},
                                "only a proposed or approved secondment can be withdrawn"));
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "withdraw", "the withdrawal", date, ctx));
  NewEvent event = Stamped(ctx, date);
  event.Mutable().getPayload().initWithdrawn().setReason(c.reason);
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const SignCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.reference, "agreement reference", true, kMaxNameLength));
  if (c.version < 1) return InvalidArgument("agreement version must be 1 or more");
  std::string hash;
  if (!c.sha256_hex.empty()) {
    if (c.sha256_hex.size() != 64 ||
        c.sha256_hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      return InvalidArgument("sha256 must be 64 hex digits");
    }
    for (size_t i = 0; i < 64; i += 2) {
      hash += static_cast<char>(std::stoi(c.sha256_hex.substr(i, 2), nullptr, 16));
    }
  }
  RETURN_IF_ERROR(
      RequireStatus(s, "sign", {SecondmentStatus::kApproved},
                    "an agreement is signed once the placement is approved and before it starts"));
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "sign", "the signature", date, ctx));
  if (s.approved_on && date < *s.approved_on) {
    return Refused(s, "sign",
                   fmt::format("the signature {} is before the placement was approved on {}",
                               DateText(date), DateText(*s.approved_on)));
  }
  NewEvent event = Stamped(ctx, date);
  auto a = event.Mutable().getPayload().initAgreementSigned();
  a.setReference(c.reference);
  a.setVersion(c.version);
  a.setDocumentSha256(kj::arrayPtr(reinterpret_cast<const kj::byte*>(hash.data()), hash.size()));
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const StartCommand& c, const Context& ctx) {
  if (s.status != SecondmentStatus::kApproved) {
    std::string why =
        s.status == SecondmentStatus::kProposed
            ? fmt::format("not approved yet (waiting for {})",
                          Roles(OutstandingApprovals(s, Scope::PLACEMENT, *ctx.policy)))
            : fmt::format("it is {}", StatusName(s.status));
    return Refused(s, "start", why);
  }
  if (ctx.policy->agreement_before_start && !s.agreement_reference) {
    return Refused(s, "start", "agreement not signed");
  }
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "start", "the start", date, ctx));
  RETURN_IF_ERROR(CheckStart(s, "start", date, ctx));
  // The days it holds once started: to its planned end, or to today when that has passed.
  Period period{date, std::max(s.planned_end, ctx.today)};
  RETURN_IF_ERROR(CheckNoOverlap(s, "start", period, ctx));
  Decision decision;
  NewEvent event = Stamped(ctx, date);
  SetDate(event.Mutable().getPayload().initStarted().initActualStart(), date);
  decision.secondment_events.push_back(std::move(event));
  decision.employee_events.push_back(PeriodClaim(ctx, s, period, date));
  return decision;
}

Result<Decision> DecideOne(const Secondment& s, const HandoverCommand& c, const Context& ctx) {
  if (c.direction == schema::HandoverDirection::UNSPECIFIED) {
    return InvalidArgument("direction is required");
  }
  RETURN_IF_ERROR(CheckText(c.from, "from", true, kMaxNameLength));
  RETURN_IF_ERROR(CheckText(c.to, "to", true, kMaxNameLength));
  RETURN_IF_ERROR(CheckTexts(c.duties, "duties"));
  RETURN_IF_ERROR(CheckText(c.notes, "notes", false));
  CivilDate date = StepDate(c.date, ctx);
  if (c.direction == schema::HandoverDirection::RETURN) {
    RETURN_IF_ERROR(RequireStatus(
        s, "record a handover for",
        {SecondmentStatus::kActive, SecondmentStatus::kReturned, SecondmentStatus::kConverted},
        "a return handover is recorded once started"));
    RETURN_IF_ERROR(CheckFactDate(s, "record a handover for", "the handover", date, ctx));
    RETURN_IF_ERROR(CheckWithinPlacement(s, "record a handover for", "a return handover", date));
  } else {
    RETURN_IF_ERROR(RequireStatus(s, "record a handover for",
                                  {SecondmentStatus::kApproved, SecondmentStatus::kActive},
                                  "handovers are recorded once approved and while active"));
    RETURN_IF_ERROR(CheckFactDate(s, "record a handover for", "the handover", date, ctx));
  }
  NewEvent event = Stamped(ctx, date);
  auto h = event.Mutable().getPayload().initHandoverRecorded();
  h.setDirection(c.direction);
  h.setFrom(c.from);
  h.setTo(c.to);
  auto duties = h.initDuties(static_cast<unsigned>(c.duties.size()));
  for (size_t i = 0; i < c.duties.size(); ++i) duties.set(i, c.duties[i]);
  h.setNotes(c.notes);
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const FeedbackCommand& c, const Context& ctx) {
  if (c.rating < 0 || c.rating > 5) {
    return InvalidArgument(fmt::format("rating must be 1 to 5, got {}", c.rating));
  }
  RETURN_IF_ERROR(CheckText(c.text, "feedback text", true));
  Role role = ctx.actor.role;
  if (role != Role::HOST_MANAGER && role != Role::HOME_MANAGER && role != Role::SECONDEE) {
    return Refused(s, "record feedback for",
                   fmt::format("feedback comes from host_manager, home_manager or secondee, not {}",
                               RoleName(role)));
  }
  RETURN_IF_ERROR(RequireStatus(
      s, "record feedback for",
      {SecondmentStatus::kActive, SecondmentStatus::kReturned, SecondmentStatus::kConverted},
      "feedback is recorded while active or after return"));
  RETURN_IF_ERROR(CheckNamedManager(s, "record feedback for", ctx.actor));
  if (role == Role::SECONDEE && ctx.actor.id != s.employee_id) {
    return Refused(s, "record feedback for",
                   fmt::format("{} is not its secondee ({})", ctx.actor.id, s.employee_id));
  }
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "record feedback for", "the feedback", date, ctx));
  RETURN_IF_ERROR(CheckWithinPlacement(s, "record feedback for", "feedback", date));
  NewEvent event = Stamped(ctx, date);
  auto f = event.Mutable().getPayload().initFeedbackRecorded();
  f.setFromRole(role);
  f.setRating(static_cast<uint8_t>(c.rating));
  f.setText(c.text);
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const RequestExtensionCommand& c,
                           const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.rationale, "rationale", true));
  if (s.status != SecondmentStatus::kActive) {
    return Refused(
        s, "extend",
        fmt::format("it is {}; only an active secondment can be extended", StatusName(s.status)));
  }
  if (s.extension_request) {
    return Refused(s, "extend",
                   fmt::format("an extension to {} is already waiting for approval",
                               DateText(s.extension_request->until)));
  }
  if (!(s.planned_end < c.until)) {
    return Refused(s, "extend",
                   fmt::format("the new end {} is not after the planned end {}", DateText(c.until),
                               DateText(s.planned_end)));
  }
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "extend", "the request", date, ctx));
  RETURN_IF_ERROR(CheckWithinPlacement(s, "extend", "the request", date));
  RETURN_IF_ERROR(CheckNoOverlap(s, "extend", {StartBasis(s), c.until}, ctx));
  NewEvent event = Stamped(ctx, date);
  auto r = event.Mutable().getPayload().initExtensionRequested();
  SetDate(r.initNewPlannedEnd(), c.until);
  r.setRationale(c.rationale);
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const ReturnCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.reason, "reason", false));
  if (s.status != SecondmentStatus::kActive) {
    return Refused(
        s, "return",
        fmt::format("it is {}; only an active secondment returns", StatusName(s.status)));
  }
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "return", "the return", date, ctx));
  if (date < *s.actual_start) {
    return Refused(s, "return",
                   fmt::format("the return date {} is before the start {}", DateText(date),
                               DateText(*s.actual_start)));
  }
  for (const Fact& fact : s.facts) {
    if (fact.within_placement && !fact.voided && date < fact.date) {
      return Refused(s, "return",
                     fmt::format("the return date {} is before a step of the placement dated {}",
                                 DateText(date), DateText(fact.date)));
    }
  }
  NewEvent event = Stamped(ctx, date);
  auto r = event.Mutable().getPayload().initReturned();
  SetDate(r.initReturnDate(), date);
  r.setEarly(date < s.planned_end);
  r.setReason(c.reason);
  r.setPosition(c.position);
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const ProposeConversionCommand& c,
                           const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.new_role, "new role", true, kMaxNameLength));
  RETURN_IF_ERROR(CheckText(c.recruitment_ref, "recruitment reference", false, kMaxNameLength));
  if (s.status != SecondmentStatus::kActive) {
    return Refused(
        s, "convert",
        fmt::format("it is {}; only an active secondment converts", StatusName(s.status)));
  }
  if (s.conversion_request) return Refused(s, "convert", "a conversion is already proposed");
  if (ctx.policy->feedback_before_conversion && s.feedback_count == 0) {
    return Refused(s, "convert", "no feedback recorded; the policy asks for evidence first");
  }
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "convert", "the proposal", date, ctx));
  RETURN_IF_ERROR(CheckWithinPlacement(s, "convert", "the proposal", date));
  if (c.effective < *s.actual_start) {
    return Refused(s, "convert",
                   fmt::format("the effective date {} is before the start {}",
                               DateText(c.effective), DateText(*s.actual_start)));
  }
  if (s.planned_end < c.effective) {
    return Refused(s, "convert",
                   fmt::format("the effective date {} is after the planned end {}",
                               DateText(c.effective), DateText(s.planned_end)));
  }
  if (auto last = LastPlacementStep(s); last && c.effective < *last) {
    return Refused(s, "convert",
                   fmt::format("the effective date {} is before a step of the placement dated {}",
                               DateText(c.effective), DateText(*last)));
  }
  NewEvent event = Stamped(ctx, date);
  auto p = event.Mutable().getPayload().initConversionProposed();
  p.setNewRole(c.new_role);
  SetDate(p.initEffectiveDate(), c.effective);
  p.setRecruitmentRef(c.recruitment_ref);
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const CorrectCommand& c, const Context& ctx) {
  return rules::DecideCorrect(s, c, ctx);
}

Result<Decision> DecideOne(const Secondment& s, const VoidCommand& c, const Context& ctx) {
  return rules::DecideVoid(s, c, ctx);
}

}  // namespace

bool Approvals::has(schema::Role role) const {
  return std::find(granted.begin(), granted.end(), role) != granted.end();
}

bool Approvals::given_by(std::string_view id) const {
  return std::find(granted_by.begin(), granted_by.end(), id) != granted_by.end();
}

std::string_view StatusName(SecondmentStatus status) {
  switch (status) {
    case SecondmentStatus::kNone:
      return "none";
    case SecondmentStatus::kProposed:
      return "proposed";
    case SecondmentStatus::kApproved:
      return "approved";
    case SecondmentStatus::kActive:
      return "active";
    case SecondmentStatus::kReturned:
      return "returned";
    case SecondmentStatus::kConverted:
      return "converted";
    case SecondmentStatus::kRejected:
      return "rejected";
    case SecondmentStatus::kWithdrawn:
      return "withdrawn";
  }
  return "unknown";
}

Result<SecondmentStatus> ParseStatusName(std::string_view text, std::string_view what) {
  for (auto s :
       {SecondmentStatus::kProposed, SecondmentStatus::kApproved, SecondmentStatus::kActive,
        SecondmentStatus::kReturned, SecondmentStatus::kConverted, SecondmentStatus::kRejected,
        SecondmentStatus::kWithdrawn}) {
    if (StatusName(s) == text) return s;
  }
  std::string shown;
  for (char c : text.substr(0, 40)) shown += (c >= 0 && c < 0x20) || c == 0x7F ? '?' : c;
  if (text.size() > 40) shown += "...";
  return InvalidArgument(fmt::format(
      "unknown value '{}' for {}; expected one of: proposed, approved, active, returned, "
      "converted, rejected, withdrawn",
      shown, what));
}

bool IsTerminal(SecondmentStatus status) {
  return status == SecondmentStatus::kReturned || status == SecondmentStatus::kConverted ||
         status == SecondmentStatus::kRejected || status == SecondmentStatus::kWithdrawn;
}

CivilDate Secondment::EndBasis() const {
  if (returned_on) return *returned_on;
  if (converted_on) return *converted_on;
  return planned_end;
}

int Secondment::CumulativeDays() const {
  if (status == SecondmentStatus::kNone) return 0;
  return static_cast<int>(DaysFromCivil(EndBasis()) - DaysFromCivil(StartBasis(*this)));
}

int Secondment::PlannedDays() const {
  if (status == SecondmentStatus::kNone) return 0;
  return static_cast<int>(DaysFromCivil(planned_end) - DaysFromCivil(planned_start));
}

std::optional<Period> HeldPeriod(const Secondment& s, CivilDate today) {
  switch (s.status) {
    case SecondmentStatus::kProposed:
    case SecondmentStatus::kApproved:
      return Period{s.planned_start, s.planned_end};
    case SecondmentStatus::kActive:
      return Period{StartBasis(s), std::max(s.planned_end, today)};
    case SecondmentStatus::kReturned:
    case SecondmentStatus::kConverted:
      return Period{StartBasis(s), s.EndBasis()};
    default:
      return std::nullopt;
  }
}

SecondmentStatus StatusOn(const Secondment& s, CivilDate today) {
  if (s.status == SecondmentStatus::kConverted && s.converted_on && today < *s.converted_on) {
    return SecondmentStatus::kActive;
  }
  return s.status;
}

std::string_view CommandName(const Command& command) {
  static constexpr std::string_view kNames[] = {"propose",
                                                "approve",
                                                "refuse",
                                                "withdraw",
                                                "sign",
                                                "start",
                                                "handover",
                                                "feedback",
                                                "request-extension",
                                                "return",
                                                "propose-conversion",
                                                "correct",
                                                "void"};
  return kNames[command.index()];
}

std::optional<CivilDate> CommandDate(const Command& command) {
  return std::visit([](const auto& c) { return c.date; }, command);
}

Status ValidateId(std::string_view id, std::string_view what) {
  if (id.empty()) return InvalidArgument(fmt::format("{} id is required", what));
  if (id.size() > kMaxIdLength) {
    return InvalidArgument(
        fmt::format("{} id is {} characters; the limit is {}", what, id.size(), kMaxIdLength));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
      return InvalidArgument(fmt::format(
          "{} id may hold only letters, digits, '.', '_' and '-', starting with a letter or "
          "digit",
          what));
    }
  }
  return Status::Ok();
}

std::vector<schema::Role> OutstandingApprovals(const Secondment& s, schema::Scope scope,
                                               const Policy& policy) {
  const Approvals* approvals = OpenApprovals(s, scope);
  if (approvals == nullptr) return {};
  std::vector<Role> needed = policy.Approvers(scope);
  if (scope == Scope::EXTENSION && NeedsException(s, policy)) needed.push_back(Role::EXCEPTION);
  std::vector<Role> outstanding;
  for (Role role : needed) {
    if (!approvals->has(role)) outstanding.push_back(role);
  }
  return outstanding;
}

Result<Decision> Decide(const Secondment& state, const Command& command, const Context& context) {
  if (context.actor.role == Role::UNSPECIFIED || context.actor.role == Role::SYSTEM ||
      context.actor.role == Role::AUDITOR || context.actor.role == Role::SUBSCRIBER) {
    return InvalidArgument(
        "the acting role must be hr, home_manager, host_manager, secondee or "
        "exception");
  }
  RETURN_IF_ERROR(ValidateId(context.actor.id, "actor"));
  return std::visit([&](const auto& c) { return DecideOne(state, c, context); }, command);
}

}  // namespace secondment
