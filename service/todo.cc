// LedgerService::ToDo: what waits for the caller, found among the secondments it may see.

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "ledger/event/vocabulary.h"
#include "service/ledger_service.h"

namespace secondment::service {
namespace {

constexpr int kToDoWithinDays = 30;

// The open requests of `s`, by scope.
std::vector<schema::Scope> OpenRequests(const Secondment& s) {
  std::vector<schema::Scope> open;
  if (s.status == SecondmentStatus::kProposed) open.push_back(schema::Scope::PLACEMENT);
  if (s.extension_request) open.push_back(schema::Scope::EXTENSION);
  if (s.conversion_request) open.push_back(schema::Scope::CONVERSION);
  if (s.correction_request) open.push_back(schema::Scope::CORRECTION);
  return open;
}

std::string RequestText(const Secondment& s, schema::Scope scope) {
  switch (scope) {
    case schema::Scope::EXTENSION:
      return fmt::format("extension of {} to {} requested", s.id,
                         FormatDate(s.extension_request->until));
    case schema::Scope::CONVERSION:
      return fmt::format("conversion of {} into a permanent post as {} proposed", s.id,
                         s.conversion_request->new_role);
    case schema::Scope::CORRECTION:
      return fmt::format("correction of {} of {} proposed", s.correction_request->correction.field,
                         s.id);
    default:
      return fmt::format("{} proposed: {} to {}/{} from {} to {}", s.id, s.employee_id, s.host.org,
                         s.host.unit, FormatDate(s.planned_start), FormatDate(s.planned_end));
  }
}

}  // namespace

Result<std::vector<ToDoItem>> LedgerService::ToDo(const Caller& caller) {
  ASSIGN_OR_RETURN(std::vector<projections::Folded> seen, ListSecondments(caller, {}));
  std::vector<ToDoItem> items;
  std::set<std::string> ids;
  std::optional<schema::Role> role = LifecycleRole(caller.role);
  for (const projections::Folded& folded : seen) {
    const Secondment& s = folded.state;
    ids.insert(s.id);
    if (!role) continue;
    if (MayPerform(caller, Operation::kApprove).ok() &&
        MayActOn(caller, Operation::kApprove, s).ok()) {
      for (schema::Scope scope : OpenRequests(s)) {
        if (AwaitsApprovalFrom(s, scope, {caller.id, *role}, policy())) {
          items.push_back({"approve", s.id, scope,
                           fmt::format("{}; it waits for your approval as {}",
                                       RequestText(s, scope), RoleName(caller.role))});
        }
      }
    }
    if (s.status == SecondmentStatus::kApproved && MayActOn(caller, Operation::kSign, s).ok()) {
      if (!s.agreement_reference) {
        items.push_back({"sign", s.id, std::nullopt,
                         fmt::format("{} is approved; its agreement is not signed", s.id)});
      } else if (MayActOn(caller, Operation::kStart, s).ok()) {
        items.push_back({"start", s.id, std::nullopt,
                         fmt::format("{} is approved and signed; planned to start {}", s.id,
                                     FormatDate(s.planned_start))});
      }
    }
  }
  // The alerts of the secondments the caller may see, whether or not its role reads alerts.
  ASSIGN_OR_RETURN(auto alerts, projections::ListAlerts(*log_, policy(), Today(), kToDoWithinDays));
  for (auto& alert : alerts) {
    if (ids.count(alert.id) == 0) continue;
    items.push_back({alert.kind, alert.id, std::nullopt, alert.why});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const ToDoItem& a, const ToDoItem& b) { return a.id < b.id; });
  return items;
}

}  // namespace secondment::service
