#include "ledger/lifecycle/policy.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/base/json_input.h"
#include "ledger/event/vocabulary.h"

namespace secondment {
namespace {

Result<std::vector<schema::Role>> ParseApprovers(const JsonObject& object, std::string_view key,
                                                 std::string_view what,
                                                 std::vector<schema::Role> fallback) {
  ASSIGN_OR_RETURN(auto names, object.Strings(key));
  if (!names) return fallback;
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

// `key` into `*out` when the file has it; the default stays otherwise.
Status ReadInteger(const JsonObject& root, std::string_view key, int64_t min, int64_t max,
                   int* out) {
  ASSIGN_OR_RETURN(auto value, root.Integer(key, min, max));
  if (value) *out = static_cast<int>(*value);
  return Status::Ok();
}

Status ReadBool(const JsonObject& root, std::string_view key, bool* out) {
  ASSIGN_OR_RETURN(auto value, root.Bool(key));
  if (value) *out = *value;
  return Status::Ok();
}

}  // namespace

Policy Policy::Default() {
  using R = schema::Role;
  Policy policy;
  policy.placement_approvers = {R::HOME_MANAGER, R::HOST_MANAGER, R::HR};
  policy.extension_approvers = {R::HOME_MANAGER, R::HOST_MANAGER, R::HR};
  policy.conversion_approvers = {R::HOME_MANAGER, R::HOST_MANAGER, R::HR};
  policy.correctors = {R::HR};
  policy.correction_approvers = {R::HR};
  return policy;
}

Result<Policy> Policy::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
  return FromJson(text, "policy file " + path);
}

Result<Policy> Policy::FromJson(std::string_view text, const std::string& where) {
  ASSIGN_OR_RETURN(JsonDocument doc, JsonDocument::Parse(text, where));
  ASSIGN_OR_RETURN(JsonObject root, doc.RootObject());
  RETURN_IF_ERROR(root.CheckKnownFields(
      {"approvers", "maxMonths", "agreementBeforeStart", "feedbackBeforeConversion",
       "returnGraceDays", "maxDaysAhead", "startWindowDays", "oneApprovalPerPerson",
       "requesterMayApproveAsHr", "correctors", "correctionApproval", "sealManagerIds",
       "erasureAfterDays"}));
  Policy policy = Default();
  ASSIGN_OR_RETURN(auto approvers, root.Object("approvers"));
  if (approvers) {
    RETURN_IF_ERROR(
        approvers->CheckKnownFields({"placement", "extension", "conversion", "correction"}));
    using Roles = std::vector<schema::Role>;
    const std::pair<std::string_view, Roles Policy::*> kScopes[] = {
        {"placement", &Policy::placement_approvers},
        {"extension", &Policy::extension_approvers},
        {"conversion", &Policy::conversion_approvers},
        {"correction", &Policy::correction_approvers}};
    for (const auto& [scope, roles] : kScopes) {
      ASSIGN_OR_RETURN(
          policy.*roles,
          ParseApprovers(*approvers, scope, fmt::format("approvers.{} in {}", scope, where),
                         policy.*roles));
    }
  }
  ASSIGN_OR_RETURN(policy.correctors,
                   ParseApprovers(root, "correctors", fmt::format("correctors in {}", where),
                                  policy.correctors));
  if (std::find(policy.correctors.begin(), policy.correctors.end(), schema::Role::SECONDEE) !=
      policy.correctors.end()) {
    return InvalidArgument(fmt::format(
        "correctors in {} cannot name secondee: a secondee does not correct the record", where));
  }
  RETURN_IF_ERROR(ReadInteger(root, "maxMonths", 1, 120, &policy.max_months));
  RETURN_IF_ERROR(ReadBool(root, "agreementBeforeStart", &policy.agreement_before_start));
  RETURN_IF_ERROR(ReadBool(root, "feedbackBeforeConversion", &policy.feedback_before_conversion));
  RETURN_IF_ERROR(ReadInteger(root, "returnGraceDays", 0, 365, &policy.return_grace_days));
  RETURN_IF_ERROR(ReadInteger(root, "maxDaysAhead", 0, 31, &policy.max_days_ahead));
  RETURN_IF_ERROR(ReadInteger(root, "startWindowDays", 0, 366, &policy.start_window_days));
  RETURN_IF_ERROR(ReadBool(root, "oneApprovalPerPerson", &policy.one_approval_per_person));
  RETURN_IF_ERROR(ReadBool(root, "requesterMayApproveAsHr", &policy.requester_may_approve_as_hr));
  RETURN_IF_ERROR(ReadBool(root, "sealManagerIds", &policy.seal_manager_ids));
  RETURN_IF_ERROR(ReadInteger(root, "erasureAfterDays", 0, 36500, &policy.erasure_after_days));
  ASSIGN_OR_RETURN(auto approval, root.String("correctionApproval"));
  if (approval) {
    bool known = false;
    for (auto candidate : {CorrectionApproval::kNone, CorrectionApproval::kDatesAfterStart,
                           CorrectionApproval::kAll}) {
      if (*approval == CorrectionApprovalName(candidate)) {
        policy.correction_approval = candidate;
        known = true;
      }
    }
    if (!known) {
      return InvalidArgument(
          fmt::format("correctionApproval in {} must be none, dates_after_start or all", where));
    }
  }
  return policy;
}

std::string_view CorrectionApprovalName(Policy::CorrectionApproval approval) {
  switch (approval) {
    case Policy::CorrectionApproval::kNone:
      return "none";
    case Policy::CorrectionApproval::kDatesAfterStart:
      return "dates_after_start";
    case Policy::CorrectionApproval::kAll:
      return "all";
  }
  return "?";
}

namespace {

std::string RoleList(const std::vector<schema::Role>& roles, std::string_view separator) {
  std::string out;
  for (auto role : roles) {
    if (!out.empty()) out += separator;
    out += RoleName(role);
  }
  return out;
}

std::string RolesJson(const std::vector<schema::Role>& roles) {
  std::string out;
  for (auto role : roles) out += fmt::format("{}\"{}\"", out.empty() ? "" : ",", RoleName(role));
  return "[" + out + "]";
}

}  // namespace

std::vector<std::string> Policy::Describe() const {
  std::vector<std::string> lines;
  auto approvers = [&](std::string_view what, const std::vector<schema::Role>& roles) {
    lines.push_back(fmt::format("{} needs the approval of: {}{}", what, RoleList(roles, ", "),
                                roles.size() == 1 ? " (one approver only)" : ""));
  };
  approvers("a placement", placement_approvers);
  approvers("an extension", extension_approvers);
  approvers("a conversion", conversion_approvers);
  lines.push_back(fmt::format(
      "maximum duration: {} months from the start; beyond it an extension also needs exception",
      max_months));
  lines.push_back(agreement_before_start ? "a signed agreement is required before the start"
                                         : "no agreement is required before the start");
  lines.push_back(feedback_before_conversion ? "a conversion needs at least one feedback first"
                                             : "a conversion needs no feedback first");
  lines.push_back(
      fmt::format("return not recorded: {} days after the planned end", return_grace_days));
  lines.push_back(max_days_ahead == 0
                      ? std::string("facts may not be dated after the day they are recorded")
                      : fmt::format("facts may be dated up to {} days after the day they are "
                                    "recorded",
                                    max_days_ahead));
  lines.push_back(
      fmt::format("the actual start lies within {} days of the planned start", start_window_days));
  lines.push_back(one_approval_per_person
                      ? "four eyes: one person gives at most one approval of a request"
                      : "four eyes RELAXED (oneApprovalPerPerson false): one person may give "
                        "several approvals of a request");
  lines.push_back(requester_may_approve_as_hr
                      ? "four eyes RELAXED (requesterMayApproveAsHr true): the requester may "
                        "give the hr approval of their own request"
                      : "four eyes: whoever made a request does not give its hr approval");
  lines.push_back(fmt::format("corrections and voids are made by: {}", RoleList(correctors, ", ")));
  lines.push_back(seal_manager_ids
                      ? "sealed under the secondee's key: their id and the texts about them, "
                        "and the managers' ids"
                      : "sealed under the secondee's key: their id and the texts about them");
  lines.push_back(erasure_after_days == 0
                      ? std::string("no retention period: no erasure falls due by itself")
                      : fmt::format("erasure is due {} days after a person's last secondment "
                                    "ended",
                                    erasure_after_days));
  switch (correction_approval) {
    case CorrectionApproval::kNone:
      lines.push_back("corrections need no second approval");
      break;
    case CorrectionApproval::kDatesAfterStart:
      lines.push_back(fmt::format(
          "a correction of a date once started, and a void of a start or a return, needs a "
          "second approval by: {}",
          RoleList(correction_approvers, ", ")));
      break;
    case CorrectionApproval::kAll:
      lines.push_back(fmt::format("every correction and void needs a second approval by: {}",
                                  RoleList(correction_approvers, ", ")));
      break;
  }
  return lines;
}

std::string Policy::ToJson() const {
  return fmt::format(
      "{{\"approvers\":{{\"placement\":{},\"extension\":{},\"conversion\":{},"
      "\"correction\":{}}},\"maxMonths\":{},\"agreementBeforeStart\":{},"
      "\"feedbackBeforeConversion\":{},\"returnGraceDays\":{},\"maxDaysAhead\":{},"
      "\"startWindowDays\":{},\"oneApprovalPerPerson\":{},\"requesterMayApproveAsHr\":{},"
      "\"correctors\":{},\"correctionApproval\":\"{}\",\"sealManagerIds\":{},"
      "\"erasureAfterDays\":{}}}",
      RolesJson(placement_approvers), RolesJson(extension_approvers),
      RolesJson(conversion_approvers), RolesJson(correction_approvers), max_months,
      agreement_before_start, feedback_before_conversion, return_grace_days, max_days_ahead,
      start_window_days, one_approval_per_person, requester_may_approve_as_hr,
      RolesJson(correctors), CorrectionApprovalName(correction_approval), seal_manager_ids,
      erasure_after_days);
}

const std::vector<schema::Role>& Policy::Approvers(schema::Scope scope) const {
  switch (scope) {
    case schema::Scope::CORRECTION:
      return correction_approvers;
    case schema::Scope::EXTENSION:
      return extension_approvers;
    case schema::Scope::CONVERSION:
      return conversion_approvers;
    default:
      return placement_approvers;
  }
}

}  // namespace secondment
