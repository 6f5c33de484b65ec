// Who calls the application, and what each role may do (docs/cli.md, "Who may do what").
//
// A Caller is a principal acting in one role: an authenticated token's principal through the
// server, or the --actor/--as of the local command line, which trusts them (whoever can write
// the data directory administers the ledger). The local command line reads and maintains as
// the administrator. Every door asks the same questions here, so a permission is written once:
//
//   MayPerform(caller, Operation::kApprove)          the role may approve at all
//   MayActOn(caller, Operation::kApprove, state)     and on this secondment: a manager only on
//                                                    those naming them, a secondee on their own

#ifndef SECONDMENT_SERVICE_CALLER_H_
#define SECONDMENT_SERVICE_CALLER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment::service {

enum class Role {
  kHr,
  kHomeManager,
  kHostManager,
  kSecondee,
  kException,  // approves extensions beyond the policy's maximum
  kAuditor,
  kSubscriber,
  kAdministrator,  // the local command line: reads, audits and maintains; records no step
};

// "hr", "home_manager", "host_manager", "secondee", "exception", "auditor", "subscriber",
// "administrator"; and back (InvalidArgument naming the text).
std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view text);

// The lifecycle role an event records for `role`; nullopt for roles that record no step.
std::optional<schema::Role> LifecycleRole(Role role);

struct Caller {
  std::string id;  // the principal; recorded as the actor of what it writes
  Role role = Role::kAdministrator;

  // The local command line's reader and maintainer.
  static Caller Administrator() { return {"", Role::kAdministrator}; }
};

enum class Operation {
  // Lifecycle steps (lifecycle.h commands).
  kPropose,
  kApprove,
  kRefuse,
  kWithdraw,
  kSign,
  kStart,
  kHandover,
  kFeedback,
  kRequestExtension,
  kReturn,
  kProposeConversion,
  kCorrect,
  kVoid,
  // Reads.
  kReadSecondment,  // show, history of one secondment
  kReadEmployee,    // history of an employee's secondments
  kList,            // status and placements (rows the caller may see)
  kAlerts,
  kReadLog,  // the log and its feed
  // Audit and maintenance.
  kTreeHead,
  kAudit,            // verify, prove
  kStoreCheckpoint,  // a checkpoint signed elsewhere
  kMakeCheckpoint,   // a checkpoint signed here, with a key this process holds
  kExport,           // audit bundles written beside the ledger
  kRebuild,
  kBackup,
  kImport,  // a file of past steps (service/import.h)
  kForget,  // erasure of a person's data (service/erasure.h)
};

// True for the lifecycle steps (kPropose to kProposeConversion): what records an event.
bool IsStep(Operation operation);

// "propose", "show", "verify", ... as in messages.
std::string_view OperationName(Operation operation);

// The operation of a lifecycle command.
Operation OperationOf(const Command& command);

// OK when the caller's role may perform `operation` at all; RuleViolation
// "not permitted: role auditor may not withdraw" otherwise.
Status MayPerform(const Caller& caller, Operation operation);

// OK when the caller may perform `operation` on secondment `s` (MayPerform first): a manager
// only on secondments naming them in their role, a secondee only on their own. RuleViolation
// "not permitted: mgr-2 is not the host manager of SEC-1" otherwise.
Status MayActOn(const Caller& caller, Operation operation, const Secondment& s);

// Whether the caller may see secondment `s` in a list (kList rows).
bool MaySee(const Caller& caller, const Secondment& s);

// The role a principal holding `roles` acts in when it does not say: the one role that may
// take a step (InvalidArgument asking for `how_to_say` when several may, since the event
// records the role); for anything else the first that may, preferring one that sees every
// secondment over one limited to those naming it. RuleViolation "not permitted: ..." when none
// may.
Result<Role> ChooseRole(const std::string& principal, const std::vector<Role>& roles,
                        Operation operation, std::string_view how_to_say);

}  // namespace secondment::service

#endif  // SECONDMENT_SERVICE_CALLER_H_
