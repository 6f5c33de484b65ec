// Evolve: the state after an event (ledger/lifecycle/lifecycle.h). It needs nothing but the events.

#include "ledger/event/schema_date.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment {
namespace {

using schema::Scope;

std::string Text(capnp::Text::Reader text) { return {text.cStr(), text.size()}; }

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
  switch (payload.which()) {
    case P::PROPOSED: {
      auto p = payload.getProposed();
      s.status = SecondmentStatus::kProposed;
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
        s.placement.granted.push_back(g.getApproverRole());
        if (g.getCompletesRequest()) s.status = SecondmentStatus::kApproved;
      } else if (g.getScope() == Scope::EXTENSION && s.extension_request) {
        s.extension_request->approvals.granted.push_back(g.getApproverRole());
      } else if (g.getScope() == Scope::CONVERSION && s.conversion_request) {
        s.conversion_request->approvals.granted.push_back(g.getApproverRole());
      }
      break;
    }
    case P::APPROVAL_REFUSED: {
      auto r = payload.getApprovalRefused();
      if (r.getScope() == Scope::PLACEMENT) {
        s.status = SecondmentStatus::kRejected;
        s.closing_reason = Text(r.getReason());
      } else if (r.getScope() == Scope::EXTENSION) {
        s.extension_request.reset();
      } else if (r.getScope() == Scope::CONVERSION) {
        s.conversion_request.reset();
      }
      break;
    }
    case P::WITHDRAWN:
      s.status = SecondmentStatus::kWithdrawn;
      s.closing_reason = Text(payload.getWithdrawn().getReason());
      break;
    case P::AGREEMENT_SIGNED:
      s.agreement_reference = Text(payload.getAgreementSigned().getReference());
      s.agreement_version = payload.getAgreementSigned().getVersion();
      break;
    case P::STARTED:
      s.status = SecondmentStatus::kActive;
      s.actual_start = DateOf(payload.getStarted().getActualStart());
      break;
    case P::HANDOVER_RECORDED:
      ++s.handover_count;
      break;
    case P::FEEDBACK_RECORDED:
      ++s.feedback_count;
      break;
    case P::EXTENSION_REQUESTED:
      s.extension_request =
          ExtensionRequest{DateOf(payload.getExtensionRequested().getNewPlannedEnd()),
                           Text(payload.getExtensionRequested().getRationale()),
                           {}};
      break;
    case P::EXTENDED: {
      auto e = payload.getExtended();
      s.extensions.push_back(
          {DateOf(e.getPreviousEnd()), DateOf(e.getNewEnd()), e.getCumulativeDays()});
      s.planned_end = DateOf(e.getNewEnd());
      s.extension_request.reset();
      break;
    }
    case P::RETURNED:
      s.status = SecondmentStatus::kReturned;
      s.returned_on = DateOf(payload.getReturned().getReturnDate());
      s.returned_early = payload.getReturned().getEarly();
      s.extension_request.reset();
      s.conversion_request.reset();
      break;
    case P::CONVERSION_PROPOSED: {
      auto c = payload.getConversionProposed();
      s.conversion_request = ConversionRequest{
          DateOf(c.getEffectiveDate()), Text(c.getNewRole()), Text(c.getRecruitmentRef()), {}};
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
  }
}

Secondment Evolve(Secondment state, schema::Event::Reader event) {
  EvolveInPlace(state, event);
  return state;
}

}  // namespace secondment
