#include "projections/row.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <fmt/format.h>
#include <kj/exception.h>

#include <cstring>

#include "ledger/event/schema_date.h"
#include "schemas/projection.capnp.h"

namespace secondment::projections {
namespace {

std::string Text(capnp::Text::Reader t) { return {t.cStr(), t.size()}; }

void SetApprovals(schema::ApprovalsRow::Builder out, const Approvals& a) {
  auto list = out.initGranted(static_cast<unsigned>(a.granted.size()));
  for (size_t i = 0; i < a.granted.size(); ++i) list.set(i, a.granted[i]);
  auto by = out.initGrantedBy(static_cast<unsigned>(a.granted_by.size()));
  for (size_t i = 0; i < a.granted_by.size(); ++i) by.set(i, a.granted_by[i]);
  out.setRequestedBy(a.requested_by);
  SetDate(out.initRequestedOn(), a.requested_on);
}

Approvals GetApprovals(schema::ApprovalsRow::Reader a) {
  Approvals out;
  for (auto role : a.getGranted()) out.granted.push_back(role);
  for (auto id : a.getGrantedBy()) out.granted_by.push_back(Text(id));
  out.requested_by = Text(a.getRequestedBy());
  out.requested_on = DateOf(a.getRequestedOn());
  return out;
}

std::optional<CivilDate> OptionalDate(schema::Date::Reader date) {
  if (date.getYear() == 0) return std::nullopt;
  return DateOf(date);
}

}  // namespace

void WriteSecondmentRow(schema::SecondmentRow::Builder row, const Folded& f) {
  const Secondment& s = f.state;
  row.setId(s.id);
  row.setStatus(static_cast<uint8_t>(s.status));
  row.setEmployeeId(s.employee_id);
  SetParty(row.initHome(), s.home);
  SetParty(row.initHost(), s.host);
  row.setKind(s.kind);
  row.setRoleTitle(s.role_title);
  auto objectives = row.initObjectives(static_cast<unsigned>(s.objectives.size()));
  for (size_t i = 0; i < s.objectives.size(); ++i) objectives.set(i, s.objectives[i]);
  SetDate(row.initPlannedStart(), s.planned_start);
  SetDate(row.initPlannedEnd(), s.planned_end);
  if (s.actual_start) SetDate(row.initActualStart(), *s.actual_start);
  row.setFtePercent(static_cast<uint8_t>(s.fte_percent));
  row.setCountry(s.country);
  row.setLocation(s.location);
  row.setBackfill(s.backfill);
  row.setCost(s.cost);
  if (s.agreement_reference) row.setAgreementReference(*s.agreement_reference);
  row.setAgreementVersion(s.agreement_version);
  SetApprovals(row.initPlacement(), s.placement);
  if (s.extension_request) {
    auto r = row.initExtensionRequest();
    SetDate(r.initUntil(), s.extension_request->until);
    r.setRationale(s.extension_request->rationale);
    SetApprovals(r.initApprovals(), s.extension_request->approvals);
  }
  if (s.conversion_request) {
    auto r = row.initConversionRequest();
    SetDate(r.initEffective(), s.conversion_request->effective);
    r.setNewRole(s.conversion_request->new_role);
    r.setRecruitmentRef(s.conversion_request->recruitment_ref);
    SetApprovals(r.initApprovals(), s.conversion_request->approvals);
  }
  auto extensions = row.initExtensions(static_cast<unsigned>(s.extensions.size()));
  for (size_t i = 0; i < s.extensions.size(); ++i) {
    SetDate(extensions[i].initPreviousEnd(), s.extensions[i].previous_end);
    SetDate(extensions[i].initNewEnd(), s.extensions[i].new_end);
    extensions[i].setCumulativeDays(s.extensions[i].cumulative_days);
  }
  row.setFeedbackCount(static_cast<uint32_t>(s.feedback_count));
  row.setHandoverCount(static_cast<uint32_t>(s.handover_count));
  if (s.returned_on) SetDate(row.initReturnedOn(), *s.returned_on);
  row.setReturnedEarly(s.returned_early);
  if (s.converted_on) SetDate(row.initConvertedOn(), *s.converted_on);
  row.setConvertedRole(s.converted_role);
  row.setClosingReason(s.closing_reason);
  row.setLastPosition(f.last_position);
  row.setVersion(f.version);
  SetDate(row.initProposedOn(), s.proposed_on);
  if (s.approved_on) SetDate(row.initApprovedOn(), *s.approved_on);
  if (s.signed_on) SetDate(row.initSignedOn(), *s.signed_on);
  auto facts = row.initFacts(static_cast<unsigned>(s.facts.size()));
  for (size_t i = 0; i < s.facts.size(); ++i) {
    const Fact& fact = s.facts[i];
    facts[i].setEventId(kj::arrayPtr(fact.event_id.bytes().data(), EventId::kSize));
    facts[i].setType(static_cast<uint16_t>(fact.type));
    SetDate(facts[i].initDate(), fact.date);
    facts[i].setWithinPlacement(fact.within_placement);
    facts[i].setVoided(fact.voided);
  }
  if (s.exception_until) SetDate(row.initExceptionUntil(), *s.exception_until);
  if (s.correction_request) {
    const Correction& c = s.correction_request->correction;
    auto r = row.initCorrectionRequest();
    r.setField(c.field);
    r.setOldValue(c.old_value);
    r.setNewValue(c.new_value);
    r.setReason(c.reason);
    r.setCorrectsPosition(c.corrects_position);
    SetApprovals(r.initApprovals(), s.correction_request->approvals);
  }
  unsigned known = 0;
  for (uint64_t position : s.field_sources) known += position != 0;
  auto sources = row.initFieldSources(known);
  unsigned n = 0;
  for (size_t i = 0; i < s.field_sources.size(); ++i) {
    if (s.field_sources[i] == 0) continue;
    sources[n].setField(std::string(CorrectableFields()[i]));
    sources[n++].setPosition(s.field_sources[i]);
  }
}

std::string EncodeSecondment(const Folded& f) {
  capnp::MallocMessageBuilder message(256);
  WriteSecondmentRow(message.initRoot<schema::SecondmentRow>(), f);
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

Result<Folded> DecodeSecondment(std::string_view bytes) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Corruption(fmt::format("a status row of {} bytes does not decode", bytes.size()));
  }
  auto words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  Result<Folded> folded = Corruption("a status row does not decode");
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 capnp::FlatArrayMessageReader message(words);
                 folded = ReadSecondmentRow(message.getRoot<schema::SecondmentRow>());
               })) {
    return Corruption(
        fmt::format("a status row does not decode: {}", exception->getDescription().cStr()));
  }
  return folded;
}

Result<Folded> ReadSecondmentRow(schema::SecondmentRow::Reader row) {
  Folded f;
  Secondment& s = f.state;
  if (row.getStatus() > static_cast<uint8_t>(SecondmentStatus::kWithdrawn)) {
    return Corruption(fmt::format("a secondment row has status {}", row.getStatus()));
  }
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 s.id = Text(row.getId());
                 s.status = static_cast<SecondmentStatus>(row.getStatus());
                 s.employee_id = Text(row.getEmployeeId());
                 s.home = PartyOf(row.getHome());
                 s.host = PartyOf(row.getHost());
                 s.kind = row.getKind();
                 s.role_title = Text(row.getRoleTitle());
                 for (auto o : row.getObjectives()) s.objectives.push_back(Text(o));
                 s.planned_start = DateOf(row.getPlannedStart());
                 s.planned_end = DateOf(row.getPlannedEnd());
                 if (row.hasActualStart()) s.actual_start = DateOf(row.getActualStart());
                 s.fte_percent = row.getFtePercent();
                 s.country = Text(row.getCountry());
                 s.location = Text(row.getLocation());
                 s.backfill = Text(row.getBackfill());
                 s.cost = row.getCost();
                 if (row.hasAgreementReference()) {
                   s.agreement_reference = Text(row.getAgreementReference());
                 }
                 s.agreement_version = row.getAgreementVersion();
                 s.placement = GetApprovals(row.getPlacement());
                 if (row.hasExtensionRequest()) {
                   auto r = row.getExtensionRequest();
                   s.extension_request =
                       ExtensionRequest{DateOf(r.getUntil()), Text(r.getRationale()),
                                        GetApprovals(r.getApprovals())};
                 }
                 if (row.hasConversionRequest()) {
                   auto r = row.getConversionRequest();
                   s.conversion_request = ConversionRequest{
                       DateOf(r.getEffective()), Text(r.getNewRole()), Text(r.getRecruitmentRef()),
                       GetApprovals(r.getApprovals())};
                 }
                 for (auto x : row.getExtensions()) {
                   s.extensions.push_back(
                       {DateOf(x.getPreviousEnd()), DateOf(x.getNewEnd()), x.getCumulativeDays()});
                 }
                 s.feedback_count = static_cast<int>(row.getFeedbackCount());
                 s.handover_count = static_cast<int>(row.getHandoverCount());
                 if (row.hasReturnedOn()) s.returned_on = DateOf(row.getReturnedOn());
                 s.returned_early = row.getReturnedEarly();
                 if (row.hasConvertedOn()) s.converted_on = DateOf(row.getConvertedOn());
                 s.converted_role = Text(row.getConvertedRole());
                 s.closing_reason = Text(row.getClosingReason());
                 f.last_position = row.getLastPosition();
                 f.version = row.getVersion();
                 s.proposed_on = DateOf(row.getProposedOn());
                 s.approved_on = OptionalDate(row.getApprovedOn());
                 s.signed_on = OptionalDate(row.getSignedOn());
                 for (auto fact : row.getFacts()) {
                   auto bytes = fact.getEventId();
                   auto id = EventId::FromBytes(
                       {reinterpret_cast<const char*>(bytes.begin()), bytes.size()});
                   s.facts.push_back({id.ok() ? *id : EventId(),
                                      static_cast<schema::Event::Payload::Which>(fact.getType()),
                                      DateOf(fact.getDate()), fact.getWithinPlacement(),
                                      fact.getVoided()});
                 }
                 s.exception_until = OptionalDate(row.getExceptionUntil());
                 if (row.hasCorrectionRequest()) {
                   auto r = row.getCorrectionRequest();
                   s.correction_request = CorrectionRequest{
                       {Text(r.getField()), Text(r.getOldValue()), Text(r.getNewValue()),
                        Text(r.getReason()), r.getCorrectsPosition()},
                       GetApprovals(r.getApprovals())};
                 }
                 for (auto source : row.getFieldSources()) {
                   auto index = FieldIndex({source.getField().cStr(), source.getField().size()});
                   if (index) s.field_sources[*index] = source.getPosition();
                 }
               })) {
    return Corruption(
        fmt::format("a secondment row does not decode: {}", exception->getDescription().cStr()));
  }
  return f;
}

}  // namespace secondment::projections
