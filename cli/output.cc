#include "cli/output.h"

#include <capnp/dynamic.h>
#include <capnp/schema.h>
#include <fmt/format.h>

#include "ledger/base/clock.h"
#include "ledger/event/event_json.h"
#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"

namespace secondment::cli {
namespace {

using service::ActualDays;
using service::ConvertingOn;

std::string DateText(const CivilDate& date) { return date.year == 0 ? "" : FormatDate(date); }

// A recorded value for a summary: "(none)" when empty.
std::string Shown(capnp::Text::Reader text) {
  return text.size() == 0 ? std::string("(none)") : std::string(text.cStr());
}

std::string Summary(schema::Event::Reader event) {
  using P = schema::Event::Payload;
  auto p = event.getPayload();
  switch (p.which()) {
    case P::PROPOSED: {
      auto x = p.getProposed();
      return fmt::format("{} from {}/{} to {}/{} as {}, {} to {}", x.getEmployeeId().cStr(),
                         x.getHome().getOrg().cStr(), x.getHome().getUnit().cStr(),
                         x.getHost().getOrg().cStr(), x.getHost().getUnit().cStr(),
                         x.getRoleTitle().cStr(), DateText(DateOf(x.getPlannedStart())),
                         DateText(DateOf(x.getPlannedEnd())));
    }
    case P::APPROVAL_GRANTED:
      return fmt::format("{} approved by {}{}", ScopeName(p.getApprovalGranted().getScope()),
                         RoleName(p.getApprovalGranted().getApproverRole()),
                         p.getApprovalGranted().getCompletesRequest() ? " (complete)" : "");
    case P::APPROVAL_REFUSED:
      return fmt::format("{} refused by {}: {}", ScopeName(p.getApprovalRefused().getScope()),
                         RoleName(p.getApprovalRefused().getApproverRole()),
                         p.getApprovalRefused().getReason().cStr());
    case P::WITHDRAWN:
      return fmt::format("withdrawn: {}", p.getWithdrawn().getReason().cStr());
    case P::AGREEMENT_SIGNED:
      return fmt::format("agreement {} v{} signed", p.getAgreementSigned().getReference().cStr(),
                         p.getAgreementSigned().getVersion());
    case P::STARTED:
      return fmt::format("started {}", DateText(DateOf(p.getStarted().getActualStart())));
    case P::HANDOVER_RECORDED:
      return fmt::format(
          "{} handover {} -> {}", DirectionName(p.getHandoverRecorded().getDirection()),
          p.getHandoverRecorded().getFrom().cStr(), p.getHandoverRecorded().getTo().cStr());
    case P::FEEDBACK_RECORDED:
      return fmt::format("feedback from {}{}", RoleName(p.getFeedbackRecorded().getFromRole()),
                         p.getFeedbackRecorded().getRating()
                             ? fmt::format(", rating {}", p.getFeedbackRecorded().getRating())
                             : "");
    case P::EXTENSION_REQUESTED:
      return fmt::format("extension to {} requested",
                         DateText(DateOf(p.getExtensionRequested().getNewPlannedEnd())));
    case P::EXTENDED:
      return fmt::format(
          "extended {} -> {} ({} days in all)", DateText(DateOf(p.getExtended().getPreviousEnd())),
          DateText(DateOf(p.getExtended().getNewEnd())), p.getExtended().getCumulativeDays());
    case P::RETURNED:
      return fmt::format("returned {}{}", DateText(DateOf(p.getReturned().getReturnDate())),
                         p.getReturned().getEarly() ? " (early)" : "");
    case P::CONVERSION_PROPOSED:
      return fmt::format("conversion to {} proposed from {}",
                         p.getConversionProposed().getNewRole().cStr(),
                         DateText(DateOf(p.getConversionProposed().getEffectiveDate())));
    case P::CONVERTED_TO_PERMANENT:
      return fmt::format("converted to a permanent post as {} from {}",
                         p.getConvertedToPermanent().getNewRole().cStr(),
                         DateText(DateOf(p.getConvertedToPermanent().getEffectiveDate())));
    case P::PERIOD_CLAIMED:
      return fmt::format("period of {} claimed: {} to {}",
                         p.getPeriodClaimed().getSecondmentId().cStr(),
                         DateText(DateOf(p.getPeriodClaimed().getPlannedStart())),
                         DateText(DateOf(p.getPeriodClaimed().getPlannedEnd())));
    case P::CORRECTED:
      return fmt::format("corrected {}: {} -> {} ({})", p.getCorrected().getField().cStr(),
                         Shown(p.getCorrected().getOldValue()),
                         Shown(p.getCorrected().getNewValue()),
                         p.getCorrected().getReason().cStr());
    case P::CORRECTION_PROPOSED: {
      auto c = p.getCorrectionProposed();
      if (std::string_view(c.getField().cStr()) == "void") {
        return fmt::format("void of #{} proposed ({}), waiting for approval",
                           c.getNewValue().cStr(), c.getReason().cStr());
      }
      return fmt::format("correction of {} proposed: {} -> {} ({}), waiting for approval",
                         c.getField().cStr(), Shown(c.getOldValue()), Shown(c.getNewValue()),
                         c.getReason().cStr());
    }
    case P::VOIDED:
      return fmt::format("#{} ({}) void: {}", p.getVoided().getPosition(),
                         p.getVoided().getVoidedType().cStr(), p.getVoided().getReason().cStr());
    case P::ERASURE_REQUESTED:
      return fmt::format("erasure of the person's data requested: {}",
                         p.getErasureRequested().getReason().cStr());
    case P::PERSONAL_DATA_ERASED: {
      auto x = p.getPersonalDataErased();
      std::string ids;
      for (auto id : x.getSecondments()) ids += (ids.empty() ? "" : ", ") + std::string(id.cStr());
      return fmt::format("personal data of subject {} erased (secondments: {}; requested by {})",
                         x.getSubject().cStr(), ids.empty() ? "none" : ids,
                         x.getRequestedBy().cStr());
    }
  }
  return "";
}

}  // namespace

std::string EventLine(const RecordedEvent& recorded) {
  auto e = recorded.Get();
  return fmt::format(
      "#{:<7} {}  {:<22} v{:<3} effective {:<10}  {:<20} {} ({})  {}  {}", recorded.position(),
      Timestamp(e.getRecordedAtMicros()), e.getStreamId().cStr(), e.getStreamVersion(),
      DateText(DateOf(e.getEffectiveDate())), EventTypeName(e), e.getActor().getId().cStr(),
      RoleName(e.getActor().getRole()), Summary(e), PayloadJson(e));
}

std::vector<std::string> EventCsvHeader() {
  return {"position", "recorded_at", "stream", "version", "effective_date",
          "type",     "actor",       "role",   "summary", "payload"};
}

std::vector<std::string> EventCsvRow(const RecordedEvent& recorded) {
  auto e = recorded.Get();
  return {std::to_string(recorded.position()),
          Timestamp(e.getRecordedAtMicros()),
          e.getStreamId().cStr(),
          std::to_string(e.getStreamVersion()),
          DateText(DateOf(e.getEffectiveDate())),
          std::string(EventTypeName(e)),
          e.getActor().getId().cStr(),
          std::string(RoleName(e.getActor().getRole())),
          Summary(e),
          PayloadJson(e)};
}

std::string SecondmentText(const Secondment& s, const Policy& policy, const CivilDate& today) {
  auto roles = [](const std::vector<schema::Role>& list) {
    std::string out;
    for (auto role : list) out += fmt::format("{}{}", out.empty() ? "" : ", ", RoleName(role));
    return out.empty() ? std::string("-") : out;
  };
  std::string out = fmt::format(
      "{}  {}\n  employee    {}\n  home        {} / {} (manager {})\n  host        {} / {} "
      "(manager {})\n  kind        {}, {}% FTE{}{}\n  role        {}\n  planned     {} to {} "
      "({} days planned)\n",
      s.id,
      ConvertingOn(s, today)
          ? fmt::format("active, converting on {}", DateText(*ConvertingOn(s, today)))
          : std::string(StatusName(s.status)),
      s.employee_id, s.home.org, s.home.unit, s.home.manager_id, s.host.org, s.host.unit,
      s.host.manager_id, KindName(s.kind), s.fte_percent, s.country.empty() ? "" : ", " + s.country,
      s.location.empty() ? "" : ", " + s.location, s.role_title, DateText(s.planned_start),
      DateText(s.planned_end), s.PlannedDays());
  if (s.actual_start) {
    bool running = !s.returned_on && !(s.converted_on && !(today < *s.converted_on));
    out += fmt::format("  actual      {} to {} ({} days{})\n", DateText(*s.actual_start),
                       s.returned_on ? DateText(*s.returned_on)
                       : !running    ? DateText(*s.converted_on)
                                     : std::string("today"),
                       *ActualDays(s, today), running ? " so far" : "");
  }
  out += fmt::format("  cumulative  {} days, from the {} start to the {}\n", s.CumulativeDays(),
                     s.actual_start ? "actual" : "planned",
                     s.returned_on    ? "return"
                     : s.converted_on ? "conversion"
                                      : "planned end");
  if (s.agreement_reference) {
    out += fmt::format("  agreement   {} v{}\n", *s.agreement_reference, s.agreement_version);
  }
  out += fmt::format("  placement   approved by {}; waiting for {}\n", roles(s.placement.granted),
                     roles(OutstandingApprovals(s, schema::Scope::PLACEMENT, policy)));
  if (s.extension_request) {
    out += fmt::format("  extension   to {} requested; approved by {}; waiting for {}\n",
                       DateText(s.extension_request->until),
                       roles(s.extension_request->approvals.granted),
                       roles(OutstandingApprovals(s, schema::Scope::EXTENSION, policy)));
  }
  for (const auto& x : s.extensions) {
    out += fmt::format("  extended    {} -> {}\n", DateText(x.previous_end), DateText(x.new_end));
  }
  if (s.conversion_request) {
    out += fmt::format("  conversion  to {} from {}; approved by {}; waiting for {}\n",
                       s.conversion_request->new_role, DateText(s.conversion_request->effective),
                       roles(s.conversion_request->approvals.granted),
                       roles(OutstandingApprovals(s, schema::Scope::CONVERSION, policy)));
  }
  if (s.correction_request) {
    const Correction& c = s.correction_request->correction;
    out += c.field == "void"
               ? fmt::format("  correction  void of #{} waits for approval by {}\n", c.new_value,
                             roles(OutstandingApprovals(s, schema::Scope::CORRECTION, policy)))
               : fmt::format("  correction  {} {} -> {} waits for approval by {}\n", c.field,
                             c.old_value, c.new_value,
                             roles(OutstandingApprovals(s, schema::Scope::CORRECTION, policy)));
  }
  out +=
      fmt::format("  feedback    {} recorded; handovers {}\n", s.feedback_count, s.handover_count);
  if (s.returned_on) {
    out += fmt::format("  returned    {}{}\n", DateText(*s.returned_on),
                       s.returned_early ? " (early)" : "");
  }
  if (s.converted_on) {
    out += fmt::format("  {}   {} as {}\n", ConvertingOn(s, today) ? "converts " : "converted",
                       DateText(*s.converted_on), s.converted_role);
  }
  if (!s.closing_reason.empty()) out += fmt::format("  reason      {}\n", s.closing_reason);
  return out;
}

std::optional<std::pair<Position, std::string>> CorrectionNote(const RecordedEvent& recorded) {
  auto p = recorded.Get().getPayload();
  if (p.isCorrected() && p.getCorrected().getCorrectsPosition() != 0) {
    auto c = p.getCorrected();
    return std::make_pair(
        c.getCorrectsPosition(),
        fmt::format("corrected by #{}: {} {} -> {} ({})", recorded.position(), c.getField().cStr(),
                    Shown(c.getOldValue()), Shown(c.getNewValue()), c.getReason().cStr()));
  }
  if (p.isVoided()) {
    return std::make_pair(
        p.getVoided().getPosition(),
        fmt::format("void by #{}: {}", recorded.position(), p.getVoided().getReason().cStr()));
  }
  return std::nullopt;
}

std::vector<std::string> StatusHeader() {
  return {"id",   "state",      "employee",      "home",         "host",
          "kind", "country",    "planned_start", "planned_end",  "actual_start",
          "days", "extensions", "outstanding",   "last_position"};
}

std::vector<std::string> StatusRow(const projections::Folded& folded, const Policy& policy,
                                   const CivilDate& today) {
  const Secondment& s = folded.state;
  std::string outstanding;
  for (auto scope :
       {schema::Scope::PLACEMENT, schema::Scope::EXTENSION, schema::Scope::CONVERSION}) {
    for (auto role : OutstandingApprovals(s, scope, policy)) {
      outstanding +=
          fmt::format("{}{}:{}", outstanding.empty() ? "" : " ", ScopeName(scope), RoleName(role));
    }
  }
  return {s.id,
          std::string(StateNameOn(s, today)),
          s.employee_id,
          s.home.org + "/" + s.home.unit,
          s.host.org + "/" + s.host.unit,
          std::string(KindName(s.kind)),
          s.country,
          FormatDate(s.planned_start),
          FormatDate(s.planned_end),
          s.actual_start ? FormatDate(*s.actual_start) : "",
          std::to_string(s.CumulativeDays()),
          std::to_string(s.extensions.size()),
          outstanding,
          std::to_string(folded.last_position)};
}

std::vector<std::string> PlacementHeader() {
  return {"id",   "employee", "home_org", "home_unit",   "host_org", "host_unit",
          "kind", "country",  "start",    "planned_end", "end"};
}

std::vector<std::string> PlacementRow(const projections::Placement& p) {
  return {p.id,
          p.employee_id,
          p.home_org,
          p.home_unit,
          p.host_org,
          p.host_unit,
          std::string(KindName(p.kind)),
          p.country,
          FormatDate(p.start),
          FormatDate(p.planned_end),
          p.end ? FormatDate(*p.end) : ""};
}

CivilDate Today() { return DateOfMicros(SystemClock().NowMicros()); }

}  // namespace secondment::cli
