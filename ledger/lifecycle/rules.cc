// The rules shared by the lifecycle's steps, approvals and corrections (rules.h): refusals,
// dates, periods, and the events they stamp.

#include "ledger/lifecycle/rules.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/base/text.h"
#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/checks.h"
#include "ledger/lifecycle/streams.h"

namespace secondment::rules {

using schema::Role;
using schema::Scope;

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

std::string DateText(const CivilDate& date) { return FormatDate(date); }

CivilDate StartBasis(const Secondment& s) { return s.actual_start.value_or(s.planned_start); }

namespace {

CivilDate LatestFactDate(const Context& ctx) {
  return CivilFromDays(DaysFromCivil(ctx.today) + ctx.policy->max_days_ahead);
}

// Whether an exception approval covers a placement running to `end`.
bool Covered(const Secondment& s, const CivilDate& end) {
  return s.exception_until && !(*s.exception_until < end);
}

}  // namespace

// The latest date of a step of the placement (feedback, a return handover) not voided.
std::optional<CivilDate> LastPlacementStep(const Secondment& s) {
  std::optional<CivilDate> last;
  for (const Fact& fact : s.facts) {
    if (fact.within_placement && !fact.voided && (!last || *last < fact.date)) last = fact.date;
  }
  return last;
}

// The placement runs to here at most: its return or conversion, else open.
std::optional<CivilDate> PlacementEnd(const Secondment& s) {
  if (s.returned_on) return s.returned_on;
  if (s.converted_on) return s.converted_on;
  return std::nullopt;
}

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

}  // namespace secondment::rules
