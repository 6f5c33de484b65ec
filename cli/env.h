// What every `secondment` command shares: the global options, the ledger it opens, how a
// Status becomes an exit status and a line on stderr.

#ifndef SECONDMENT_CLI_ENV_H_
#define SECONDMENT_CLI_ENV_H_

#include <memory>
#include <optional>
#include <string>

#include "cli/args.h"
#include "cli/console.h"
#include "ledger/base/clock.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/lifecycle/policy.h"
#include "ledger/log/event_log.h"
#include "service/secondments.h"

namespace secondment::cli {

struct Globals {
  std::string data;                    // --data, $SECONDMENT_DATA, else ./secondment-data
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

class Env {
 public:
  explicit Env(Globals globals) : globals_(std::move(globals)) {}
  // For a server running commands for clients: the commands use this open log and write path
  // (borrowed) instead of opening the ledger.
  Env(Globals globals, EventLog* log, Secondments* secondments)
      : globals_(std::move(globals)), attached_log_(log), attached_secondments_(secondments) {}

  const Globals& globals() const { return globals_; }
  bool json() const { return globals_.json; }

  // Opens the ledger for writing (creating it) with the policy, for write commands, and
  // catches the projections up (repairing any lag a crash left). Waits up to a second for
  // another command's lock before Unavailable.
  // With create = false, NotFound "no ledger at DIR" when there is none.
  Result<Secondments*> OpenForWrite(bool create = true);
  // Opens the ledger read-only, so that reads never block writers; NotFound when there is
  // none. Only when the projections lag behind the log (a crash left them so), `repair` is
  // true and no other process holds the ledger is it reopened for writing to repair them
  // first. Audit commands pass repair = false: they read the log as it is.
  Result<EventLog*> OpenForRead(bool repair = true);
  // Opens the ledger to follow a writer in any process (a RocksDB secondary instance: no lock
  // is taken, CatchUpWithPrimary brings in new events); NotFound when there is none.
  Result<EventLog*> OpenForFollow();
  // The log opened by OpenForWrite or OpenForRead (null before).
  EventLog* log() const { return attached_log_ ? attached_log_ : log_.get(); }
  // Catches the projections up after a write.
  Status CatchUpProjections();
  // The policy in force: --policy FILE, else the defaults.
  Result<Policy> LoadPolicy() const;
  // --actor and --as, required for every write: InvalidArgument naming what is missing.
  Result<Actor> RequireActor(std::string_view command) const;

 private:
  Globals globals_;
  SystemClock clock_;
  std::unique_ptr<EventLog> log_;
  EventLog* attached_log_ = nullptr;
  Secondments* attached_secondments_ = nullptr;
  std::unique_ptr<Secondments> secondments_;
};

// The past position asked for with --at-position P or --known-at TIMESTAMP, or nullopt for
// "now". InvalidArgument when both are given, or P is past the head.
Result<std::optional<Position>> LedgerTime(const Args& args, EventLog& log);

// The options every as-of-ledger-time command takes.
inline std::vector<OptionSpec> LedgerTimeOptions() { return {{"known-at"}, {"at-position"}}; }

// Runs `command` for secondment `id` (nullopt: a proposal with a generated id) and prints the
// outcome. Returns the exit status.
int ExecuteAndReport(Env& env, std::string_view name, std::optional<std::string> id,
                     const Command& command);

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_ENV_H_
