// Approvals: approve and refuse on an open request (placement, extension, conversion,
// correction), the four-eyes rule, and what completes a request.

#include <fmt/format.h>

#include <algorithm>

#include "ledger/base/text.h"
#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/checks.h"
#include "ledger/lifecycle/rules.h"
#include "ledger/lifecycle/streams.h"

namespace secondment {
namespace rules {
namespace {

using schema::Role;
using schema::Scope;

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

}  // namespace

Result<Decision> DecideApprove(const Secondment& s, const ApproveCommand& c, const Context& ctx) {
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

Result<Decision> DecideRefuse(const Secondment& s, const RefuseCommand& c, const Context& ctx) {
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

}  // namespace rules

using schema::Role;
using schema::Scope;

bool Approvals::has(schema::Role role) const {
  return std::find(granted.begin(), granted.end(), role) != granted.end();
}

bool Approvals::given_by(std::string_view id) const {
  return std::find(granted_by.begin(), granted_by.end(), id) != granted_by.end();
}

std::vector<schema::Role> OutstandingApprovals(const Secondment& s, schema::Scope scope,
                                               const Policy& policy) {
  const Approvals* approvals = rules::OpenApprovals(s, scope);
  if (approvals == nullptr) return {};
  std::vector<Role> needed = policy.Approvers(scope);
  if (scope == Scope::EXTENSION && rules::NeedsException(s, policy)) {
    needed.push_back(Role::EXCEPTION);
  }
  std::vector<Role> outstanding;
  for (Role role : needed) {
    if (!approvals->has(role)) outstanding.push_back(role);
  }
  return outstanding;
}

bool AwaitsApprovalFrom(const Secondment& s, schema::Scope scope, const Actor& actor,
                        const Policy& policy) {
  std::vector<schema::Role> outstanding = OutstandingApprovals(s, scope, policy);
  if (std::find(outstanding.begin(), outstanding.end(), actor.role) == outstanding.end()) {
    return false;
  }
  Context ctx;
  ctx.policy = &policy;
  ctx.actor = actor;
  return rules::CheckFourEyes(s, scope, ctx).ok();
}

}  // namespace secondment
