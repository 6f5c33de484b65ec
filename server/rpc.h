// The Cap'n Proto RPC service (schemas/api.capnp) and its client.
//
// The server runs on one kj event loop. Commands run one at a time on that loop, against the
// one open ledger, so appends from different clients are serialised as the CLI's would be;
// a feed reads the log by position between sends and waits on a timer once caught up.
// SIGTERM or SIGINT stops it: no command is half run (they run on the loop), the ledger is
// closed after the appends in flight, and nothing acknowledged is lost.

#ifndef SECONDMENT_SERVER_RPC_H_
#define SECONDMENT_SERVER_RPC_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/log/event_log.h"
#include "server/tokens.h"

namespace secondment::server {

// Runs one command for a client: `words` are the command and its options, run as `principal`
// acting in `role`. Returns the exit status; fills what the command printed.
using CommandExecutor =
    std::function<int(const std::vector<std::string>& words, const Principal& principal, Role role,
                      bool json, std::string* out, std::string* err)>;

// The commands each role may run through a Runner.
bool RoleMayRun(Role role, std::string_view command);

struct ServeOptions {
  std::string listen;       // HOST:PORT (port 0: any free port)
  std::string tokens_path;  // read again for every authentication, so revocation takes effect
  std::optional<std::string> tls_certificate_pem;  // with the key: TLS only
  std::optional<std::string> tls_key_pem;
  // Called on the server's loop about once a second (may be empty), e.g. to watch a relay.
  std::function<void()> tick;
};

// Serves until SIGTERM or SIGINT; `on_listening(port)` is called once it accepts connections.
// SIGTERM and SIGINT must have been captured with CaptureStopSignals() before any thread was
// started. IOError when it cannot listen.
Status Serve(EventLog& log, const ServeOptions& options, CommandExecutor executor,
             const std::function<void(unsigned port)>& on_listening);

// Blocks SIGTERM and SIGINT for the server's event loop to take; call first in main's thread.
void CaptureStopSignals();

struct ConnectOptions {
  std::string address;  // HOST:PORT
  std::string token;
  std::optional<std::string> tls_ca_pem;  // trust this CA (or self-signed certificate): TLS
};

struct RemoteOutcome {
  int exit_code = 0;
  std::string out, err;
};

// A connection and an authenticated session, for running many commands (not thread-safe).
class RemoteSession {
 public:
  // IOError when the server cannot be reached; InvalidArgument when the token is refused.
  static Result<std::unique_ptr<RemoteSession>> Open(const ConnectOptions& options);
  ~RemoteSession();
  // As RunRemote, on this session.
  Result<RemoteOutcome> Run(const std::string& role, const std::vector<std::string>& words,
                            bool json);

 private:
  RemoteSession() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs `words` through the server as the token's principal in `role` (empty: the first of the
// principal's roles that may run the command). IOError when the server cannot be reached;
// InvalidArgument when the token is refused; RuleViolation when the role is not the
// principal's or may not run the command.
Result<RemoteOutcome> RunRemote(const ConnectOptions& options, const std::string& role,
                                const std::vector<std::string>& words, bool json);

// Follows the log through the server's feed: `on_event` gets each event in order until it
// returns false or `should_stop` says so (checked between events and every 100 ms).
Status FollowRemote(const ConnectOptions& options, Position from,
                    const std::vector<std::string>& types, const std::string& consumer,
                    const std::function<bool(Position, const std::string&)>& on_event,
                    const std::function<bool()>& should_stop);

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_RPC_H_
