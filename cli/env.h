// What every `secondment` command shares: the global options, the desk it runs on (the local
// ledger, or `secondment serve` with --connect), and how a Status becomes an exit status and a
// line on stderr.

#ifndef SECONDMENT_CLI_ENV_H_
#define SECONDMENT_CLI_ENV_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/args.h"
#include "cli/console.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/lifecycle/policy.h"
#include "server/remote.h"
#include "service/caller.h"
#include "service/desk.h"
#include "service/ledger_service.h"

namespace secondment::cli {

struct Globals {
  std::string data;                    // --data, $SECONDMENT_DATA, else ./secondment-data
  bool data_given = false;             // --data was on the line
  std::optional<std::string> actor;    // --actor
  std::optional<std::string> role;     // --as
  std::optional<std::string> policy;   // --policy
  std::optional<std::string> connect;  // --connect HOST:PORT: run through `secondment serve`
  std::optional<std::string> token;    // --token
  std::optional<std::string> tls_ca;   // --tls-ca FILE
  bool json = false;
  bool help = false;
};

// Exit statuses (DESIGN.md section 8).
int ExitCode(StatusCode code);

// Prints the status's message as one line on stderr and returns its exit status.
int Fail(const Status& status);

// What a command asks of the ledger: the operation (which decides the caller locally and the
// role through --connect) and, locally, how to open it.
struct Needs {
  service::Operation operation;
  service::Access access = service::Access::kRead;
  bool repair = true;  // kRead: repair lagging projections first (audits read as it is)
};

class Env {
 public:
  explicit Env(Globals globals);
  ~Env();

  const Globals& globals() const { return globals_; }
  bool json() const { return globals_.json; }
  bool remote() const { return globals_.connect.has_value(); }

  // The desk to run the command on. Locally: the ledger opened as `needs` says, acting as
  // --actor/--as for a lifecycle step (InvalidArgument naming what is missing) or as the local
  // administrator otherwise. With --connect: the server's desk for --as, or for the first of
  // the token's roles that may perform the operation. Opened once per command.
  Result<service::Desk*> Desk(const Needs& needs);
  // The local ledger for commands that only run where it is (backup, serve, relay, ...):
  // InvalidArgument when --connect is given.
  Result<service::LedgerService*> Local(std::string_view command, service::Access access,
                                        bool repair = true);
  // --connect's options, checked: a token (--token or $SECONDMENT_TOKEN), TLS off loopback,
  // no --actor, --policy or --data.
  Result<server::ConnectOptions> Connection() const;
  // The policy in force: --policy FILE, else the defaults.
  Result<Policy> LoadPolicy() const;
  // --actor and --as, required for every lifecycle step: InvalidArgument naming what is
  // missing.
  Result<service::Caller> Writer(std::string_view command) const;

 private:
  Result<service::LedgerService*> Open(service::Access access, bool repair);
  Result<service::Desk*> RemoteDesk(service::Operation operation);

  Globals globals_;
  std::unique_ptr<service::LedgerService> ledger_;
  std::unique_ptr<server::RemoteSession> session_;
  std::unique_ptr<service::Desk> desk_;
};

// The past position asked for with --at-position P or --known-at TIMESTAMP, or nullopt for
// "now". InvalidArgument when both are given, or P is past the head.
Result<std::optional<Position>> LedgerTime(const Args& args, service::Desk& desk);

// The options every as-of-ledger-time command takes.
inline std::vector<OptionSpec> LedgerTimeOptions() { return {{"known-at"}, {"at-position"}}; }

// Records `command` on secondment `id` (nullopt: a proposal with a generated id) and prints the
// outcome. Returns the exit status.
int ExecuteAndReport(Env& env, std::string_view name, std::optional<std::string> id,
                     const Command& command);

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_ENV_H_
