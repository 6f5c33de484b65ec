// secondment init: creates a new, empty ledger. The only command that creates one (besides
// `restore`, into a new directory): every other command on a directory without a ledger is
// refused, so that a mistyped --data never starts a second, empty ledger.

#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"

namespace secondment::cli {
namespace {

int RunInit(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("init takes no arguments; the ledger goes where --data says"));
  }
  if (env.remote()) {
    return Fail(InvalidArgument("init runs where the ledger is: it does not go with --connect"));
  }
  const std::string& dir = env.globals().data;
  auto ledger_id = service::LedgerService::Create(dir);
  if (!ledger_id.ok()) return Fail(ledger_id.status());
  if (env.json()) {
    std::fprintf(Out(), "{\"ledger\":\"%s\",\"data\":%s}\n", ledger_id->c_str(),
                 JsonString(dir).c_str());
  } else {
    std::fprintf(Out(), "created ledger %s at %s\n", ledger_id->c_str(), dir.c_str());
  }
  return 0;
}

}  // namespace

CommandDef InitCommandDef() {
  return {"init",
          "init",
          "create a new, empty ledger at --data (the only command that creates one)",
          {},
          RunInit};
}

}  // namespace secondment::cli
