// secondment approve / refuse: a decision on an open placement, extension or conversion
// request, by the role given with --as.

#include "cli/commands.h"
#include "ledger/event/vocabulary.h"

namespace secondment::cli {
namespace {

// The id and --scope that approve and refuse both take.
Result<std::pair<std::string, schema::Scope>> IdAndScope(const Args& args) {
  ASSIGN_OR_RETURN(std::string id, args.OnlyPositional("secondment"));
  ASSIGN_OR_RETURN(std::string scope, args.Required("scope"));
  ASSIGN_OR_RETURN(schema::Scope parsed, ParseScope(scope, "--scope"));
  return std::make_pair(id, parsed);
}

int RunApprove(Env& env, const Args& args) {
  auto target = IdAndScope(args);
  if (!target.ok()) return Fail(target.status());
  Command command = ApproveCommand{target->second, args.Get("conditions").value_or("")};
  if (Status dated = SetStepDate(args, command); !dated.ok()) return Fail(dated);
  return ExecuteAndReport(env, "approve", target->first, command);
}

int RunRefuse(Env& env, const Args& args) {
  auto target = IdAndScope(args);
  if (!target.ok()) return Fail(target.status());
  auto reason = args.Required("reason");
  if (!reason.ok()) return Fail(reason.status());
  Command command = RefuseCommand{target->second, *reason};
  if (Status dated = SetStepDate(args, command); !dated.ok()) return Fail(dated);
  return ExecuteAndReport(env, "refuse", target->first, command);
}

}  // namespace

CommandDef ApproveCommandDef() {
  return {"approve",
          "approve ID --scope placement|extension|conversion|correction [--conditions TEXT] "
          "[--date D]",
          "approve an open request as the --as role",
          {{"scope"}, {"conditions"}, {"date"}},
          RunApprove};
}

CommandDef RefuseCommandDef() {
  return {"refuse",
          "refuse ID --scope placement|extension|conversion|correction --reason TEXT [--date D]",
          "refuse an open request as the --as role",
          {{"scope"}, {"reason"}, {"date"}},
          RunRefuse};
}

}  // namespace secondment::cli
