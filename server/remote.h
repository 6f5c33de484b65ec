// The client of `secondment serve` (schemas/api.capnp): what `--connect` uses.
//
//   auto session = RemoteSession::Open({"127.0.0.1:7443", token});
//   auto desk = (*session)->OpenDesk("hr");
//   auto outcome = (*desk)->Execute("SEC-1", WithdrawCommand{"role filled"});
//
// A refused call comes back as the Status the server refused it with (the same code and
// message as the command line's); a refused token is InvalidArgument "the server refused the
// token (...)"; a server that cannot be reached, or a connection that breaks, is IOError.

#ifndef SECONDMENT_SERVER_REMOTE_H_
#define SECONDMENT_SERVER_REMOTE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/event/event.h"
#include "service/desk.h"

namespace secondment::server {

struct ConnectOptions {
  std::string address;  // HOST:PORT
  std::string token;
  std::optional<std::string> tls_ca_pem;  // trust this CA (or self-signed certificate): TLS
};

// One connection and its authenticated session. Not thread-safe: it runs its own event loop on
// the calling thread. Desks opened from it borrow it and must not outlive it.
class RemoteSession {
 public:
  // IOError when the server cannot be reached; InvalidArgument when the token is refused.
  static Result<std::unique_ptr<RemoteSession>> Open(const ConnectOptions& options);
  ~RemoteSession();
  RemoteSession(const RemoteSession&) = delete;
  RemoteSession& operator=(const RemoteSession&) = delete;

  // The principal the token names, and its roles.
  Result<std::pair<std::string, std::vector<service::Role>>> WhoAmI();
  // A desk for `role`; RuleViolation "not permitted: ..." for a role the principal lacks.
  Result<std::unique_ptr<service::Desk>> OpenDesk(service::Role role);

  struct Impl;

 private:
  RemoteSession() = default;
  std::unique_ptr<Impl> impl_;
};

// Follows the log through the server's feed: `on_event` gets each event in order until it
// returns false or `should_stop` says so (checked between events and every 100 ms).
Status FollowRemote(const ConnectOptions& options, Position from,
                    const std::vector<std::string>& types, const std::string& consumer,
                    const std::function<bool(Position, const std::string&)>& on_event,
                    const std::function<bool()>& should_stop);

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_REMOTE_H_
