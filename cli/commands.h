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

CommandDef ProposeCommandDef();
CommandDef ApproveCommandDef();
CommandDef RefuseCommandDef();
std::vector<CommandDef> StepCommandDefs();   // withdraw, sign, start, handover, feedback, ...
std::vector<CommandDef> ReadCommandDefs();   // show, history, log
std::vector<CommandDef> QueryCommandDefs();  // placements, status, alerts, rebuild
std::vector<CommandDef> AuditCommandDefs();  // verify, keygen, checkpoint
std::vector<CommandDef> OfflineAuditCommandDefs();
std::vector<CommandDef> RelayCommandDefs();  // relay
std::vector<CommandDef>
TokenCommandDefs();  // token add, token revoke  // prove, verify-proof, audit-bundle, ...

std::vector<CommandDef> AllCommands();

// Runs one command line (the command's name, then its options) with `env`: what a server runs
// for a client. Returns the exit status.
int RunWords(Env& env, const std::vector<std::string>& words);

// Sends `words` (the command's name and options) to the server named by --connect, prints what
// it printed, and returns its exit status (cli/remote.cc).
int RunThroughServer(const Globals& globals, const std::vector<std::string>& words);

std::vector<CommandDef> ServeCommandDefs();   // serve
std::vector<CommandDef> BackupCommandDefs();  // backup, restore

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_COMMANDS_H_
