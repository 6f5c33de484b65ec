#include "ledger/lifecycle/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/base/json_input.h"
#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"

namespace secondment {
namespace {

using schema::Role;
using schema::Scope;

constexpr size_t kMaxNameLength = 200;  // org, unit, person, role title, reference

// Free text: valid UTF-8, no control characters, at most `max` bytes; `required` refuses
// empty or blank text.
Status CheckText(std::string_view value, std::string_view what, bool required,
                 size_t max = kMaxTextLength) {
  if (value.size() > max) {
    return InvalidArgument(fmt::format("{} is {} bytes; the limit is {}", what, value.size(), max));
  }
  if (!IsValidUtf8(value)) return InvalidArgument(fmt::format("{} is not valid UTF-8", what));
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      return InvalidArgument(fmt::format("{} contains a control character", what));
    }
  }
  if (required && value.find_first_not_of(' ') == std::string_view::npos) {
    return InvalidArgument(fmt::format("{} is required", what));
  }
  return Status::Ok();
}

Status CheckTexts(const std::vector<std::string>& values, std::string_view what) {
  if (values.size() > kMaxListItems) {
    return InvalidArgument(fmt::format("at most {} {} are allowed", kMaxListItems, what));
  }
  for (const auto& value : values) RETURN_IF_ERROR(CheckText(value, what, true));
  return Status::Ok();
}

Status Refused(const Secondment& s, std::string_view verb, std::string_view why) {
  return RuleViolation(fmt::format("cannot {} {}: {}", verb, s.id, why));
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

std::string Roles(const std::vector<Role>& roles) {
  std::string out;
  for (Role role : roles) out += fmt::format("{}{}", out.empty() ? "" : ", ", RoleName(role));
  return out.empty() ? "none" : out;
}

std::string DateText(const CivilDate& date) { return FormatDate(date); }

CivilDate StartBasis(const Secondment& s) { return s.actual_start.value_or(s.planned_start); }

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
    default:
      return nullptr;
  }
}

// A new event stamped with the acting principal and an effective date.
NewEvent Stamped(const Context& ctx, const CivilDate& effective) {
  NewEvent event(ctx.new_id());
  auto b = event.Mutable();
  auto actor = b.initActor();
  actor.setId(ctx.actor.id);
  actor.setRole(ctx.actor.role);
  SetDate(b.initEffectiveDate(), effective);
  return event;
}

NewEvent PeriodClaim(const Context& ctx, const Secondment& s, const CivilDate& start,
                     const CivilDate& end) {
  NewEvent event = Stamped(ctx, ctx.today);
  auto claim = event.Mutable().getPayload().initPeriodClaimed();
  claim.setSecondmentId(s.id);
  SetDate(claim.initPlannedStart(), start);
  SetDate(claim.initPlannedEnd(), end);
  return event;
}

// RuleViolation when [start, end] overlaps another open secondment of the same employee.
Status CheckNoOverlap(const Secondment& s, std::string_view verb, std::string_view employee,
                      const CivilDate& start, const CivilDate& end, const Context& ctx) {
  for (const ClaimedPeriod& other : ctx.other_periods) {
    if (other.secondment_id == s.id) continue;
    if (other.start <= end && start <= other.end) {
      return Refused(s, verb,
                     fmt::format("employee {} already has secondment {} from {} to {}, which "
                                 "overlaps {} to {}",
                                 employee, other.secondment_id, DateText(other.start),
                                 DateText(other.end), DateText(start), DateText(end)));
    }
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
  if (c.fte_percent < 1 || c.fte_percent > 100) {
    return InvalidArgument(fmt::format("fte must be 1 to 100 percent, got {}", c.fte_percent));
  }
  bool country_ok = c.country.empty() || (c.country.size() == 2 &&
                                          std::isupper(static_cast<unsigned char>(c.country[0])) &&
                                          std::isupper(static_cast<unsigned char>(c.country[1])));
  if (!country_ok) {
    return InvalidArgument("country must be an ISO 3166-1 alpha-2 code such as GB or US");
  }
  if (!(c.start < c.end)) {
    return InvalidArgument(
        fmt::format("end date {} is not after start date {}", DateText(c.end), DateText(c.start)));
  }
  if (s.status != SecondmentStatus::kNone) return Refused(s, "propose", "it already exists");
  CivilDate limit = AddMonths(c.start, ctx.policy->max_months);
  if (c.end > limit) {
    return Refused(
        s, "propose",
        fmt::format("the planned end {} is more than {} months after the start {} "
                    "(policy maximum; latest end {})",
                    DateText(c.end), ctx.policy->max_months, DateText(c.start), DateText(limit)));
  }
  RETURN_IF_ERROR(CheckNoOverlap(s, "propose", c.employee_id, c.start, c.end, ctx));

  Decision decision;
  NewEvent event = Stamped(ctx, ctx.today);
  SetProposal(event.Mutable().getPayload().initProposed(), c);
  decision.secondment_events.push_back(std::move(event));
  decision.employee_events.push_back(PeriodClaim(ctx, s, c.start, c.end));
  return decision;
}

// Approve and refuse share their checks: an open request of the scope, a role it needs, one
// decision per role.
Status CheckDecider(const Secondment& s, Scope scope, std::string_view verb, const Context& ctx) {
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
  return CheckNamedManager(s, verb, ctx.actor);
}

Result<Decision> DecideOne(const Secondment& s, const ApproveCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.conditions, "conditions", false));
  RETURN_IF_ERROR(CheckDecider(s, c.scope, "approve", ctx));
  std::vector<Role> outstanding = OutstandingApprovals(s, c.scope, *ctx.policy);
  bool completes = outstanding.size() == 1;  // CheckDecider: it holds this role

  Decision decision;
  NewEvent grant = Stamped(ctx, ctx.today);
  auto g = grant.Mutable().getPayload().initApprovalGranted();
  g.setScope(c.scope);
  g.setApproverRole(ctx.actor.role);
  g.setConditions(c.conditions);
  g.setCompletesRequest(completes);
  decision.secondment_events.push_back(std::move(grant));
  if (!completes) return decision;

  if (c.scope == Scope::EXTENSION) {
    const ExtensionRequest& request = *s.extension_request;
    RETURN_IF_ERROR(CheckNoOverlap(s, "approve", s.employee_id, StartBasis(s), request.until, ctx));
    NewEvent extended = Stamped(ctx, ctx.today);
    extended.Mutable().initActor().setId(ctx.actor.id);
    extended.Mutable().getActor().setRole(Role::SYSTEM);
    auto e = extended.Mutable().getPayload().initExtended();
    SetDate(e.initPreviousEnd(), s.planned_end);
    SetDate(e.initNewEnd(), request.until);
    e.setCumulativeDays(
        static_cast<uint32_t>(DaysFromCivil(request.until) - DaysFromCivil(StartBasis(s))));
    decision.secondment_events.push_back(std::move(extended));
    decision.employee_events.push_back(PeriodClaim(ctx, s, s.planned_start, request.until));
  } else if (c.scope == Scope::CONVERSION) {
    const ConversionRequest& request = *s.conversion_request;
    NewEvent converted = Stamped(ctx, request.effective);
    converted.Mutable().getActor().setRole(Role::SYSTEM);
    auto v = converted.Mutable().getPayload().initConvertedToPermanent();
    SetDate(v.initEffectiveDate(), request.effective);
    v.setNewRole(request.new_role);
    v.setHostOrg(s.host.org);
    v.setHostUnit(s.host.unit);
    decision.secondment_events.push_back(std::move(converted));
  }
  return decision;
}

Result<Decision> DecideOne(const Secondment& s, const RefuseCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.reason, "reason", true));
  RETURN_IF_ERROR(CheckDecider(s, c.scope, "refuse", ctx));
  NewEvent event = Stamped(ctx, ctx.today);
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
  NewEvent event = Stamped(ctx, ctx.today);
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
  NewEvent event = Stamped(ctx, ctx.today);
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
  if (!(c.date < s.planned_end)) {
    return Refused(s, "start",
                   fmt::format("start date {} is not before the planned end {}", DateText(c.date),
                               DateText(s.planned_end)));
  }
  NewEvent event = Stamped(ctx, c.date);
  SetDate(event.Mutable().getPayload().initStarted().initActualStart(), c.date);
  return Single(std::move(event));
}

Result<Decision> DecideOne(const Secondment& s, const HandoverCommand& c, const Context& ctx) {
  if (c.direction == schema::HandoverDirection::UNSPECIFIED) {
    return InvalidArgument("direction is required");
  }
  RETURN_IF_ERROR(CheckText(c.from, "from", true, kMaxNameLength));
  RETURN_IF_ERROR(CheckText(c.to, "to", true, kMaxNameLength));
  RETURN_IF_ERROR(CheckTexts(c.duties, "duties"));
  RETURN_IF_ERROR(CheckText(c.notes, "notes", false));
  RETURN_IF_ERROR(RequireStatus(s, "record a handover for",
                                {SecondmentStatus::kApproved, SecondmentStatus::kActive},
                                "handovers are recorded once approved and while active"));
  NewEvent event = Stamped(ctx, ctx.today);
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
  RETURN_IF_ERROR(RequireStatus(s, "record feedback for",
                                {SecondmentStatus::kActive, SecondmentStatus::kReturned},
                                "feedback is recorded while active or after return"));
  RETURN_IF_ERROR(CheckNamedManager(s, "record feedback for", ctx.actor));
  if (role == Role::SECONDEE && ctx.actor.id != s.employee_id) {
    return Refused(s, "record feedback for",
                   fmt::format("{} is not its secondee ({})", ctx.actor.id, s.employee_id));
  }
  NewEvent event = Stamped(ctx, ctx.today);
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
  RETURN_IF_ERROR(CheckNoOverlap(s, "extend", s.employee_id, StartBasis(s), c.until, ctx));
  NewEvent event = Stamped(ctx, ctx.today);
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
  if (c.date < *s.actual_start) {
    return Refused(s, "return",
                   fmt::format("the return date {} is before the start {}", DateText(c.date),
                               DateText(*s.actual_start)));
  }
  NewEvent event = Stamped(ctx, c.date);
  auto r = event.Mutable().getPayload().initReturned();
  SetDate(r.initReturnDate(), c.date);
  r.setEarly(c.date < s.planned_end);
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
  if (c.effective < *s.actual_start) {
    return Refused(s, "convert",
                   fmt::format("the effective date {} is before the start {}",
                               DateText(c.effective), DateText(*s.actual_start)));
  }
  NewEvent event = Stamped(ctx, ctx.today);
  auto p = event.Mutable().getPayload().initConversionProposed();
  p.setNewRole(c.new_role);
  SetDate(p.initEffectiveDate(), c.effective);
  p.setRecruitmentRef(c.recruitment_ref);
  return Single(std::move(event));
}

}  // namespace

bool Approvals::has(schema::Role role) const {
  return std::find(granted.begin(), granted.end(), role) != granted.end();
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

int Secondment::CumulativeDays() const {
  if (status == SecondmentStatus::kNone) return 0;
  return static_cast<int>(DaysFromCivil(planned_end) - DaysFromCivil(StartBasis(*this)));
}

std::string_view CommandName(const Command& command) {
  static constexpr std::string_view kNames[] = {
      "propose",  "approve",           "refuse", "withdraw",          "sign", "start", "handover",
      "feedback", "request-extension", "return", "propose-conversion"};
  return kNames[command.index()];
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
