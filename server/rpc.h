// The Cap'n Proto RPC server (schemas/api.capnp): `secondment serve`.
//
// A client logs in with a token (server/tokens.h) and gets a Desk for one of its principal's
// roles; every call on it goes to the application (service/ledger_service.h) as that principal
// in that role, which decides what it may do. The token is checked again before every call, so
// a revocation ends what an open session can do at once.
//
// The server runs on one kj event loop. Calls run one at a time on that loop, against the one
// open ledger; a feed reads the log by position between sends and waits on a timer once caught
// up. SIGTERM or SIGINT stops it: no call is half run (they run on the loop), the ledger is
// closed after the appends in flight, and nothing acknowledged is lost.

#ifndef SECONDMENT_SERVER_RPC_H_
#define SECONDMENT_SERVER_RPC_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "ledger/base/status.h"
#include "service/ledger_service.h"

namespace secondment::server {

struct ServeOptions {
  std::string listen;       // HOST:PORT (port 0: any free port)
  std::string tokens_path;  // read again for every authentication, so revocation takes effect
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

// OK when the options can serve: `listen` is HOST:PORT with a port from 0 to 65535, the tokens
// file exists and reads as one (server/tokens.h), and the TLS certificate and key, when given,
// are PEM that belong together. Else InvalidArgument with one line saying which. It opens no
// ledger: check before opening one.
Status ValidateServeOptions(const ServeOptions& options);

// Serves `ledger` (borrowed; opened for writing) until SIGTERM or SIGINT, or `stop`;
// `on_listening(port)` is called once it accepts connections. InvalidArgument as
// ValidateServeOptions; IOError when it cannot listen (an address in use, a host that does not
// resolve).
Status Serve(service::LedgerService& ledger, const ServeOptions& options,
             const std::function<void(unsigned port)>& on_listening);

// Blocks SIGTERM and SIGINT for the server's event loop to take; call first in main's thread.
void CaptureStopSignals();

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_RPC_H_
