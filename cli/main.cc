// secondment: the command line of the secondment ledger. See docs/cli.md.
//
//   secondment [--data DIR] [--actor ID --as ROLE] [--json] [--policy FILE] COMMAND [ARGS]
//
// Exit statuses: 0 ok, 2 invalid input, 3 lifecycle rule violated, 4 conflict or duplicate,
// 5 not found, 6 storage error or corruption, 7 ledger locked by another process.

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/env.h"

namespace secondment::cli {

std::vector<CommandDef> AllCommands() {
  std::vector<CommandDef> all = {InitCommandDef(), ProposeCommandDef()};
  for (auto& c : StepCommandDefs()) all.push_back(std::move(c));
  for (auto& c : ReadCommandDefs()) all.push_back(std::move(c));
  for (auto& c : QueryCommandDefs()) all.push_back(std::move(c));
  for (auto& c : AuditCommandDefs()) all.push_back(std::move(c));
  for (auto& c : OfflineAuditCommandDefs()) all.push_back(std::move(c));
  for (auto& c : RelayCommandDefs()) all.push_back(std::move(c));
  for (auto& c : TokenCommandDefs()) all.push_back(std::move(c));
  for (auto& c : ServeCommandDefs()) all.push_back(std::move(c));
  for (auto& c : BackupCommandDefs()) all.push_back(std::move(c));
  all.push_back(ImportCommandDef());
  all.push_back(ForgetCommandDef());
  all.push_back(ExportCommandDef());
  all.push_back(PolicyCommandDef());
  return all;
}

namespace {

constexpr char kGlobalUsage[] =
    "global options (anywhere on the line):\n"
    "  --data DIR      the ledger directory (default $SECONDMENT_DATA, else ./secondment-data)\n"
    "  --actor ID      who acts (required for every write; recorded on the event)\n"
    "  --as ROLE       the role acted in: hr, home_manager, host_manager, secondee, exception\n"
    "  --json          one JSON object per line\n"
    "  --policy FILE   the policy to decide by (JSON; see docs/cli.md)\n"
    "  --connect HOST:PORT --token T [--tls-ca F]\n"
    "                  run the command through `secondment serve` as the token's principal\n"
    "  --help          this help, or a command's\n"
    "exit status: 0 ok, 2 invalid input, 3 rule violated, 4 conflict, 5 not found,\n"
    "             6 storage error or corruption, 7 ledger locked by another process\n";

void PrintUsage(const std::vector<CommandDef>& commands) {
  std::printf("usage: secondment [global options] COMMAND [ARGS]\n\ncommands:\n");
  for (const auto& c : commands) std::printf("  %-20s %s\n", c.name.c_str(), c.summary.c_str());
  std::printf("\n%s", kGlobalUsage);
}

int Main(int argc, char** argv) {
  Globals globals;
  const char* env_data = std::getenv("SECONDMENT_DATA");
  globals.data = env_data && *env_data ? env_data : "./secondment-data";
  std::optional<std::string> command_name;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    std::string token = argv[i];
    auto value_of = [&](std::optional<std::string>* out) -> Status {
      if (i + 1 >= argc) return InvalidArgument(fmt::format("{} needs a value", token));
      if (out->has_value())
        return InvalidArgument(fmt::format("{} is given more than once", token));
      *out = argv[++i];
      return Status::Ok();
    };
    Status status;
    if (token == "--data") {
      std::optional<std::string> data;
      status = value_of(&data);
      if (status.ok() && data->empty()) status = InvalidArgument("--data needs a directory");
      if (status.ok()) globals.data = *data;
      globals.data_given = true;
    } else if (token == "--connect") {
      status = value_of(&globals.connect);
    } else if (token == "--token") {
      status = value_of(&globals.token);
    } else if (token == "--tls-ca") {
      status = value_of(&globals.tls_ca);
    } else if (token == "--actor") {
      status = value_of(&globals.actor);
    } else if (token == "--as") {
      status = value_of(&globals.role);
    } else if (token == "--policy") {
      status = value_of(&globals.policy);
    } else if (token == "--json") {
      globals.json = true;
    } else if (token == "--help" || token == "-h") {
      globals.help = true;
    } else if (!command_name && !token.empty() && token[0] != '-') {
      command_name = token;
    } else {
      rest.push_back(token);
    }
    if (!status.ok()) return Fail(status);
  }

  std::vector<CommandDef> commands = AllCommands();
  if (!command_name) {
    if (globals.help) {
      PrintUsage(commands);
      return 0;
    }
    if (!rest.empty()) {
      return Fail(InvalidArgument(
          fmt::format("unknown option {}; see secondment --help", Printable(rest.front(), 40))));
    }
    return Fail(InvalidArgument("no command given; see secondment --help"));
  }
  auto command = std::find_if(commands.begin(), commands.end(),
                              [&](const CommandDef& c) { return c.name == *command_name; });
  if (command == commands.end()) {
    return Fail(InvalidArgument(
        fmt::format("unknown command '{}'; see secondment --help", Printable(*command_name, 40))));
  }
  if (globals.help) {
    std::printf("usage: secondment %s\n%s\n\n%s", command->usage.c_str(), command->summary.c_str(),
                kGlobalUsage);
    return 0;
  }
  // Commands that never touch a ledger run here, with or without --connect.
  static const std::vector<std::string> kLedgerFree = {"keygen", "verify-proof", "verify-bundle",
                                                       "token"};
  bool ledger_free =
      std::find(kLedgerFree.begin(), kLedgerFree.end(), command->name) != kLedgerFree.end();
  if (ledger_free) {
    globals.connect.reset();
  } else if (globals.connect || globals.token || globals.tls_ca) {
    if (!globals.connect) return Fail(InvalidArgument("--token and --tls-ca go with --connect"));
    // Checked before anything is parsed or read: a token must not leave in clear.
    Env probe(globals);
    if (auto connection = probe.Connection(); !connection.ok()) return Fail(connection.status());
  }
  auto args = Args::Parse(command->name, rest, command->options);
  if (!args.ok()) return Fail(args.status());
  Env env(std::move(globals));
  return command->run(env, *args);
}

}  // namespace

}  // namespace secondment::cli

int main(int argc, char** argv) {
  // Stored events are checked as canonical when read, not field by field; one altered inside
  // RocksDB (a text without its closing NUL) can still make a reader throw. That is damage:
  // say so in one line with exit 6, as for any Corruption, instead of aborting.
  try {
    return secondment::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::string what = e.what();
    return secondment::cli::Fail(secondment::Corruption(
        fmt::format("the ledger could not be read ({}); it may be damaged: run `secondment "
                    "verify`",
                    what.substr(0, what.find('\n')))));
  }
}
