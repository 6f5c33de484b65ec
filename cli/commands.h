// The commands of `secondment`. Each is defined in its own file and listed by AllCommands().

#ifndef SECONDMENT_CLI_COMMANDS_H_
#define SECONDMENT_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/env.h"

namespace secondment::cli {

struct CommandDef {
  std::string name;
  std::string usage;    // the line after "usage: secondment "
  std::string summary;  // one line for `secondment --help`
  std::vector<OptionSpec> options;
  int (*run)(Env& env, const Args& args);
};

CommandDef InitCommandDef();
CommandDef ProposeCommandDef();
CommandDef ImportCommandDef();                      // import FILE
CommandDef ForgetCommandDef();                      // forget EMPLOYEE
CommandDef ExportCommandDef();                      // export status|placements|alerts|histories|log
CommandDef PolicyCommandDef();                      // policy show
std::vector<CommandDef> StepCommandDefs();          // approve, refuse, withdraw, sign, start, ...
std::vector<CommandDef> ReadCommandDefs();          // show, history, log
std::vector<CommandDef> QueryCommandDefs();         // placements, status, alerts, rebuild
std::vector<CommandDef> AuditCommandDefs();         // verify, keygen, checkpoint
std::vector<CommandDef> OfflineAuditCommandDefs();  // prove, verify-proof, audit-bundle, ...
std::vector<CommandDef> RelayCommandDefs();         // relay
std::vector<CommandDef> TokenCommandDefs();         // token add, token revoke

std::vector<CommandDef> AllCommands();

std::vector<CommandDef> ServeCommandDefs();   // serve
std::vector<CommandDef> BackupCommandDefs();  // backup, restore

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_COMMANDS_H_
