#include "ledger/lifecycle/policy.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/base/json_input.h"
#include "ledger/event/vocabulary.h"

namespace secondment {
namespace {

Result<std::vector<schema::Role>> ParseApprovers(const JsonObject& approvers,
                                                 std::string_view scope, std::string_view file,
                                                 std::vector<schema::Role> fallback) {
  ASSIGN_OR_RETURN(auto names, approvers.Strings(scope));
  if (!names) return fallback;
  std::string what = fmt::format("approvers.{} in {}", scope, file);
  if (names->empty() || names->size() > 4) {
    return InvalidArgument(fmt::format("{} must name 1 to 4 roles", what));
  }
  std::vector<schema::Role> roles;
  for (const auto& name : *names) {
    ASSIGN_OR_RETURN(schema::Role role, ParseActingRole(name, what));
    if (role == schema::Role::EXCEPTION) {
      return InvalidArgument(fmt::format(
          "{} cannot name exception: it is needed only beyond the maximum duration", what));
    }
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) {
      return InvalidArgument(fmt::format("{} names {} twice", what, name));
    }
    roles.push_back(role);
  }
  return roles;
}

}  // namespace

Policy Policy::Default() {
  using R = schema::Role;
  Policy policy;
  policy.placement_approvers = {R::HOME_MANAGER, R::HOST_MANAGER, R::HR};
  policy.extension_approvers = {R::HOME_MANAGER, R::HOST_MANAGER, R::HR};
  policy.conversion_approvers = {R::HOME_MANAGER, R::HOST_MANAGER, R::HR};
  return policy;
}

Result<Policy> Policy::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
  return FromJson(text, "policy file " + path);
}

Result<Policy> Policy::FromJson(std::string_view text, const std::string& where) {
  ASSIGN_OR_RETURN(JsonDocument doc, JsonDocument::Parse(text, where));
  ASSIGN_OR_RETURN(JsonObject root, doc.RootObject());
  RETURN_IF_ERROR(root.CheckKnownFields({"approvers", "maxMonths", "agreementBeforeStart",
                                         "feedbackBeforeConversion", "returnGraceDays"}));
  Policy policy = Default();
  ASSIGN_OR_RETURN(auto approvers, root.Object("approvers"));
  if (approvers) {
    RETURN_IF_ERROR(approvers->CheckKnownFields({"placement", "extension", "conversion"}));
    ASSIGN_OR_RETURN(policy.placement_approvers,
                     ParseApprovers(*approvers, "placement", where, policy.placement_approvers));
    ASSIGN_OR_RETURN(policy.extension_approvers,
                     ParseApprovers(*approvers, "extension", where, policy.extension_approvers));
    ASSIGN_OR_RETURN(policy.conversion_approvers,
                     ParseApprovers(*approvers, "conversion", where, policy.conversion_approvers));
  }
  ASSIGN_OR_RETURN(auto months, root.Integer("maxMonths", 1, 120));
  if (months) policy.max_months = static_cast<int>(*months);
  ASSIGN_OR_RETURN(auto agreement, root.Bool("agreementBeforeStart"));
  if (agreement) policy.agreement_before_start = *agreement;
  ASSIGN_OR_RETURN(auto feedback, root.Bool("feedbackBeforeConversion"));
  if (feedback) policy.feedback_before_conversion = *feedback;
  ASSIGN_OR_RETURN(auto grace, root.Integer("returnGraceDays", 0, 365));
  if (grace) policy.return_grace_days = static_cast<int>(*grace);
  return policy;
}

const std::vector<schema::Role>& Policy::Approvers(schema::Scope scope) const {
  switch (scope) {
    case schema::Scope::EXTENSION:
      return extension_approvers;
    case schema::Scope::CONVERSION:
      return conversion_approvers;
    default:
      return placement_approvers;
  }
}

}  // namespace secondment
