// The HTTP API and web page (docs/http.md): `secondment serve --http HOST:PORT`.
//
// kj-http serves HTTP/1.1 on the server's event loop, beside the Cap'n Proto RPC and sharing
// its worker threads, tokens and append signal (server/context.h). Each request is read on the
// loop (a body of at most 64 KiB), answered on a worker by server/http_routes.h, and written
// back on the loop; the event stream (Server-Sent Events) reads the log on the loop between
// sends, as the RPC feed does, and wakes at each append through either door.

#ifndef SECONDMENT_SERVER_HTTP_H_
#define SECONDMENT_SERVER_HTTP_H_

#include <kj/async-io.h>
#include <kj/compat/tls.h>

#include "server/context.h"

namespace secondment::server {

class HttpApi {
 public:
  // `context` is borrowed and must outlive the API; `tls` (may be null: plain HTTP) too.
  // Requests waiting for a worker beyond `max_waiting` are answered 503 at once.
  HttpApi(ServerContext& context, kj::TlsContext* tls, kj::Own<kj::ConnectionReceiver> listener,
          size_t max_waiting);
  // Closes every connection, then waits for the requests running on workers.
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  // Accepts and serves connections until dropped.
  kj::Promise<void> Serve();

 private:
  struct Impl;
  kj::Own<Impl> impl_;
};

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_HTTP_H_
