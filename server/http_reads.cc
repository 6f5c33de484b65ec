// The HTTP API's reads: lists, one secondment, histories, the log, and the audit routes.

#include <fmt/format.h>

#include <algorithm>

#include "ledger/base/date.h"
#include "ledger/event/event_json.h"
#include "ledger/event/vocabulary.h"
#include "ledger/integrity/checkpoint.h"
#include "server/http_routes.h"
#include "service/json_views.h"

namespace secondment::server {
namespace {

using service::Operation;

// The CSV columns of each list (docs/http.md): the fields every item has, in their order.
const std::vector<std::string_view> kSecondmentColumns = {
    "id",          "state",         "employeeId",    "homeOrg",      "homeUnit",
    "homeManager", "hostOrg",       "hostUnit",      "hostManager",  "kind",
    "roleTitle",   "objectives",    "plannedStart",  "plannedEnd",   "actualStart",
    "ftePercent",  "country",       "location",      "cost",         "backfillPlan",
    "agreement",   "approvals",     "plannedDays",   "actualDays",   "cumulativeDays",
    "extensions",  "feedbackCount", "handoverCount", "returnedOn",   "returnedEarly",
    "convertedOn", "convertedRole", "closingReason", "lastPosition", "version"};
const std::vector<std::string_view> kPlacementColumns = {
    "id",   "employeeId", "homeOrg",   "homeUnit", "hostOrg",    "hostUnit",
    "kind", "country",    "roleTitle", "start",    "plannedEnd", "end"};
const std::vector<std::string_view> kEventColumns = {
    "position",      "recordedAt", "streamId", "streamVersion", "eventId",
    "effectiveDate", "actor",      "role",     "type",          "payload"};
const std::vector<std::string_view> kAlertColumns = {"alert", "id", "why"};
const std::vector<std::string_view> kToDoColumns = {"kind", "id", "scope", "why"};
const std::vector<std::string_view> kCheckpointColumns = {"ledger", "size",  "root",
                                                          "time",   "keyId", "note"};

const std::vector<std::string_view> kFilters = {"hostOrg", "hostUnit", "homeOrg", "homeUnit",
                                                "kind",    "country",  "employee"};

Result<std::optional<int64_t>> IntegerParam(const HttpRequest& request, std::string_view name,
                                            int64_t min, int64_t max) {
  ASSIGN_OR_RETURN(auto text, QueryParam(request, name));
  if (!text) return std::optional<int64_t>();
  bool digits = !text->empty() && text->size() <= 19 &&
                text->find_first_not_of("0123456789") == std::string::npos;
  int64_t value = digits ? std::stoll(*text) : -1;
  if (!digits || value < min || value > max) {
    return InvalidArgument(fmt::format("{} '{}' is not a whole number from {} to {}", name,
                                       text->substr(0, 40), min, max));
  }
  return std::optional<int64_t>(value);
}

Result<std::optional<CivilDate>> DateParam(const HttpRequest& request, std::string_view name) {
  ASSIGN_OR_RETURN(auto text, QueryParam(request, name));
  if (!text) return std::optional<CivilDate>();
  auto date = ParseDate(*text);
  if (!date.ok()) return InvalidArgument(fmt::format("{} for {}", date.status().message(), name));
  return std::optional<CivilDate>(*date);
}

Result<projections::PlacementFilter> Filter(const HttpRequest& request) {
  projections::PlacementFilter filter;
  ASSIGN_OR_RETURN(filter.host_org, QueryParam(request, "hostOrg"));
  ASSIGN_OR_RETURN(filter.host_unit, QueryParam(request, "hostUnit"));
  ASSIGN_OR_RETURN(filter.home_org, QueryParam(request, "homeOrg"));
  ASSIGN_OR_RETURN(filter.home_unit, QueryParam(request, "homeUnit"));
  ASSIGN_OR_RETURN(filter.country, QueryParam(request, "country"));
  ASSIGN_OR_RETURN(filter.employee, QueryParam(request, "employee"));
  ASSIGN_OR_RETURN(auto kind, QueryParam(request, "kind"));
  if (kind) {
    ASSIGN_OR_RETURN(filter.kind, ParseKind(*kind, "kind"));
  }
  return filter;
}

Result<std::optional<Position>> AtPosition(const HttpRequest& request) {
  ASSIGN_OR_RETURN(auto at, IntegerParam(request, "atPosition", 1, INT64_MAX));
  if (!at) return std::optional<Position>();
  return std::optional<Position>(static_cast<Position>(*at));
}

std::vector<std::string> EventsJson(const std::vector<RecordedEvent>& events) {
  std::vector<std::string> items;
  items.reserve(events.size());
  for (const RecordedEvent& event : events) items.push_back(EventJson(event));
  return items;
}

// The steps the caller may take on `s` now, by the command line's names: those its role may
// take on this secondment, in a state where they apply.
std::string StepsJson(const service::Caller& caller, const Secondment& s, const Policy& policy) {
  struct Candidate {
    std::string_view name;
    Operation operation;
    bool applies;
  };
  std::optional<schema::Role> role = service::LifecycleRole(caller.role);
  bool awaits = false;
  for (auto scope : {schema::Scope::PLACEMENT, schema::Scope::EXTENSION, schema::Scope::CONVERSION,
                     schema::Scope::CORRECTION}) {
    bool open = scope == schema::Scope::PLACEMENT    ? s.status == SecondmentStatus::kProposed
                : scope == schema::Scope::EXTENSION  ? s.extension_request.has_value()
                : scope == schema::Scope::CONVERSION ? s.conversion_request.has_value()
                                                     : s.correction_request.has_value();
    if (open && role && AwaitsApprovalFrom(s, scope, {caller.id, *role}, policy)) awaits = true;
  }
  bool active = s.status == SecondmentStatus::kActive;
  bool before_start =
      s.status == SecondmentStatus::kProposed || s.status == SecondmentStatus::kApproved;
  // Corrections as the policy allows them; a void needs a fact to void.
  bool corrects = role && std::find(policy.correctors.begin(), policy.correctors.end(), *role) !=
                              policy.correctors.end();
  bool voidable =
      std::any_of(s.facts.begin(), s.facts.end(), [](const Fact& fact) { return !fact.voided; });
  bool convertible = active && !s.conversion_request &&
                     (!policy.feedback_before_conversion || s.feedback_count > 0);
  const Candidate candidates[] = {
      {"approve", Operation::kApprove, awaits},
      {"refuse", Operation::kRefuse, awaits},
      {"withdraw", Operation::kWithdraw, before_start},
      {"sign", Operation::kSign, s.status == SecondmentStatus::kApproved},
      {"start", Operation::kStart, s.status == SecondmentStatus::kApproved},
      {"handover", Operation::kHandover, active || s.status == SecondmentStatus::kApproved},
      {"feedback", Operation::kFeedback, active},
      {"request-extension", Operation::kRequestExtension, active && !s.extension_request},
      {"return", Operation::kReturn, active},
      {"propose-conversion", Operation::kProposeConversion, convertible},
      {"correct", Operation::kCorrect, corrects && !s.correction_request},
      {"void", Operation::kVoid, corrects && voidable && !s.correction_request},
  };
  std::vector<std::string> steps;
  for (const Candidate& c : candidates) {
    if (c.applies && service::MayActOn(caller, c.operation, s).ok()) {
      steps.emplace_back(c.name);
    }
  }
  return service::StringsJson(steps);
}

std::string Quoted(uint64_t version) { return fmt::format("\"{}\"", version); }

}  // namespace

Result<HttpAnswer> GetWhoAmI(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  ASSIGN_OR_RETURN(auto who, call.routes.Authenticate(call.request, Operation::kList));
  std::vector<std::string> roles;
  for (auto role : who.principal.roles) roles.emplace_back(RoleName(role));
  return JsonAnswer(fmt::format("{{\"principal\":{},\"roles\":{},\"role\":{}}}",
                                JsonString(who.principal.id), service::StringsJson(roles),
                                JsonString(RoleName(call.caller.role))));
}

Result<HttpAnswer> ListSecondments(RouteCall& call) {
  std::vector<std::string_view> allowed = kFilters;
  allowed.insert(allowed.end(), {"state", "atPosition"});
  RETURN_IF_ERROR(CheckQueryParams(call.request, allowed));
  service::StatusQuery query;
  ASSIGN_OR_RETURN(query.filter, Filter(call.request));
  ASSIGN_OR_RETURN(auto state, QueryParam(call.request, "state"));
  if (state) {
    ASSIGN_OR_RETURN(query.state, ParseStatusName(*state, "state"));
  }
  ASSIGN_OR_RETURN(query.at, AtPosition(call.request));
  service::LedgerService& ledger = call.routes.ledger();
  ASSIGN_OR_RETURN(auto rows, ledger.ListSecondments(call.caller, query));
  std::vector<std::string> items;
  items.reserve(rows.size());
  CivilDate today = ledger.Today();
  for (const auto& folded : rows) {
    items.push_back(service::FoldedJson(folded, ledger.policy(), today));
  }
  return ListAnswer(call.request, "secondments", items, kSecondmentColumns);
}

Result<HttpAnswer> GetSecondment(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {"atPosition"}));
  ASSIGN_OR_RETURN(auto at, AtPosition(call.request));
  service::LedgerService& ledger = call.routes.ledger();
  ASSIGN_OR_RETURN(auto folded, ledger.Show(call.caller, call.params["id"], at));
  std::string json = service::FoldedJson(folded, ledger.policy(), ledger.Today());
  json.pop_back();
  json += fmt::format(",\"steps\":{}}}",
                      at ? "[]" : StepsJson(call.caller, folded.state, ledger.policy()));
  HttpAnswer answer = JsonAnswer(std::move(json));
  answer.headers.emplace_back("ETag", Quoted(folded.version));
  return answer;
}

Result<HttpAnswer> GetHistory(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {"atPosition"}));
  ASSIGN_OR_RETURN(auto at, AtPosition(call.request));
  ASSIGN_OR_RETURN(auto events, call.routes.ledger().History(call.caller, call.params["id"], at));
  return ListAnswer(call.request, "events", EventsJson(events), kEventColumns);
}

Result<HttpAnswer> GetEmployeeHistory(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {"atPosition"}));
  ASSIGN_OR_RETURN(auto at, AtPosition(call.request));
  ASSIGN_OR_RETURN(auto events,
                   call.routes.ledger().EmployeeHistory(call.caller, call.params["employee"], at));
  return ListAnswer(call.request, "events", EventsJson(events), kEventColumns);
}

Result<HttpAnswer> GetProof(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {"size"}));
  ASSIGN_OR_RETURN(auto size, IntegerParam(call.request, "size", 1, INT64_MAX));
  service::LedgerService& ledger = call.routes.ledger();
  ASSIGN_OR_RETURN(auto checkpoints, ledger.Checkpoints(call.caller));
  const SignedCheckpoint* chosen = nullptr;
  for (const SignedCheckpoint& c : checkpoints) {
    if (size ? c.checkpoint.size == static_cast<uint64_t>(*size)
             : chosen == nullptr || c.checkpoint.size >= chosen->checkpoint.size) {
      chosen = &c;
    }
  }
  if (chosen == nullptr) {
    return NotFound(size ? fmt::format("no stored checkpoint of {} events", *size)
                         : "no checkpoint is stored; sign one with secondment checkpoint");
  }
  ASSIGN_OR_RETURN(HistoryProof proof, ledger.Prove(call.caller, call.params["id"], *chosen));
  HttpAnswer answer = JsonAnswer(proof.ToJson());
  answer.headers.emplace_back(
      "Content-Disposition",
      fmt::format("attachment; filename=\"{}-proof.json\"", call.params["id"]));
  return answer;
}

Result<HttpAnswer> ListPlacements(RouteCall& call) {
  std::vector<std::string_view> allowed = kFilters;
  allowed.insert(allowed.end(), {"asOf", "atPosition"});
  RETURN_IF_ERROR(CheckQueryParams(call.request, allowed));
  service::PlacementQuery query;
  ASSIGN_OR_RETURN(query.filter, Filter(call.request));
  ASSIGN_OR_RETURN(query.as_of, DateParam(call.request, "asOf"));
  ASSIGN_OR_RETURN(query.at, AtPosition(call.request));
  ASSIGN_OR_RETURN(auto placements, call.routes.ledger().ListPlacements(call.caller, query));
  std::vector<std::string> items;
  items.reserve(placements.size());
  for (const auto& p : placements) items.push_back(service::PlacementJson(p));
  return ListAnswer(call.request, "placements", items, kPlacementColumns);
}

Result<HttpAnswer> ListAlerts(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {"withinDays"}));
  service::AlertQuery query;
  ASSIGN_OR_RETURN(auto within, IntegerParam(call.request, "withinDays", 0, 3650));
  if (within) query.within_days = static_cast<int>(*within);
  ASSIGN_OR_RETURN(auto alerts, call.routes.ledger().ListAlerts(call.caller, query));
  std::vector<std::string> items;
  for (const auto& a : alerts) items.push_back(service::AlertJson(a));
  return ListAnswer(call.request, "alerts", items, kAlertColumns);
}

Result<HttpAnswer> GetToDo(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  ASSIGN_OR_RETURN(auto todo, call.routes.ledger().ToDo(call.caller));
  std::vector<std::string> items;
  for (const auto& item : todo) items.push_back(service::ToDoJson(item));
  return ListAnswer(call.request, "todo", items, kToDoColumns);
}

Result<HttpAnswer> ReadLog(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {"from", "max"}));
  ASSIGN_OR_RETURN(auto from, IntegerParam(call.request, "from", 1, INT64_MAX));
  ASSIGN_OR_RETURN(auto max, IntegerParam(call.request, "max", 1, 10000));
  service::LedgerService& ledger = call.routes.ledger();
  Position head = ledger.Head();
  ASSIGN_OR_RETURN(auto events, ledger.ReadLog(call.caller, from.value_or(1), max.value_or(1000)));
  ASSIGN_OR_RETURN(auto format, QueryParam(call.request, "format"));
  if (format == "csv" || (!format && call.request.accept &&
                          call.request.accept->find("text/csv") != std::string::npos)) {
    return ListAnswer(call.request, "events", EventsJson(events), kEventColumns);
  }
  ASSIGN_OR_RETURN(HttpAnswer answer,
                   ListAnswer(call.request, "events", EventsJson(events), kEventColumns));
  answer.body.pop_back();
  answer.body += fmt::format(",\"head\":{}}}", std::max(head, ledger.Head()));
  return answer;
}

Result<HttpAnswer> GetTreeHead(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  ASSIGN_OR_RETURN(auto tree, call.routes.ledger().GetTreeHead(call.caller));
  return JsonAnswer(fmt::format("{{\"ledger\":{},\"size\":{},\"root\":\"{}\"}}",
                                JsonString(tree.ledger_id), tree.head.size, ToHex(tree.head.root)));
}

std::string CheckpointJson(const SignedCheckpoint& c) {
  return fmt::format(
      "{{\"ledger\":{},\"size\":{},\"root\":\"{}\",\"time\":\"{}\",\"keyId\":{},\"note\":{}}}",
      JsonString(c.checkpoint.ledger_id), c.checkpoint.size, ToHex(c.checkpoint.root),
      FormatMicros(c.checkpoint.time_micros), JsonString(c.key_id), JsonString(c.Note()));
}

Result<HttpAnswer> ListCheckpoints(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  ASSIGN_OR_RETURN(auto checkpoints, call.routes.ledger().Checkpoints(call.caller));
  std::vector<std::string> items;
  for (const SignedCheckpoint& c : checkpoints) items.push_back(CheckpointJson(c));
  return ListAnswer(call.request, "checkpoints", items, kCheckpointColumns);
}

Result<HttpAnswer> Verify(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  ASSIGN_OR_RETURN(auto verified,
                   call.routes.ledger().Verify(call.caller, std::nullopt, std::nullopt));
  const VerifyReport& report = verified.report;
  std::vector<std::string> keys = verified.checkpoint_key_ids;
  return JsonAnswer(fmt::format(
      "{{\"events\":{},\"root\":\"{}\",\"streams\":{},\"checkpoints\":{},\"checkpointKeys\":{}}}",
      report.events, ToHex(report.root), report.streams, report.checkpoints,
      service::StringsJson(keys)));
}

Result<HttpAnswer> GetPolicy(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  return JsonAnswer(call.routes.ledger().policy().ToJson());
}

}  // namespace secondment::server
