#include "service/json_views.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/event/event_json.h"
#include "ledger/event/vocabulary.h"

namespace secondment::service {
namespace {

std::string DateJson(const std::optional<CivilDate>& date) {
  return date ? secondment::DateJson(*date) : "null";
}

std::string RolesJson(const std::vector<schema::Role>& roles) {
  std::string out = "[";
  for (auto role : roles) {
    out += fmt::format("{}{}", out.size() > 1 ? "," : "", JsonString(RoleName(role)));
  }
  return out + "]";
}

}  // namespace

std::string StringsJson(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& v : values) out += fmt::format("{}{}", out.size() > 1 ? "," : "", JsonString(v));
  return out + "]";
}

std::string_view StateNameOn(const Secondment& s, const CivilDate& today) {
  return StatusName(StatusOn(s, today));
}

// The conversion still to come (StatusOn says active), if any.
std::optional<CivilDate> ConvertingOn(const Secondment& s, const CivilDate& today) {
  if (StatusOn(s, today) == s.status) return std::nullopt;
  return s.converted_on;
}

std::optional<int> ActualDays(const Secondment& s, const CivilDate& today) {
  if (!s.actual_start) return std::nullopt;
  CivilDate end = s.returned_on    ? *s.returned_on
                  : s.converted_on ? std::min(*s.converted_on, std::max(today, *s.actual_start))
                                   : std::max(today, *s.actual_start);
  return static_cast<int>(DaysFromCivil(end) - DaysFromCivil(*s.actual_start));
}

std::string SecondmentJson(const Secondment& s, const Policy& policy, const CivilDate& today) {
  std::string approvals;
  for (auto scope : {schema::Scope::PLACEMENT, schema::Scope::EXTENSION, schema::Scope::CONVERSION,
                     schema::Scope::CORRECTION}) {
    const Approvals* granted =
        scope == schema::Scope::PLACEMENT ? &s.placement
        : scope == schema::Scope::EXTENSION
            ? (s.extension_request ? &s.extension_request->approvals : nullptr)
        : scope == schema::Scope::CONVERSION
            ? (s.conversion_request ? &s.conversion_request->approvals : nullptr)
            : (s.correction_request ? &s.correction_request->approvals : nullptr);
    if (granted == nullptr) continue;
    approvals +=
        fmt::format("{}{}:{{\"granted\":{},\"outstanding\":{}}}", approvals.empty() ? "" : ",",
                    JsonString(ScopeName(scope)), RolesJson(granted->granted),
                    RolesJson(OutstandingApprovals(s, scope, policy)));
  }
  std::string extensions;
  for (const auto& x : s.extensions) {
    extensions += fmt::format("{}{{\"previousEnd\":{},\"newEnd\":{},\"cumulativeDays\":{}}}",
                              extensions.empty() ? "" : ",", DateJson(x.previous_end),
                              DateJson(x.new_end), x.cumulative_days);
  }
  std::string requests;
  if (s.extension_request) {
    requests += fmt::format(",\"extensionRequested\":{{\"until\":{},\"rationale\":{}}}",
                            DateJson(s.extension_request->until),
                            JsonString(s.extension_request->rationale));
  }
  if (s.conversion_request) {
    requests += fmt::format(
        ",\"conversionProposed\":{{\"newRole\":{},\"effectiveDate\":{},\"recruitmentRef\":{}}}",
        JsonString(s.conversion_request->new_role), DateJson(s.conversion_request->effective),
        JsonString(s.conversion_request->recruitment_ref));
  }
  if (s.correction_request) {
    const Correction& c = s.correction_request->correction;
    requests += fmt::format(
        ",\"correctionProposed\":{{\"field\":{},\"oldValue\":{},\"newValue\":{},\"reason\":{}}}",
        JsonString(c.field), JsonString(c.old_value), JsonString(c.new_value),
        JsonString(c.reason));
  }
  if (auto converting = ConvertingOn(s, today)) {
    requests += fmt::format(",\"convertingOn\":{}", DateJson(*converting));
  }
  std::optional<int> actual_days = ActualDays(s, today);
  return fmt::format(
      "{{\"id\":{},\"state\":{},\"employeeId\":{},\"homeOrg\":{},\"homeUnit\":{},"
      "\"homeManager\":{},\"hostOrg\":{},\"hostUnit\":{},\"hostManager\":{},\"kind\":{},"
      "\"roleTitle\":{},\"objectives\":{},\"plannedStart\":{},\"plannedEnd\":{},\"actualStart\":{},"
      "\"ftePercent\":{},\"country\":{},\"location\":{},\"cost\":{},\"backfillPlan\":{},"
      "\"agreement\":{},\"approvals\":{{{}}},\"plannedDays\":{},\"actualDays\":{},"
      "\"cumulativeDays\":{},\"extensions\":[{}]{},"
      "\"feedbackCount\":{},\"handoverCount\":{},\"returnedOn\":{},\"returnedEarly\":{},"
      "\"convertedOn\":{},\"convertedRole\":{},\"closingReason\":{}}}",
      JsonString(s.id), JsonString(StateNameOn(s, today)), JsonString(s.employee_id),
      JsonString(s.home.org), JsonString(s.home.unit), JsonString(s.home.manager_id),
      JsonString(s.host.org), JsonString(s.host.unit), JsonString(s.host.manager_id),
      JsonString(KindName(s.kind)), JsonString(s.role_title), StringsJson(s.objectives),
      DateJson(s.planned_start), DateJson(s.planned_end), DateJson(s.actual_start), s.fte_percent,
      JsonString(s.country), JsonString(s.location), JsonString(CostName(s.cost)),
      JsonString(s.backfill),
      s.agreement_reference ? fmt::format("{{\"reference\":{},\"version\":{}}}",
                                          JsonString(*s.agreement_reference), s.agreement_version)
                            : "null",
      approvals, s.PlannedDays(), actual_days ? std::to_string(*actual_days) : "null",
      s.CumulativeDays(), extensions, requests, s.feedback_count, s.handover_count,
      DateJson(s.returned_on), s.returned_early ? "true" : "false", DateJson(s.converted_on),
      JsonString(s.converted_role), JsonString(s.closing_reason));
}

std::string FoldedJson(const projections::Folded& folded, const Policy& policy,
                       const CivilDate& today) {
  std::string json = SecondmentJson(folded.state, policy, today);
  json.pop_back();  // add where it stands
  return fmt::format("{},\"lastPosition\":{},\"version\":{}}}", json, folded.last_position,
                     folded.version);
}

std::string PlacementJson(const projections::Placement& p) {
  return fmt::format(
      "{{\"id\":{},\"employeeId\":{},\"homeOrg\":{},\"homeUnit\":{},\"hostOrg\":{},"
      "\"hostUnit\":{},\"kind\":{},\"country\":{},\"roleTitle\":{},\"start\":{},"
      "\"plannedEnd\":{},\"end\":{}}}",
      JsonString(p.id), JsonString(p.employee_id), JsonString(p.home_org), JsonString(p.home_unit),
      JsonString(p.host_org), JsonString(p.host_unit), JsonString(KindName(p.kind)),
      JsonString(p.country), JsonString(p.role_title), DateJson(p.start), DateJson(p.planned_end),
      DateJson(p.end));
}

std::string AlertJson(const projections::Alert& a) {
  return fmt::format("{{\"alert\":{},\"id\":{},\"why\":{}}}", JsonString(a.kind), JsonString(a.id),
                     JsonString(a.why));
}

std::string ToDoJson(const ToDoItem& item) {
  return fmt::format(
      "{{\"kind\":{},\"id\":{}{},\"why\":{}}}", JsonString(item.kind), JsonString(item.id),
      item.scope ? fmt::format(",\"scope\":{}", JsonString(ScopeName(*item.scope))) : std::string(),
      JsonString(item.why));
}

}  // namespace secondment::service
