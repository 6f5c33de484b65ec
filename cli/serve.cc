// serve: the ledger over Cap'n Proto RPC (server/rpc.h) and HTTP (server/http.h), until SIGTERM
// or SIGINT.

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "ledger/base/json_input.h"
#include "ledger/log/subscription.h"
#include "server/relay.h"
#include "server/rpc.h"
#include "server/tokens.h"

namespace secondment::cli {
namespace {

int RunServe(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("serve takes no arguments; see secondment serve --help"));
  }
  server::ServeOptions options;
  options.listen = args.Get("listen").value_or("");
  options.http_listen = args.Get("http").value_or("");
  if (options.listen.empty() && options.http_listen.empty()) {
    return Fail(InvalidArgument("serve needs --listen HOST:PORT, --http HOST:PORT, or both"));
  }
  auto tokens = args.Required("tokens");
  if (!tokens.ok()) return Fail(tokens.status());
  options.tokens_path = *tokens;
  if (args.Has("tls-cert") != args.Has("tls-key")) {
    return Fail(InvalidArgument("--tls-cert and --tls-key go together"));
  }
  if (args.Has("tls-cert")) {
    auto cert = ReadSmallFile(*args.Get("tls-cert"));
    if (!cert.ok()) return Fail(cert.status());
    auto key = ReadSmallFile(*args.Get("tls-key"));
    if (!key.ok()) return Fail(key.status());
    options.tls_certificate_pem = std::move(*cert);
    options.tls_key_pem = std::move(*key);
  }
  // Everything that can be checked is, before the ledger is opened.
  if (Status valid = server::ValidateServeOptions(options); !valid.ok()) return Fail(valid);
  std::optional<server::RelayOptions> relay_options;
  if (args.Has("nats")) {
    relay_options.emplace();
    relay_options->nats_url = *args.Get("nats");
    if (auto stream = args.Get("stream")) relay_options->stream = *stream;
    if (auto prefix = args.Get("subject-prefix")) relay_options->subject_prefix = *prefix;
    if (Status s = server::ValidateRelayOptions(*relay_options); !s.ok()) return Fail(s);
  } else if (args.Has("stream") || args.Has("subject-prefix")) {
    return Fail(InvalidArgument("--stream and --subject-prefix go with --nats"));
  }
  // Before the ledger starts RocksDB's threads, so that they inherit the blocked signals.
  server::CaptureStopSignals();
  auto ledger = env.Local("serve", service::Access::kWrite);
  if (!ledger.ok()) return Fail(ledger.status());
  EventLog* log = &(*ledger)->log();
  // The relay runs beside the server on the same open ledger: woken by its appends at once.
  ConsumerPositions& positions = (*ledger)->consumers();
  std::unique_ptr<server::Relay> relay;
  if (relay_options) {
    auto started = server::Relay::Start(*log, positions, *relay_options, {});
    if (!started.ok()) return Fail(started.status());
    relay = std::move(*started);
  }
  // A relay that fails (NATS down, JetStream refusing) is reported and started again, from its
  // acknowledged position, every 5 seconds until it runs.
  auto next_start = std::chrono::steady_clock::now();
  options.tick = [&] {
    if (!relay_options) return;
    auto now = std::chrono::steady_clock::now();
    if (relay && relay->failed()) {
      Status stopped = relay->Stop();
      std::fprintf(stderr, "relay stopped: %s; starting it again\n", stopped.ToString().c_str());
      relay.reset();
      next_start = now + std::chrono::seconds(5);
    }
    if (!relay && now >= next_start) {
      auto started = server::Relay::Start(*log, positions, *relay_options, {});
      if (started.ok()) {
        relay = std::move(*started);
      } else {
        std::fprintf(stderr, "relay: %s\n", started.status().ToString().c_str());
        next_start = now + std::chrono::seconds(5);
      }
    }
  };
  Status served = server::Serve(**ledger, options, [&](const server::Listening& ports) {
    if (ports.rpc_port != 0) {
      std::printf("serving %s on port %u (%s)\n", env.globals().data.c_str(), ports.rpc_port,
                  options.tls_certificate_pem ? "TLS" : "plain TCP");
    }
    if (ports.http_port != 0) {
      std::string host = options.http_listen.substr(0, options.http_listen.rfind(':'));
      std::printf("http on %s://%s:%u/ (serving %s)\n",
                  options.tls_certificate_pem ? "https" : "http", host.c_str(), ports.http_port,
                  env.globals().data.c_str());
    }
    std::fflush(stdout);
  });
  Status relayed = relay ? relay->Stop() : Status::Ok();
  if (!served.ok()) return Fail(served);
  if (!relayed.ok()) return Fail(relayed);
  std::printf("stopped; the ledger is closed\n");
  return 0;
}

}  // namespace

std::vector<CommandDef> ServeCommandDefs() {
  return {{"serve",
           "serve [--listen HOST:PORT] [--http HOST:PORT] --tokens FILE [--tls-cert F --tls-key "
           "F] [--nats URL [--stream NAME] [--subject-prefix P]]",
           "serve the ledger over Cap'n Proto RPC (--listen) and HTTP with its web page (--http) "
           "to clients with tokens, each within its roles",
           {{"listen"},
            {"http"},
            {"tokens"},
            {"tls-cert"},
            {"tls-key"},
            {"nats"},
            {"stream"},
            {"subject-prefix"}},
           RunServe}};
}

}  // namespace secondment::cli
