// Evolve: the state after an event (ledger/lifecycle/lifecycle.h). It needs nothing but the events.

#include "ledger/event/schema_date.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment {
namespace {

using schema::Scope;

std::string Text(capnp::Text::Reader text) { return {text.cStr(), text.size()}; }

std::string Bytes(capnp::Data::Reader data) {
  return {reinterpret_cast<const char*>(data.begin()), data.size()};
}

void SetSource(Secondment& s, std::string_view field, uint64_t position) {
  if (auto index = FieldIndex(field)) s.field_sources[*index] = position;
}

void AddFact(Secondment& s, schema::Event::Reader event, CivilDate date,
             bool within_placement = false) {
  auto id = EventId::FromBytes(Bytes(event.getEventId()));
  s.facts.push_back(
      {id.ok() ? *id : EventId(), event.getPayload().which(), date, within_placement, false});
}

// Records a grant on `approvals`.
void Grant(Approvals& approvals, schema::Event::Reader event) {
  approvals.granted.push_back(event.getPayload().getApprovalGranted().getApproverRole());
  approvals.granted_by.push_back(Text(event.getActor().getId()));
}

Approvals Request(schema::Event::Reader event) {
  Approvals approvals;
  approvals.requested_by = Text(event.getActor().getId());
  approvals.requested_on = DateOf(event.getEffectiveDate());
  return approvals;
}

Correction CorrectionOf(capnp::Text::Reader field, capnp::Text::Reader old_value,
                        capnp::Text::Reader new_value, capnp::Text::Reader reason,
                        uint64_t position) {
  return {Text(field), Text(old_value), Text(new_value), Text(reason), position};
}

// Undoes what the voided step did.
void Undo(Secondment& s, std::string_view event_id) {
  using P = schema::Event::Payload;
  for (Fact& fact : s.facts) {
    if (fact.event_id.AsStringView() != event_id || fact.voided) continue;
    fact.voided = true;
    switch (fact.type) {
      case P::STARTED:
        s.status = SecondmentStatus::kApproved;
        s.actual_start.reset();
        break;
      case P::RETURNED:
        s.status = SecondmentStatus::kActive;
        s.returned_on.reset();
        s.returned_early = false;
        break;
      case P::FEEDBACK_RECORDED:
        --s.feedback_count;
        break;
      case P::HANDOVER_RECORDED:
        --s.handover_count;
        break;
      default:
        break;
    }
    return;
  }
}

}  // namespace

void SetParty(schema::Party::Builder out, const Party& party) {
  out.setOrg(party.org);
  out.setUnit(party.unit);
  out.setManagerId(party.manager_id);
}

Party PartyOf(schema::Party::Reader party) {
  return {Text(party.getOrg()), Text(party.getUnit()), Text(party.getManagerId())};
}

void SetProposal(schema::Proposed::Builder out, const ProposeCommand& c) {
  out.setEmployeeId(c.employee_id);
  SetParty(out.initHome(), c.home);
  SetParty(out.initHost(), c.host);
  out.setKind(c.kind);
  out.setRoleTitle(c.role_title);
  auto objectives = out.initObjectives(static_cast<unsigned>(c.objectives.size()));
  for (size_t i = 0; i < c.objectives.size(); ++i) objectives.set(i, c.objectives[i]);
  SetDate(out.initPlannedStart(), c.start);
  SetDate(out.initPlannedEnd(), c.end);
  out.setFtePercent(static_cast<uint8_t>(c.fte_percent));
  out.setLocation(c.location);
  out.setCountry(c.country);
  out.setCostArrangement(c.cost);
  out.setBackfillPlan(c.backfill);
}

ProposeCommand ProposalOf(schema::Proposed::Reader p) {
  ProposeCommand c;
  c.employee_id = Text(p.getEmployeeId());
  c.home = PartyOf(p.getHome());
  c.host = PartyOf(p.getHost());
  c.kind = p.getKind();
  c.role_title = Text(p.getRoleTitle());
  for (auto objective : p.getObjectives()) c.objectives.push_back(Text(objective));
  c.start = DateOf(p.getPlannedStart());
  c.end = DateOf(p.getPlannedEnd());
  c.fte_percent = p.getFtePercent();
  c.location = Text(p.getLocation());
  c.country = Text(p.getCountry());
  c.cost = p.getCostArrangement();
  c.backfill = Text(p.getBackfillPlan());
  return c;
}

void EvolveInPlace(Secondment& s, schema::Event::Reader event) {
  using P = schema::Event::Payload;
  auto payload = event.getPayload();
  const CivilDate effective = DateOf(event.getEffectiveDate());
  const uint64_t position = event.getPosition();
  switch (payload.which()) {
    case P::PROPOSED: {
      auto p = payload.getProposed();
      s.status = SecondmentStatus::kProposed;
      s.proposed_on = effective;
      s.placement = Request(event);
      for (uint64_t& source : s.field_sources) source = position;
      s.field_sources[*FieldIndex("actual_start")] = 0;
      s.field_sources[*FieldIndex("return_date")] = 0;
      s.employee_id = Text(p.getEmployeeId());
      s.home = PartyOf(p.getHome());
      s.host = PartyOf(p.getHost());
      s.kind = p.getKind();
      s.role_title = Text(p.getRoleTitle());
      s.objectives.clear();
      for (auto objective : p.getObjectives()) s.objectives.push_back(Text(objective));
      s.planned_start = DateOf(p.getPlannedStart());
      s.planned_end = DateOf(p.getPlannedEnd());
      s.fte_percent = p.getFtePercent();
      s.location = Text(p.getLocation());
      s.country = Text(p.getCountry());
      s.cost = p.getCostArrangement();
      s.backfill = Text(p.getBackfillPlan());
      break;
    }
    case P::APPROVAL_GRANTED: {
      auto g = payload.getApprovalGranted();
      if (g.getScope() == Scope::PLACEMENT) {
        Grant(s.placement, event);
        if (g.getCompletesRequest()) {
          s.status = SecondmentStatus::kApproved;
          s.approved_on = effective;
        }
      } else if (g.getScope() == Scope::EXTENSION && s.extension_request) {
        Grant(s.extension_request->approvals, event);
        if (g.getCompletesRequest() &&
            s.extension_request->approvals.has(schema::Role::EXCEPTION)) {
          s.exception_until = s.extension_request->until;
        }
      } else if (g.getScope() == Scope::CONVERSION && s.conversion_request) {
        Grant(s.conversion_request->approvals, event);
      } else if (g.getScope() == Scope::CORRECTION && s.correction_request) {
        Grant(s.correction_request->approvals, event);
      }
      break;
    }
    case P::APPROVAL_REFUSED: {
      auto r = payload.getApprovalRefused();
      if (r.getScope() == Scope::PLACEMENT) {
        s.status = SecondmentStatus::kRejected;
        s.closing_reason = Text(r.getReason());
        s.correction_request.reset();
      } else if (r.getScope() == Scope::EXTENSION) {
        s.extension_request.reset();
      } else if (r.getScope() == Scope::CONVERSION) {
        s.conversion_request.reset();
      } else if (r.getScope() == Scope::CORRECTION) {
        s.correction_request.reset();
      }
      break;
    }
    case P::WITHDRAWN:
      s.status = SecondmentStatus::kWithdrawn;
      s.closing_reason = Text(payload.getWithdrawn().getReason());
      s.correction_request.reset();
      break;
    case P::AGREEMENT_SIGNED:
      s.agreement_reference = Text(payload.getAgreementSigned().getReference());
      s.agreement_version = payload.getAgreementSigned().getVersion();
      s.signed_on = effective;
      break;
    case P::STARTED:
      s.status = SecondmentStatus::kActive;
      s.actual_start = DateOf(payload.getStarted().getActualStart());
      SetSource(s, "actual_start", position);
      AddFact(s, event, *s.actual_start);
      break;
    case P::HANDOVER_RECORDED:
      ++s.handover_count;
      AddFact(s, event, effective,
              payload.getHandoverRecorded().getDirection() == schema::HandoverDirection::RETURN);
      break;
    case P::FEEDBACK_RECORDED:
      ++s.feedback_count;
      AddFact(s, event, effective, true);
      break;
    case P::EXTENSION_REQUESTED:
      s.extension_request =
          ExtensionRequest{DateOf(payload.getExtensionRequested().getNewPlannedEnd()),
                           Text(payload.getExtensionRequested().getRationale()), Request(event)};
      break;
    case P::EXTENDED: {
      auto e = payload.getExtended();
      s.extensions.push_back(
          {DateOf(e.getPreviousEnd()), DateOf(e.getNewEnd()), e.getCumulativeDays()});
      s.planned_end = DateOf(e.getNewEnd());
      s.extension_request.reset();
      SetSource(s, "planned_end", position);
      break;
    }
    case P::RETURNED:
      s.status = SecondmentStatus::kReturned;
      s.returned_on = DateOf(payload.getReturned().getReturnDate());
      s.returned_early = payload.getReturned().getEarly();
      s.extension_request.reset();
      s.conversion_request.reset();
      SetSource(s, "return_date", position);
      AddFact(s, event, *s.returned_on);
      break;
    case P::CONVERSION_PROPOSED: {
      auto c = payload.getConversionProposed();
      s.conversion_request = ConversionRequest{DateOf(c.getEffectiveDate()), Text(c.getNewRole()),
                                               Text(c.getRecruitmentRef()), Request(event)};
      break;
    }
    case P::CONVERTED_TO_PERMANENT:
      s.status = SecondmentStatus::kConverted;
      s.converted_on = DateOf(payload.getConvertedToPermanent().getEffectiveDate());
      s.converted_role = Text(payload.getConvertedToPermanent().getNewRole());
      s.extension_request.reset();
      s.conversion_request.reset();
      break;
    case P::PERIOD_CLAIMED:
      break;
    case P::CORRECTION_PROPOSED: {
      auto c = payload.getCorrectionProposed();
      s.correction_request =
          CorrectionRequest{CorrectionOf(c.getField(), c.getOldValue(), c.getNewValue(),
                                         c.getReason(), c.getCorrectsPosition()),
                            Request(event)};
      break;
    }
    case P::CORRECTED: {
      auto c = payload.getCorrected();
      std::string field = Text(c.getField());
      // Decide checked the value; a value this build cannot read leaves the field as it was.
      if (SetFieldValue(s, field, Text(c.getNewValue())).ok()) SetSource(s, field, position);
      s.correction_request.reset();
      break;
    }
    case P::VOIDED:
      Undo(s, Bytes(payload.getVoided().getEventId()));
      s.correction_request.reset();
      break;
    case P::ERASURE_REQUESTED:  // events of a person's subject stream, not of a secondment
    case P::PERSONAL_DATA_ERASED:
      break;
  }
}

Secondment Evolve(Secondment state, schema::Event::Reader event) {
  EvolveInPlace(state, event);
  return state;
}

}  // namespace secondment
