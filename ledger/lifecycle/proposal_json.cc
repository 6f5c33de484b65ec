#include "ledger/lifecycle/proposal_json.h"

#include <fmt/format.h>

#include "ledger/base/json_input.h"
#include "ledger/event/vocabulary.h"

namespace secondment {
Result<CivilDate> RequiredJsonDate(const JsonObject& o, std::string_view name) {
  ASSIGN_OR_RETURN(auto text, o.String(name));
  if (!text) return InvalidArgument(fmt::format("{} is required in {}", name, o.where()));
  auto date = ParseDate(*text);
  if (!date.ok()) {
    return InvalidArgument(
        fmt::format("{} for {} in {}", date.status().message(), name, o.where()));
  }
  return *date;
}

namespace {

Result<std::string> JsonRequired(const JsonObject& o, std::string_view name) {
  ASSIGN_OR_RETURN(auto text, o.String(name));
  if (!text) return InvalidArgument(fmt::format("{} is required in {}", name, o.where()));
  return *text;
}

}  // namespace

Result<Proposal> ParseProposalJson(std::string_view text, const std::string& where) {
  ASSIGN_OR_RETURN(JsonDocument doc, JsonDocument::Parse(text, where));
  ASSIGN_OR_RETURN(JsonObject o, doc.RootObject());
  return ParseProposalObject(o, {});
}

Result<Proposal> ParseProposalObject(const JsonObject& object,
                                     const std::vector<std::string_view>& also) {
  JsonObject o = object;
  const std::string& where = o.where();
  o.SetLooseNames(true);  // "homeOrg", "home-org" (as the option) and "home_org" all work
  std::vector<std::string_view> allowed = {
      "id",          "employee", "homeOrg",    "homeUnit",  "homeManager", "hostOrg", "hostUnit",
      "hostManager", "kind",     "roleTitle",  "start",     "end",         "fte",     "country",
      "location",    "cost",     "objectives", "objective", "backfill",    "date"};
  allowed.insert(allowed.end(), also.begin(), also.end());
  RETURN_IF_ERROR(o.CheckKnownFields(allowed));
  Proposal p;
  ProposeCommand& c = p.command;
  ASSIGN_OR_RETURN(p.id, o.String("id"));
  ASSIGN_OR_RETURN(c.employee_id, JsonRequired(o, "employee"));
  ASSIGN_OR_RETURN(c.home.org, JsonRequired(o, "homeOrg"));
  ASSIGN_OR_RETURN(c.home.unit, JsonRequired(o, "homeUnit"));
  ASSIGN_OR_RETURN(c.home.manager_id, JsonRequired(o, "homeManager"));
  ASSIGN_OR_RETURN(c.host.org, JsonRequired(o, "hostOrg"));
  ASSIGN_OR_RETURN(c.host.unit, JsonRequired(o, "hostUnit"));
  ASSIGN_OR_RETURN(c.host.manager_id, JsonRequired(o, "hostManager"));
  ASSIGN_OR_RETURN(std::string kind, JsonRequired(o, "kind"));
  ASSIGN_OR_RETURN(c.kind, ParseKind(kind, "kind in " + where));
  ASSIGN_OR_RETURN(c.role_title, JsonRequired(o, "roleTitle"));
  ASSIGN_OR_RETURN(c.start, RequiredJsonDate(o, "start"));
  ASSIGN_OR_RETURN(c.end, RequiredJsonDate(o, "end"));
  ASSIGN_OR_RETURN(auto fte, o.Integer("fte", 1, 100));
  if (fte) c.fte_percent = static_cast<int>(*fte);
  ASSIGN_OR_RETURN(auto country, o.String("country"));
  c.country = country.value_or("");
  ASSIGN_OR_RETURN(auto location, o.String("location"));
  c.location = location.value_or("");
  ASSIGN_OR_RETURN(auto cost, o.String("cost"));
  if (cost) {
    ASSIGN_OR_RETURN(c.cost, ParseCost(*cost, "cost in " + where));
  }
  // "objectives" is a list; "objective", as the repeatable option, a string or a list.
  ASSIGN_OR_RETURN(auto objectives, o.Strings("objectives"));
  c.objectives = objectives.value_or(std::vector<std::string>());
  auto one_objective = o.String("objective");
  if (one_objective.ok()) {
    if (*one_objective) c.objectives.push_back(**one_objective);
  } else {
    ASSIGN_OR_RETURN(auto list, o.Strings("objective"));
    for (auto& objective : list.value_or(std::vector<std::string>()))
      c.objectives.push_back(objective);
  }
  ASSIGN_OR_RETURN(auto backfill, o.String("backfill"));
  c.backfill = backfill.value_or("");
  ASSIGN_OR_RETURN(auto date, o.String("date"));
  if (date) {
    ASSIGN_OR_RETURN(c.date, RequiredJsonDate(o, "date"));
  }
  return p;
}

}  // namespace secondment
