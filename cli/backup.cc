// backup and restore (docs/operations.md).

#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"

namespace secondment::cli {
namespace {

int RunBackup(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("backup takes no arguments; see secondment backup --help"));
  }
  auto to = args.Required("to");
  if (!to.ok()) return Fail(to.status());
  auto ledger = env.Local("backup", service::Access::kWrite);
  if (!ledger.ok()) return Fail(ledger.status());
  auto head = (*ledger)->Backup(service::Caller::Administrator(), *to);
  if (!head.ok()) return Fail(head.status());
  if (env.json()) {
    std::fprintf(Out(), "{\"backup\":%s,\"events\":\"%llu\",\"root\":\"%s\"}\n",
                 JsonString(*to).c_str(), static_cast<unsigned long long>(head->size),
                 ToHex(head->root).c_str());
  } else {
    std::fprintf(Out(), "backed up %llu events (root %s) to %s\n",
                 static_cast<unsigned long long>(head->size), ToHex(head->root).c_str(),
                 to->c_str());
  }
  return 0;
}

int RunRestore(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("restore takes no arguments; see secondment restore --help"));
  }
  auto from = args.Required("from");
  if (!from.ok()) return Fail(from.status());
  if (env.remote()) {
    return Fail(InvalidArgument("restore runs where the ledger is: it does not go with --connect"));
  }
  const std::string& data = env.globals().data;
  // Proven before it is used: every hash, chain and index of the restored ledger.
  auto report = service::LedgerService::Restore(*from, data);
  if (!report.ok()) return Fail(report.status());
  if (env.json()) {
    std::fprintf(Out(), "{\"restored\":%s,\"events\":\"%llu\",\"root\":\"%s\",\"verified\":true}\n",
                 JsonString(data).c_str(), static_cast<unsigned long long>(report->events),
                 ToHex(report->root).c_str());
  } else {
    std::fprintf(Out(), "restored %llu events into %s; verified, root %s\n",
                 static_cast<unsigned long long>(report->events), data.c_str(),
                 ToHex(report->root).c_str());
  }
  return 0;
}

}  // namespace

std::vector<CommandDef> BackupCommandDefs() {
  return {
      {"backup",
       "backup --to DIR",
       "add a consistent backup of the ledger to DIR (safe while it is in use)",
       {{"to"}},
       RunBackup},
      {"restore",
       "--data NEW restore --from DIR",
       "restore the latest backup in DIR as a new ledger at --data, then verify it",
       {{"from"}},
       RunRestore},
  };
}

}  // namespace secondment::cli
