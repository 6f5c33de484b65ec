#include "server/rpc.h"

#include <capnp/rpc-twoparty.h>
#include <fmt/format.h>
#include <kj/async-io.h>
#include <kj/async-unix.h>
#include <kj/compat/tls.h>
#include <kj/timer.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "ledger/event/event_json.h"
#include "ledger/log/subscription.h"
#include "projections/row.h"
#include "schemas/api.capnp.h"
#include "server/connection.h"
#include "server/context.h"
#include "server/desk_server.h"
#include "server/http.h"
#include "server/tokens.h"
#include "server/wire.h"
#include "server/workers.h"

namespace secondment::server {
namespace {

constexpr size_t kFeedBatch = 256;
// A feed that has caught up waits for the next append through this server, or this long.
constexpr auto kFeedIdle = 250 * kj::MILLISECONDS;
constexpr auto kFeedRecheck = std::chrono::milliseconds(250);

// The file a remote consumer's position is kept in: the principal's own namespace, so that
// no client can move another principal's consumer (or the relay's).
std::string RemoteConsumerName(const Principal& principal, const std::string& name) {
  return fmt::format("rpc.{}.{}", principal.id, name);
}

// One client's follow: where it stands and what it wants.
struct FollowState {
  explicit FollowState(api::EventSink::Client sink) : sink(kj::mv(sink)) {}
  api::EventSink::Client sink;
  Position next = 1;
  std::vector<std::string> types;
};

class FeedImpl final : public api::Feed::Server {
 public:
  FeedImpl(Principal principal, ServerContext& server, Credential credential)
      : caller_{principal.id, Role::kSubscriber},
        principal_(std::move(principal)),
        server_(server),
        credential_(std::move(credential)) {}

  kj::Promise<void> follow(FollowContext context) override {
    credential_.Check(principal_, Role::kSubscriber);
    auto params = context.getParams();
    auto state = std::make_shared<FollowState>(params.getSink());
    SubscriptionOptions check;
    for (auto type : params.getTypes()) state->types.push_back(TextOf(type));
    check.types = state->types;
    ThrowIfError(ValidateSubscriptionOptions(check));
    state->next = params.getFrom() == 0 ? 1 : params.getFrom();
    std::string consumer = TextOf(params.getConsumer());
    if (!consumer.empty()) {
      Position acked = ValueOrThrow(server_.ledger.consumers().Get(ConsumerFile(consumer)));
      if (acked > 0) state->next = acked + 1;
    }
    return Pump(state);
  }

  kj::Promise<void> acknowledge(AcknowledgeContext context) override {
    auto params = context.getParams();
    // (Recording a position writes a file: off the loop.)
    return server_.workers
        .Run<bool>([ledger = &server_.ledger, name = ConsumerFile(TextOf(params.getConsumer())),
                    position = params.getPosition(), credential = credential_,
                    principal = principal_] {
          credential.Check(principal, Role::kSubscriber);
          ThrowIfError(ledger->consumers().Acknowledge(name, position));
          return true;
        })
        .ignoreResult();
  }

 private:
  std::string ConsumerFile(const std::string& consumer) {
    ThrowIfError(ConsumerPositions::ValidateName(consumer));
    return RemoteConsumerName(principal_, consumer);
  }

  // Reads on from state->next: skips what the filter drops batch by batch (yielding to the
  // loop between batches), sends the first wanted event, and comes back once the client can
  // take more; once caught up, waits for the next append.
  kj::Promise<void> Pump(std::shared_ptr<FollowState> state) {
    // A revoked token ends an open feed too.
    auto now = std::chrono::steady_clock::now();
    if (now - last_check_ >= kFeedRecheck) {
      credential_.Check(principal_, Role::kSubscriber);
      last_check_ = now;
    }
    if (state->next > server_.ledger.Head()) {
      return server_.appended.Next()
          .exclusiveJoin(server_.timer.afterDelay(kFeedIdle))
          .then([this, state] { return Pump(state); });
    }
    auto events = ValueOrThrow(server_.ledger.ReadLog(caller_, state->next, kFeedBatch));
    return Send(state, std::make_shared<std::vector<RecordedEvent>>(std::move(events)), 0);
  }

  kj::Promise<void> Send(std::shared_ptr<FollowState> state,
                         std::shared_ptr<std::vector<RecordedEvent>> batch, size_t i) {
    for (; i < batch->size(); ++i) {
      const RecordedEvent& event = (*batch)[i];
      state->next = event.position() + 1;
      if (!Wanted(*state, event)) continue;
      auto request = state->sink.eventRequest();
      request.setPosition(event.position());
      request.setJson(EventJson(event));
      return request.send().then([this, state, batch, i] { return Send(state, batch, i + 1); });
    }
    // The batch is done: read the next one from the loop, not from this stack.
    return kj::evalLater([this, state] { return Pump(state); });
  }

  static bool Wanted(const FollowState& state, const RecordedEvent& event) {
    if (state.types.empty()) return true;
    std::string_view type = EventTypeName(event.Get());
    return std::find(state.types.begin(), state.types.end(), type) != state.types.end();
  }

  const service::Caller caller_;
  const Principal principal_;
  ServerContext& server_;
  const Credential credential_;
  std::chrono::steady_clock::time_point last_check_ = std::chrono::steady_clock::now();
};

class SessionImpl final : public api::Session::Server {
 public:
  SessionImpl(Principal principal, ServerContext& server, Credential credential)
      : principal_(std::move(principal)), server_(server), credential_(std::move(credential)) {}

  kj::Promise<void> whoami(WhoamiContext context) override {
    credential_.Check(principal_);
    auto results = context.getResults();
    results.setPrincipal(principal_.id);
    auto roles = results.initRoles(static_cast<unsigned>(principal_.roles.size()));
    for (size_t i = 0; i < principal_.roles.size(); ++i) {
      roles.set(static_cast<unsigned>(i), std::string(RoleName(principal_.roles[i])));
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> desk(DeskContext context) override {
    Role role = ValueOrThrow(ParseRole(TextOf(context.getParams().getRole())));
    if (!principal_.Has(role) || role == Role::kSubscriber) {
      throw ToException(RuleViolation(fmt::format("not permitted: principal {} does not act as {}",
                                                  principal_.id, RoleName(role))));
    }
    credential_.Check(principal_, role);
    auto desk =
        kj::heap<DeskServer>(principal_, role, server_.ledger, server_.workers, credential_);
    desk->on_append = [&appended = server_.appended] { appended.Notify(); };
    context.getResults().setDesk(kj::mv(desk));
    return kj::READY_NOW;
  }

  kj::Promise<void> feed(FeedContext context) override {
    if (!principal_.Has(Role::kSubscriber)) {
      throw ToException(RuleViolation(
          fmt::format("not permitted: principal {} is not a subscriber", principal_.id)));
    }
    credential_.Check(principal_, Role::kSubscriber);
    context.getResults().setFeed(kj::heap<FeedImpl>(principal_, server_, credential_));
    return kj::READY_NOW;
  }

 private:
  const Principal principal_;
  ServerContext& server_;
  const Credential credential_;
};

class LoginImpl final : public api::Login::Server {
 public:
  // `client` is borrowed: the connection's standing, which outlives its RPC system.
  LoginImpl(ServerContext& server, ClientState& client) : server_(server), client_(client) {}

  kj::Promise<void> authenticate(AuthenticateContext context) override {
    auto text = context.getParams().getToken();
    if (text.size() > kMaxTokenBytes) {
      throw ToException(InvalidArgument("a token is at most 4 KiB"));
    }
    std::string token = TextOf(text);
    auto principal = server_.tokens.Authenticate(token);
    if (!principal.ok()) throw ToException(IOError("the server cannot read its tokens"));
    if (!*principal) throw Unauthenticated("the token is not known");
    Credential credential{&server_.tokens, token};
    client_.Authenticated(credential, **principal);
    context.getResults().setSession(kj::heap<SessionImpl>(**principal, server_, credential));
    return kj::READY_NOW;
  }

 private:
  ServerContext& server_;
  ClientState& client_;
};

// The RPC system of one connection, over its stream.
struct RpcConnection {
  RpcConnection(kj::Own<kj::AsyncIoStream> stream, ServerContext& server, ClientState& client)
      : stream(kj::mv(stream)),
        network(*this->stream, capnp::rpc::twoparty::Side::SERVER, ReaderLimits()),
        rpc(capnp::makeRpcServer(network, kj::heap<LoginImpl>(server, client))) {}

  static capnp::ReaderOptions ReaderLimits() {
    capnp::ReaderOptions options;
    options.traversalLimitInWords = kMaxMessageBytes / sizeof(capnp::word);
    return options;
  }

  kj::Own<kj::AsyncIoStream> stream;
  capnp::TwoPartyVatNetwork network;
  capnp::RpcSystem<capnp::rpc::twoparty::VatId> rpc;
};

// Accepts connections and holds each to the limits of server/connection.h.
class Doors final : private kj::TaskSet::ErrorHandler {
 public:
  Doors(ServerContext& server, kj::TlsContext* tls, kj::Duration login_within)
      : server_(server), tls_(tls), login_within_(login_within), tasks_(*this) {}

  kj::Promise<void> Accept(kj::ConnectionReceiver& listener) {
    return listener.accept().then(
        [this, &listener](kj::Own<kj::AsyncIoStream> stream) {
          std::string address = PeerAddress(*stream);
          tasks_.add(Connect(kj::mv(stream), std::move(address)));
          return Accept(listener);
        },
        [this, &listener](kj::Exception&& exception) {
          // Out of file descriptors, or the like: the server goes on, and tries again.
          spdlog::warn("cannot accept a connection ({}); trying again in 100 ms",
                       exception.getDescription().cStr());
          return server_.timer.afterDelay(100 * kj::MILLISECONDS).then([this, &listener] {
            return Accept(listener);
          });
        });
  }

  kj::Promise<void> Connect(kj::Own<kj::AsyncIoStream> stream, std::string address) {
    if (!gate_.Admit(address)) {
      SPDLOG_DEBUG("closed a connection from {}: too many that have not authenticated", address);
      return kj::READY_NOW;
    }
    auto client = kj::heap<ClientState>(address, gate_);
    auto& standing = *client;
    return Serve(kj::mv(stream), standing)
        .exclusiveJoin(Guard(standing, server_.timer.now() + login_within_))
        .attach(kj::mv(client));
  }

 private:
  void taskFailed(kj::Exception&& exception) override {
    SPDLOG_DEBUG("a connection ended: {}", exception.getDescription().cStr());
  }

  // Tells TLS from plain by the first byte, then runs the RPC system until the client goes.
  kj::Promise<void> Serve(kj::Own<kj::AsyncIoStream> stream, ClientState& client) {
    auto first = kj::heapArray<kj::byte>(1);
    auto* s = stream.get();
    auto read = s->tryRead(first.begin(), 1, 1);
    return read.then([this, &client, stream = kj::mv(stream),
                      first = kj::mv(first)](size_t n) mutable -> kj::Promise<void> {
      if (n == 0) return kj::READY_NOW;
      bool hello = first[0] == kTlsHandshake;
      if (tls_ != nullptr && !hello) {
        return TurnAway(kj::mv(stream),
                        AbortMessage("IOError: this port serves TLS only: connect with TLS "
                                     "(secondment --connect HOST:PORT --tls-ca CA.pem)"),
                        server_.timer);
      }
      if (tls_ == nullptr && hello) {
        std::string line =
            "this port serves plain Cap'n Proto, not TLS: connect without TLS (no --tls-ca)\n";
        return TurnAway(
            kj::mv(stream),
            kj::heapArray<kj::byte>(reinterpret_cast<const kj::byte*>(line.data()), line.size()),
            server_.timer);
      }
      kj::Own<kj::AsyncIoStream> replaying =
          kj::heap<ClientStream>(kj::mv(stream), kj::mv(first), nullptr);
      kj::Promise<kj::Own<kj::AsyncIoStream>> ready =
          tls_ != nullptr ? tls_->wrapServer(kj::mv(replaying))
                          : kj::Promise<kj::Own<kj::AsyncIoStream>>(kj::mv(replaying));
      return ready.then([this, &client](kj::Own<kj::AsyncIoStream> plain) {
        auto connection = kj::heap<RpcConnection>(
            kj::heap<ClientStream>(kj::mv(plain), nullptr, &client), server_, client);
        auto done = connection->network.onDisconnect();
        return done.attach(kj::mv(connection));
      });
    });
  }

  // Resolves, which closes the connection, when it has not authenticated by `deadline`, or
  // kRevokedGrace after a token it authenticated with was found revoked (time for its calls and
  // feeds to fail with "revoked" first, which is clearer to the client than a closed socket).
  kj::Promise<void> Guard(ClientState& client, kj::TimePoint deadline) {
    return server_.timer.afterDelay(kRecheckEvery)
        .then([this, &client, deadline]() -> kj::Promise<void> {
          if (!client.authenticated()) {
            if (server_.timer.now() >= deadline) return kj::READY_NOW;
          } else if (!client.StillValid()) {
            return server_.timer.afterDelay(kRevokedGrace);
          }
          return Guard(client, deadline);
        });
  }

  static constexpr auto kRevokedGrace = 500 * kj::MILLISECONDS;

  static constexpr kj::byte kTlsHandshake = 0x16;

  ServerContext& server_;
  kj::TlsContext* const tls_;
  const kj::Duration login_within_;
  LoginGate gate_;
  kj::TaskSet tasks_;
};

// OK when `certificate_pem` starts with a PEM certificate and `key_pem` holds the private key
// of that certificate.
Status CheckKeypair(const std::string& certificate_pem, const std::string& key_pem) {
  auto bio = [](const std::string& pem) {
    return std::unique_ptr<BIO, decltype(&BIO_free)>(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  };
  // No password prompt: a key with a password is refused like any key that does not read.
  pem_password_cb* no_password = [](char*, int, int, void*) { return 0; };
  auto cert_bio = bio(certificate_pem);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_bio_X509(cert_bio.get(), nullptr, no_password, nullptr), &X509_free);
  auto key_bio = bio(key_pem);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_password, nullptr), &EVP_PKEY_free);
  ERR_clear_error();
  if (!certificate) {
    return InvalidArgument("the TLS certificate cannot serve: --tls-cert is not a PEM certificate");
  }
  if (!key) {
    return InvalidArgument(
        "the TLS certificate and key cannot serve: --tls-key is not a PEM private key without a "
        "password");
  }
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument(
        "the TLS certificate and key cannot serve: they do not belong together (--tls-key is not "
        "the key of --tls-cert)");
  }
  return Status::Ok();
}

}  // namespace

namespace {

Status CheckHostPort(const std::string& listen, std::string_view flag) {
  size_t colon = listen.rfind(':');
  std::string_view port =
      colon == std::string::npos ? std::string_view() : std::string_view(listen).substr(colon + 1);
  bool port_ok = !port.empty() && port.size() <= 5 &&
                 port.find_first_not_of("0123456789") == std::string_view::npos &&
                 std::stoul(std::string(port)) <= 65535;
  if (colon == std::string::npos || colon == 0 || !port_ok) {
    return InvalidArgument(fmt::format(
        "{} '{}' is not HOST:PORT with a port from 0 to 65535 (for example 127.0.0.1:7443)", flag,
        listen.substr(0, 100)));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateServeOptions(const ServeOptions& options) {
  if (options.listen.empty() && options.http_listen.empty()) {
    return InvalidArgument("serve needs --listen HOST:PORT, --http HOST:PORT, or both");
  }
  if (!options.listen.empty()) RETURN_IF_ERROR(CheckHostPort(options.listen, "--listen"));
  if (!options.http_listen.empty()) RETURN_IF_ERROR(CheckHostPort(options.http_listen, "--http"));
  if (!std::filesystem::is_regular_file(options.tokens_path)) {
    return InvalidArgument(
        fmt::format("the tokens file {} does not exist; make it with secondment token add",
                    options.tokens_path));
  }
  if (!std::ifstream(options.tokens_path)) {
    return InvalidArgument(fmt::format("the tokens file {} cannot be read", options.tokens_path));
  }
  RETURN_IF_ERROR(TokenFile::Load(options.tokens_path).status());
  if (options.tls_certificate_pem.has_value() != options.tls_key_pem.has_value()) {
    return InvalidArgument("--tls-cert and --tls-key go together");
  }
  if (options.tls_certificate_pem) {
    RETURN_IF_ERROR(CheckKeypair(*options.tls_certificate_pem, *options.tls_key_pem));
    KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                   kj::TlsContext::Options tls_options;
                   kj::TlsKeypair keypair{kj::TlsPrivateKey(options.tls_key_pem->c_str()),
                                          kj::TlsCertificate(options.tls_certificate_pem->c_str())};
                   tls_options.defaultKeypair = keypair;
                   kj::TlsContext context(kj::mv(tls_options));
                 })) {
      std::string why = exception->getDescription().cStr();
      return InvalidArgument(fmt::format("the TLS certificate and key cannot serve ({})",
                                         why.substr(0, why.find('\n')).substr(0, 200)));
    }
  }
  return Status::Ok();
}

void CaptureStopSignals() {
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
}

struct RpcServer::Impl {
  Impl(service::LedgerService& ledger, const ServeOptions& options, kj::Timer& timer)
      : tokens(options.tokens_path),
        workers(options.workers),
        context{ledger, workers, tokens, timer, appended},
        tls(MakeTls(options)),
        doors(context, tls.get(), options.login_within.count() * kj::MILLISECONDS) {}

  static kj::Own<kj::TlsContext> MakeTls(const ServeOptions& options) {
    if (!options.tls_certificate_pem) return kj::Own<kj::TlsContext>();
    kj::TlsContext::Options tls_options;
    kj::TlsKeypair keypair{kj::TlsPrivateKey(options.tls_key_pem->c_str()),
                           kj::TlsCertificate(options.tls_certificate_pem->c_str())};
    tls_options.defaultKeypair = keypair;
    return kj::heap<kj::TlsContext>(kj::mv(tls_options));
  }

  // In this order, so destroyed the other way: the connections close first, then the calls
  // still running finish (their appends are durable) once nobody waits for them; the tokens
  // they check go last.
  TokenSource tokens;
  Workers workers;
  AppendSignal appended;
  ServerContext context;
  kj::Own<kj::TlsContext> tls;
  Doors doors;
};

RpcServer::RpcServer(service::LedgerService& ledger, const ServeOptions& options, kj::Timer& timer)
    : impl_(kj::heap<Impl>(ledger, options, timer)) {}

RpcServer::~RpcServer() = default;

kj::Promise<void> RpcServer::Connect(kj::Own<kj::AsyncIoStream> stream, std::string address) {
  return impl_->doors.Connect(kj::mv(stream), std::move(address));
}

kj::Promise<void> RpcServer::Accept(kj::ConnectionReceiver& listener) {
  return impl_->doors.Accept(listener);
}

void RpcServer::WaitForCalls() { impl_->workers.WaitIdle(); }

ServerContext& RpcServer::context() { return impl_->context; }

kj::TlsContext* RpcServer::tls() { return impl_->tls.get(); }

Status Serve(service::LedgerService& ledger, const ServeOptions& options,
             const std::function<void(const Listening&)>& on_listening) {
  RETURN_IF_ERROR(ValidateServeOptions(options));
  Status result = Status::Ok();
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 auto io = kj::setupAsyncIo();
                 kj::Timer& timer = io.provider->getTimer();
                 auto listen = [&](const std::string& where) {
                   return io.provider->getNetwork()
                       .parseAddress(where)
                       .wait(io.waitScope)
                       ->listen();
                 };
                 RpcServer server(ledger, options, timer);
                 Listening ports;
                 // (Declared before the promises that use them, so destroyed after them.)
                 kj::Own<kj::ConnectionReceiver> rpc_listener;
                 kj::Own<HttpApi> http;
                 if (!options.listen.empty()) {
                   rpc_listener = listen(options.listen);
                   ports.rpc_port = rpc_listener->getPort();
                 }
                 if (!options.http_listen.empty()) {
                   auto http_listener = listen(options.http_listen);
                   ports.http_port = http_listener->getPort();
                   http = kj::heap<HttpApi>(server.context(), server.tls(), kj::mv(http_listener),
                                            options.http_max_waiting);
                 }
                 kj::Promise<void> serving = kj::NEVER_DONE;
                 if (rpc_listener) serving = server.Accept(*rpc_listener);
                 if (http) serving = serving.exclusiveJoin(http->Serve());
                 std::function<kj::Promise<void>()> ticking = [&]() -> kj::Promise<void> {
                   return timer.afterDelay(1 * kj::SECONDS).then([&] {
                     if (options.tick) options.tick();
                     return ticking();
                   });
                 };
                 auto ticks = ticking().eagerlyEvaluate(nullptr);
                 on_listening(ports);
                 // (Lives as long as the loop: the timer's continuations call it.)
                 std::function<kj::Promise<void>()> watch = [&]() -> kj::Promise<void> {
                   if (options.stop->load()) return kj::READY_NOW;
                   return timer.afterDelay(50 * kj::MILLISECONDS).then(watch);
                 };
                 kj::Promise<void> stop = options.stop ? watch() : kj::NEVER_DONE;
                 if (options.stop_on_signals) {
                   stop = stop.exclusiveJoin(io.unixEventPort.onSignal(SIGTERM).ignoreResult())
                              .exclusiveJoin(io.unixEventPort.onSignal(SIGINT).ignoreResult());
                 }
                 serving.exclusiveJoin(kj::mv(stop)).wait(io.waitScope);
               })) {
    result = IOError(fmt::format("serving on {}: {}",
                                 options.listen.empty() ? options.http_listen : options.listen,
                                 exception->getDescription().cStr()));
  }
  return result;
}

}  // namespace secondment::server
