#include "ledger/lifecycle/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/base/text.h"
#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/checks.h"
#include "ledger/lifecycle/rules.h"
#include "ledger/lifecycle/streams.h"

namespace secondment {
namespace {

using schema::Role;
using schema::Scope;
using namespace rules;

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

Result<Decision> DecideOne(const Secondment& s, const ApproveCommand& c, const Context& ctx) {
  return DecideApprove(s, c, ctx);
}

Result<Decision> DecideOne(const Secondment& s, const RefuseCommand& c, const Context& ctx) {
  return DecideRefuse(s, c, ctx);
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
  if (s.status == SecondmentStatus::kConverted) {
    return Refused(s, "return",
                   fmt::format("it becomes a permanent post on {}; there is no return",
                               DateText(*s.converted_on)));
  }
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
  if (auto last = LastPlacementStep(s); last && date < *last) {
    return Refused(s, "return",
                   fmt::format("the return date {} is before a step of the placement dated {}",
                               DateText(date), DateText(*last)));
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
  return DecideCorrect(s, c, ctx);
}

Result<Decision> DecideOne(const Secondment& s, const VoidCommand& c, const Context& ctx) {
  return DecideVoid(s, c, ctx);
}

}  // namespace

VoidTarget VoidTargetOf(Position position, schema::Event::Reader event) {
  auto id = event.getEventId();
  return VoidTarget{position, event.getStreamId().cStr(),
                    std::string(reinterpret_cast<const char*>(id.begin()), id.size()),
                    std::string(EventTypeName(event))};
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
