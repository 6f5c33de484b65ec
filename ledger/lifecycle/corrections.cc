// Corrections are events: `correct` (Corrected) and `void` (Voided), decided like every other
// step, with every date rule checked again on the state they leave (rules.h).

#include <fmt/format.h>

#include <algorithm>

#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/checks.h"
#include "ledger/lifecycle/rules.h"
#include "ledger/lifecycle/streams.h"

namespace secondment::rules {
namespace {

using schema::Role;
using P = schema::Event::Payload;

std::string_view kVoidField = "void";

// The correctors of the policy may correct; closed requests have nothing to correct.
Status CheckCorrector(const Secondment& s, std::string_view verb, const Context& ctx) {
  const auto& correctors = ctx.policy->correctors;
  if (ctx.actor.role != Role::SYSTEM &&
      std::find(correctors.begin(), correctors.end(), ctx.actor.role) == correctors.end()) {
    return Refused(s, verb,
                   fmt::format("corrections are made by {}, not {}", Roles(correctors),
                               RoleName(ctx.actor.role)));
  }
  if (s.status == SecondmentStatus::kRejected || s.status == SecondmentStatus::kWithdrawn) {
    return Refused(
        s, verb,
        fmt::format("it is {}; a closed request has nothing to correct", StatusName(s.status)));
  }
  if (ctx.actor.role != Role::SYSTEM && s.correction_request) {
    const Correction& waiting = s.correction_request->correction;
    return Refused(
        s, verb,
        fmt::format("a correction ({} of {}) is waiting for approval; approve or "
                    "refuse it first",
                    waiting.field == kVoidField ? "void" : "change",
                    waiting.field == kVoidField ? "position " + waiting.new_value : waiting.field));
  }
  return Status::Ok();
}

bool NeedsSecondApproval(const Secondment& s, bool dates, const Policy& policy) {
  switch (policy.correction_approval) {
    case Policy::CorrectionApproval::kNone:
      return false;
    case Policy::CorrectionApproval::kAll:
      return true;
    case Policy::CorrectionApproval::kDatesAfterStart:
      return dates && s.actual_start.has_value();
  }
  return true;
}

NewEvent Proposal(const Context& ctx, const CivilDate& date, const Correction& c) {
  NewEvent event = Stamped(ctx, date);
  auto p = event.Mutable().getPayload().initCorrectionProposed();
  p.setField(c.field);
  p.setOldValue(c.old_value);
  p.setNewValue(c.new_value);
  p.setReason(c.reason);
  p.setCorrectsPosition(c.corrects_position);
  return event;
}

uint64_t SourceOf(const Secondment& s, std::string_view field) {
  auto index = FieldIndex(field);
  return index ? s.field_sources[*index] : 0;
}

// The state after undoing the target's step, or why it may not be voided.
Result<Secondment> Unvoided(const Secondment& s, std::string_view verb, const Context& ctx) {
  if (!ctx.void_target) return InvalidArgument("position is required");
  const VoidTarget& target = *ctx.void_target;
  if (target.stream_id != SecondmentStream(s.id)) {
    return Refused(s, verb,
                   fmt::format("position {} holds a {} event of {}, not of {}", target.position,
                               target.type, target.stream_id, s.id));
  }
  auto fact = std::find_if(s.facts.begin(), s.facts.end(), [&](const Fact& f) {
    return f.event_id.AsStringView() == target.event_id;
  });
  if (fact == s.facts.end()) {
    return Refused(s, verb,
                   fmt::format("position {} holds a {} event; only a start, a return, feedback "
                               "or a handover can be voided (correct a field instead)",
                               target.position, target.type));
  }
  if (fact->voided)
    return Refused(s, verb, fmt::format("position {} is already void", target.position));
  Secondment after = s;
  Fact& undone = after.facts[static_cast<size_t>(fact - s.facts.begin())];
  undone.voided = true;
  if (fact->type == P::STARTED) {
    bool later = s.status != SecondmentStatus::kActive || !s.extensions.empty() ||
                 s.extension_request || s.conversion_request ||
                 std::any_of(s.facts.begin(), s.facts.end(),
                             [](const Fact& f) { return f.within_placement && !f.voided; });
    if (later) {
      return Refused(s, verb,
                     "steps of the placement were recorded after its start; void or correct "
                     "them first (or correct actual_start)");
    }
    after.status = SecondmentStatus::kApproved;
    after.actual_start.reset();
  } else if (fact->type == P::RETURNED) {
    after.status = SecondmentStatus::kActive;
    after.returned_on.reset();
    after.returned_early = false;
  } else if (fact->type == P::FEEDBACK_RECORDED) {
    --after.feedback_count;
    bool converting = s.conversion_request || s.status == SecondmentStatus::kConverted;
    if (after.feedback_count == 0 && converting && ctx.policy->feedback_before_conversion) {
      return Refused(s, verb,
                     "its conversion rests on this feedback, the only one recorded; the policy "
                     "asks for evidence before a conversion");
    }
  } else if (fact->type == P::HANDOVER_RECORDED) {
    --after.handover_count;
  }
  return after;
}

void AddClaim(const Secondment& before, const Secondment& after, const Context& ctx,
              const CivilDate& date, Decision& decision) {
  auto was = HeldPeriod(before, ctx.today);
  auto now = HeldPeriod(after, ctx.today);
  if (!now) return;
  if (was && was->start == now->start && was->end == now->end) return;
  decision.employee_events.push_back(PeriodClaim(ctx, after, *now, date));
}

}  // namespace

Result<Decision> ApplyCorrection(const Secondment& s, const Correction& c, const CivilDate& date,
                                 const Context& ctx) {
  std::string now = FieldValue(s, c.field);
  if (now != c.old_value) {
    return Refused(s, "correct",
                   fmt::format("{} is now {}, no longer {} as when the correction was proposed; "
                               "refuse it and propose it again",
                               c.field, now.empty() ? "(none)" : now, c.old_value));
  }
  Secondment after = s;
  after.correction_request.reset();
  RETURN_IF_ERROR(SetFieldValue(after, c.field, c.new_value));
  if (after.home.org == after.host.org && after.home.unit == after.host.unit) {
    return Refused(s, "correct", "the host unit would be the home unit");
  }
  if (IsDateField(c.field)) RETURN_IF_ERROR(CheckDates(after, "correct", ctx));
  Decision decision;
  NewEvent event = Stamped(ctx, date);
  auto e = event.Mutable().getPayload().initCorrected();
  e.setField(c.field);
  e.setOldValue(FieldValue(s, c.field));
  e.setNewValue(c.new_value);
  e.setReason(c.reason);
  e.setCorrectsPosition(c.corrects_position);
  decision.secondment_events.push_back(std::move(event));
  if (IsDateField(c.field)) AddClaim(s, after, ctx, date, decision);
  return decision;
}

Result<Decision> ApplyVoid(const Secondment& s, const std::string& reason, const CivilDate& date,
                           const Context& ctx) {
  ASSIGN_OR_RETURN(Secondment after, Unvoided(s, "void", ctx));
  after.correction_request.reset();
  RETURN_IF_ERROR(CheckDates(after, "void", ctx));
  const VoidTarget& target = *ctx.void_target;
  Decision decision;
  NewEvent event = Stamped(ctx, date);
  auto v = event.Mutable().getPayload().initVoided();
  v.setPosition(target.position);
  v.setEventId(kj::arrayPtr(reinterpret_cast<const kj::byte*>(target.event_id.data()),
                            target.event_id.size()));
  v.setVoidedType(target.type);
  v.setReason(reason);
  decision.secondment_events.push_back(std::move(event));
  AddClaim(s, after, ctx, date, decision);
  return decision;
}

Result<Decision> DecideCorrect(const Secondment& s, const CorrectCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.reason, "reason", true));
  if (c.field.empty()) return InvalidArgument("field is required");
  auto known = std::find(CorrectableFields().begin(), CorrectableFields().end(), c.field);
  Secondment probe = s;
  if (known == CorrectableFields().end()) {
    return SetFieldValue(probe, c.field, c.value);  // InvalidArgument naming the fields
  }
  RETURN_IF_ERROR(SetFieldValue(probe, c.field, c.value));
  RETURN_IF_ERROR(CheckCorrector(s, "correct", ctx));
  if ((c.field == "home_manager" || c.field == "host_manager") && ctx.actor.role != Role::HR) {
    return Refused(s, "correct",
                   fmt::format("who manages a secondment is corrected by hr, not {}",
                               RoleName(ctx.actor.role)));
  }
  if (c.field == "actual_start" && !s.actual_start) {
    return Refused(s, "correct", "it has not started; record the start instead");
  }
  if (c.field == "return_date" && !s.returned_on) {
    return Refused(s, "correct", "it has not returned; record the return instead");
  }
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "correct", "the correction", date, ctx));
  Correction correction{c.field, FieldValue(s, c.field), FieldValue(probe, c.field), c.reason,
                        SourceOf(s, c.field)};
  if (correction.new_value == correction.old_value) {
    return InvalidArgument(
        fmt::format("{} is already {}; nothing to correct", c.field, correction.old_value));
  }
  // Checked now, so that a request that could never be approved is refused at once.
  ASSIGN_OR_RETURN(Decision applied, ApplyCorrection(s, correction, date, ctx));
  if (!NeedsSecondApproval(s, IsDateField(c.field), *ctx.policy)) return applied;
  Decision decision;
  decision.secondment_events.push_back(Proposal(ctx, date, correction));
  return decision;
}

Result<Decision> DecideVoid(const Secondment& s, const VoidCommand& c, const Context& ctx) {
  RETURN_IF_ERROR(CheckText(c.reason, "reason", true));
  if (c.position == 0) return InvalidArgument("position must be 1 or more");
  RETURN_IF_ERROR(CheckCorrector(s, "void", ctx));
  CivilDate date = StepDate(c.date, ctx);
  RETURN_IF_ERROR(CheckFactDate(s, "void", "the void", date, ctx));
  ASSIGN_OR_RETURN(Decision applied, ApplyVoid(s, c.reason, date, ctx));
  const VoidTarget& target = *ctx.void_target;
  bool dates = target.type == "started" || target.type == "returned";
  if (!NeedsSecondApproval(s, dates, *ctx.policy)) return applied;
  Correction correction{std::string(kVoidField), target.type, std::to_string(target.position),
                        c.reason, target.position};
  Decision decision;
  decision.secondment_events.push_back(Proposal(ctx, date, correction));
  return decision;
}

}  // namespace secondment::rules
