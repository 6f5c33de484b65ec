#include "service/caller.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace secondment::service {
namespace {

using Op = Operation;

constexpr Role kRoles[] = {Role::kHr,         Role::kHomeManager,  Role::kHostManager,
                           Role::kSecondee,   Role::kException,    Role::kAuditor,
                           Role::kSubscriber, Role::kAdministrator};

// What each role may do. Managers and secondees are further limited to the secondments that
// name them (MayActOn, MaySee).
const std::vector<Op>& Allowed(Role role) {
  static const std::vector<Op> kHr = {
      Op::kPropose, Op::kApprove,  Op::kRefuse,           Op::kWithdraw,     Op::kSign,
      Op::kStart,   Op::kHandover, Op::kRequestExtension, Op::kReturn,       Op::kProposeConversion,
      Op::kCorrect, Op::kVoid,     Op::kReadSecondment,   Op::kReadEmployee, Op::kList,
      Op::kAlerts,  Op::kReadLog,  Op::kTreeHead,         Op::kRebuild,      Op::kImport,
      Op::kForget};
  static const std::vector<Op> kManager = {
      Op::kApprove,        Op::kRefuse, Op::kHandover, Op::kFeedback, Op::kRequestExtension,
      Op::kReadSecondment, Op::kList,   Op::kCorrect,  Op::kVoid};
  static const std::vector<Op> kSecondee = {Op::kFeedback, Op::kReadSecondment, Op::kReadEmployee,
                                            Op::kList};
  static const std::vector<Op> kException = {Op::kApprove, Op::kRefuse, Op::kReadSecondment};
  static const std::vector<Op> kAuditor = {Op::kReadSecondment, Op::kReadEmployee,   Op::kList,
                                           Op::kAlerts,         Op::kReadLog,        Op::kTreeHead,
                                           Op::kAudit,          Op::kStoreCheckpoint};
  static const std::vector<Op> kSubscriber = {Op::kReadLog};
  static const std::vector<Op> kAdministrator = {
      Op::kReadSecondment, Op::kReadEmployee, Op::kList,    Op::kAlerts,
      Op::kReadLog,        Op::kTreeHead,     Op::kAudit,   Op::kStoreCheckpoint,
      Op::kMakeCheckpoint, Op::kExport,       Op::kRebuild, Op::kBackup,
      Op::kImport};
  switch (role) {
    case Role::kHr:
      return kHr;
    case Role::kHomeManager:
    case Role::kHostManager:
      return kManager;
    case Role::kSecondee:
      return kSecondee;
    case Role::kException:
      return kException;
    case Role::kAuditor:
      return kAuditor;
    case Role::kSubscriber:
      return kSubscriber;
    case Role::kAdministrator:
      return kAdministrator;
  }
  return kSubscriber;
}

// Why `caller` is not the one `s` names in the caller's role, or nullopt when it is (or when
// the role is not limited to named secondments).
std::optional<std::string> NotNamed(const Caller& caller, const Secondment& s) {
  switch (caller.role) {
    case Role::kHomeManager:
      if (caller.id == s.home.manager_id) return std::nullopt;
      return fmt::format("{} is not the home manager of {}", caller.id, s.id);
    case Role::kHostManager:
      if (caller.id == s.host.manager_id) return std::nullopt;
      return fmt::format("{} is not the host manager of {}", caller.id, s.id);
    case Role::kSecondee:
      if (caller.id == s.employee_id) return std::nullopt;
      return fmt::format("{} is not the secondee of {}", caller.id, s.id);
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kHr:
      return "hr";
    case Role::kHomeManager:
      return "home_manager";
    case Role::kHostManager:
      return "host_manager";
    case Role::kSecondee:
      return "secondee";
    case Role::kException:
      return "exception";
    case Role::kAuditor:
      return "auditor";
    case Role::kSubscriber:
      return "subscriber";
    case Role::kAdministrator:
      return "administrator";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view text) {
  for (Role role : kRoles) {
    if (RoleName(role) == text) return role;
  }
  std::string shown(text.substr(0, 40));
  return InvalidArgument(fmt::format(
      "unknown role '{}'; expected one of: hr, home_manager, host_manager, secondee, exception, "
      "auditor, subscriber, administrator",
      shown));
}

std::optional<schema::Role> LifecycleRole(Role role) {
  switch (role) {
    case Role::kHr:
      return schema::Role::HR;
    case Role::kHomeManager:
      return schema::Role::HOME_MANAGER;
    case Role::kHostManager:
      return schema::Role::HOST_MANAGER;
    case Role::kSecondee:
      return schema::Role::SECONDEE;
    case Role::kException:
      return schema::Role::EXCEPTION;
    default:
      return std::nullopt;
  }
}

std::string_view OperationName(Operation operation) {
  switch (operation) {
    case Op::kPropose:
      return "propose";
    case Op::kApprove:
      return "approve";
    case Op::kRefuse:
      return "refuse";
    case Op::kWithdraw:
      return "withdraw";
    case Op::kSign:
      return "sign";
    case Op::kStart:
      return "start";
    case Op::kHandover:
      return "handover";
    case Op::kFeedback:
      return "feedback";
    case Op::kRequestExtension:
      return "request-extension";
    case Op::kReturn:
      return "return";
    case Op::kProposeConversion:
      return "propose-conversion";
    case Op::kCorrect:
      return "correct";
    case Op::kVoid:
      return "void";
    case Op::kReadSecondment:
      return "read a secondment";
    case Op::kReadEmployee:
      return "read an employee's history";
    case Op::kList:
      return "list secondments";
    case Op::kAlerts:
      return "list alerts";
    case Op::kReadLog:
      return "read the log";
    case Op::kTreeHead:
      return "read the tree head";
    case Op::kAudit:
      return "audit";
    case Op::kStoreCheckpoint:
      return "store a checkpoint";
    case Op::kMakeCheckpoint:
      return "sign a checkpoint";
    case Op::kExport:
      return "export an audit bundle";
    case Op::kRebuild:
      return "rebuild";
    case Op::kBackup:
      return "back up";
    case Op::kImport:
      return "import";
    case Op::kForget:
      return "forget";
  }
  return "act";
}

bool IsStep(Operation operation) {
  return static_cast<int>(operation) <= static_cast<int>(Op::kVoid);
}

Operation OperationOf(const Command& command) {
  static constexpr Op kOps[] = {Op::kPropose,
                                Op::kApprove,
                                Op::kRefuse,
                                Op::kWithdraw,
                                Op::kSign,
                                Op::kStart,
                                Op::kHandover,
                                Op::kFeedback,
                                Op::kRequestExtension,
                                Op::kReturn,
                                Op::kProposeConversion,
                                Op::kCorrect,
                                Op::kVoid};
  static_assert(std::size(kOps) == std::variant_size_v<Command>);
  return kOps[command.index()];
}

Status MayPerform(const Caller& caller, Operation operation) {
  const std::vector<Op>& allowed = Allowed(caller.role);
  if (std::find(allowed.begin(), allowed.end(), operation) != allowed.end()) return Status::Ok();
  return RuleViolation(fmt::format("not permitted: role {} may not {}", RoleName(caller.role),
                                   OperationName(operation)));
}

Status MayActOn(const Caller& caller, Operation operation, const Secondment& s) {
  RETURN_IF_ERROR(MayPerform(caller, operation));
  if (auto why = NotNamed(caller, s)) return RuleViolation("not permitted: " + *why);
  return Status::Ok();
}

bool MaySee(const Caller& caller, const Secondment& s) {
  return MayPerform(caller, Operation::kList).ok() && !NotNamed(caller, s).has_value();
}

namespace {

bool SeesEverySecondment(Role role) {
  return role != Role::kHomeManager && role != Role::kHostManager && role != Role::kSecondee;
}

}  // namespace

Result<Role> ChooseRole(const std::string& principal, const std::vector<Role>& roles,
                        Operation operation, std::string_view how_to_say) {
  std::vector<Role> able;
  for (Role role : roles) {
    if (MayPerform({principal, role}, operation).ok()) able.push_back(role);
  }
  if (able.empty()) {
    return RuleViolation(fmt::format("not permitted: none of principal {}'s roles may {}",
                                     principal, OperationName(operation)));
  }
  if (IsStep(operation) && able.size() > 1) {
    std::string names;
    for (Role role : able) {
      names += fmt::format("{}{}", names.empty() ? "" : " or ", RoleName(role));
    }
    return InvalidArgument(fmt::format(
        "principal {} may {} as {}: say which with {}, since the event records the role", principal,
        OperationName(operation), names, how_to_say));
  }
  for (Role role : able) {
    if (SeesEverySecondment(role)) return role;
  }
  return able.front();
}

}  // namespace secondment::service
