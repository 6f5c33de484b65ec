// The Cap'n Proto RPC server (schemas/api.capnp): `secondment serve`.
//
// A client logs in with a token (server/tokens.h) and gets a Desk for one of its principal's
// roles; every call on it goes to the application (service/ledger_service.h) as that principal
// in that role, which decides what it may do. The token is checked again before every call, and
// every 250 ms for each connection: a revoked token closes the connections that used it.
//
// One kj event loop accepts connections, reads and writes messages and runs the feeds; the
// calls themselves run on worker threads (server/workers.h), so that sessions' appends meet in
// the log's group commit and a write waiting for its fsync holds up nobody else. A feed reads
// the log by position between sends and, once caught up, wakes at the next append. Before it
// authenticates, a client is held to the limits of server/connection.h. SIGTERM or SIGINT stops
// it: the connections close, the calls already running finish (their appends are durable; a
// client that did not see the acknowledgement may retry under the same id), and the ledger is
// closed after them: nothing acknowledged is lost.

#ifndef SECONDMENT_SERVER_RPC_H_
#define SECONDMENT_SERVER_RPC_H_

#include <kj/async-io.h>
#include <kj/compat/tls.h>
#include <kj/timer.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "ledger/base/status.h"
#include "service/ledger_service.h"

namespace secondment::server {

struct ServerContext;  // server/context.h

struct ServeOptions {
  // HOST:PORT (port 0: any free port) of the Cap'n Proto RPC, of the HTTP API and page
  // (server/http.h), or both; an empty one is not served.
  std::string listen;
  std::string http_listen;
  std::string tokens_path;  // read again whenever it changes, so revocation takes effect
  size_t workers = 16;      // threads that run the calls, off the event loop
  // HTTP requests waiting for a worker beyond this are answered 503 at once.
  size_t http_max_waiting = 4096;
  // A connection that has not authenticated this long after it opened is closed.
  std::chrono::milliseconds login_within{10000};
  std::optional<std::string> tls_certificate_pem;  // with the key: TLS only
  std::optional<std::string> tls_key_pem;
  // Called on the server's loop about once a second (may be empty), e.g. to watch a relay.
  std::function<void()> tick;
  // Stop on SIGTERM or SIGINT (captured with CaptureStopSignals first). Without, the server
  // stops only through `stop`.
  bool stop_on_signals = true;
  // When set, the server stops once it holds true (looked at every 50 ms).
  const std::atomic<bool>* stop = nullptr;
};

// OK when the options can serve: `listen` and `http_listen` (one at least) are HOST:PORT with a
// port from 0 to 65535, the tokens
// file exists and reads as one (server/tokens.h), and the TLS certificate and key, when given,
// are PEM that belong together. Else InvalidArgument with one line saying which. It opens no
// ledger: check before opening one.
Status ValidateServeOptions(const ServeOptions& options);

// The server without its listener, on the calling thread's event loop: what Serve runs for
// every connection it accepts, and what the fuzzer (tests/fuzz/rpc_fuzz.cc) feeds bytes to.
class RpcServer {
 public:
  // `ledger` is borrowed (opened for writing) and must outlive the server; `options` as for
  // Serve, checked with ValidateServeOptions first (`listen` is not used here).
  RpcServer(service::LedgerService& ledger, const ServeOptions& options, kj::Timer& timer);
  // Closes every connection, then waits for the calls still running.
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Serves the client on `stream`, from `address`, until it goes or is closed for breaking a
  // limit (server/connection.h). Drop the promise before the server.
  kj::Promise<void> Connect(kj::Own<kj::AsyncIoStream> stream, std::string address);
  // Accepts connections from `listener` and serves each as Connect does, until dropped.
  kj::Promise<void> Accept(kj::ConnectionReceiver& listener);
  // Blocks until no call runs on a worker thread, including those whose client is gone.
  void WaitForCalls();
  // What another door on the same loop shares with it (the HTTP API), and its TLS, if any.
  ServerContext& context();
  kj::TlsContext* tls();

 private:
  struct Impl;
  kj::Own<Impl> impl_;
};

// The ports a server listens on (0: that door is not served).
struct Listening {
  unsigned rpc_port = 0;
  unsigned http_port = 0;
};

// Serves `ledger` (borrowed; opened for writing) until SIGTERM or SIGINT, or `stop`;
// `on_listening` is called once it accepts connections. InvalidArgument as
// ValidateServeOptions; IOError when it cannot listen (an address in use, a host that does not
// resolve).
Status Serve(service::LedgerService& ledger, const ServeOptions& options,
             const std::function<void(const Listening&)>& on_listening);

// Blocks SIGTERM and SIGINT for the server's event loop to take; call first in main's thread.
void CaptureStopSignals();

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_RPC_H_
