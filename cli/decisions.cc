// secondment approve / refuse: a decision on an open placement, extension or conversion
// request, by the role given with --as.

#include "cli/commands.h"
#include "ledger/vocabulary.h"

namespace secondment::cli {
namespace {

int RunApprove(Env& env, const Args& args) {
  auto id = args.OnlyPositional("secondment");
  if (!id.ok()) return Fail(id.status());
  auto scope_text = args.Required("scope");
  if (!scope_text.ok()) return Fail(scope_text.status());
  auto scope = ParseScope(*scope_text, "--scope");
  if (!scope.ok()) return Fail(scope.status());
  return ExecuteAndReport(env, "approve", *id,
                          ApproveCommand{*scope, args.Get("conditions").value_or("")});
}

int RunRefuse(Env& env, const Args& args) {
  auto id = args.OnlyPositional("secondment");
  if (!id.ok()) return Fail(id.status());
  auto scope_text = args.Required("scope");
  if (!scope_text.ok()) return Fail(scope_text.status());
  auto scope = ParseScope(*scope_text, "--scope");
  if (!scope.ok()) return Fail(scope.status());
  auto reason = args.Required("reason");
  if (!reason.ok()) return Fail(reason.status());
  return ExecuteAndReport(env, "refuse", *id, RefuseCommand{*scope, *reason});
}

}  // namespace

CommandDef ApproveCommandDef() {
  return {"approve",
          "approve ID --scope placement|extension|conversion [--conditions TEXT]",
          "approve an open request as the --as role",
          {{"scope"}, {"conditions"}},
          RunApprove};
}

CommandDef RefuseCommandDef() {
  return {"refuse",
          "refuse ID --scope placement|extension|conversion --reason TEXT",
          "refuse an open request as the --as role",
          {{"scope"}, {"reason"}},
          RunRefuse};
}

}  // namespace secondment::cli
