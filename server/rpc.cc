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
#include "server/desk_server.h"
#include "server/tokens.h"
#include "server/wire.h"

namespace secondment::server {
namespace {

constexpr size_t kFeedBatch = 256;
constexpr auto kFeedIdle = 50 * kj::MILLISECONDS;
constexpr auto kRecheckEvery = std::chrono::seconds(1);

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
  FeedImpl(Principal principal, service::LedgerService& ledger, kj::Timer& timer,
           Credential credential)
      : caller_{principal.id, Role::kSubscriber},
        principal_(std::move(principal)),
        ledger_(ledger),
        timer_(timer),
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
      Position acked = ValueOrThrow(ledger_.consumers().Get(ConsumerFile(consumer)));
      if (acked > 0) state->next = acked + 1;
    }
    return Pump(state);
  }

  kj::Promise<void> acknowledge(AcknowledgeContext context) override {
    credential_.Check(principal_, Role::kSubscriber);
    auto params = context.getParams();
    std::string name = ConsumerFile(TextOf(params.getConsumer()));
    ThrowIfError(ledger_.consumers().Acknowledge(name, params.getPosition()));
    return kj::READY_NOW;
  }

 private:
  std::string ConsumerFile(const std::string& consumer) {
    ThrowIfError(ConsumerPositions::ValidateName(consumer));
    return RemoteConsumerName(principal_, consumer);
  }

  // Reads on from state->next: skips what the filter drops batch by batch (yielding to the
  // loop between batches), sends the first wanted event, and comes back once the client can
  // take more; waits on a timer once caught up.
  kj::Promise<void> Pump(std::shared_ptr<FollowState> state) {
    // A revoked token ends an open feed too, within a second.
    auto now = std::chrono::steady_clock::now();
    if (now - last_check_ >= kRecheckEvery) {
      credential_.Check(principal_, Role::kSubscriber);
      last_check_ = now;
    }
    if (state->next > ledger_.Head()) {
      return timer_.afterDelay(kFeedIdle).then([this, state] { return Pump(state); });
    }
    auto events = ValueOrThrow(ledger_.ReadLog(caller_, state->next, kFeedBatch));
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
  service::LedgerService& ledger_;
  kj::Timer& timer_;
  const Credential credential_;
  std::chrono::steady_clock::time_point last_check_ = std::chrono::steady_clock::now();
};

class SessionImpl final : public api::Session::Server {
 public:
  SessionImpl(Principal principal, service::LedgerService& ledger, kj::Timer& timer,
              Credential credential)
      : principal_(std::move(principal)),
        ledger_(ledger),
        timer_(timer),
        credential_(std::move(credential)) {}

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
    context.getResults().setDesk(kj::heap<DeskServer>(principal_, role, ledger_, credential_));
    return kj::READY_NOW;
  }

  kj::Promise<void> feed(FeedContext context) override {
    if (!principal_.Has(Role::kSubscriber)) {
      throw ToException(RuleViolation(
          fmt::format("not permitted: principal {} is not a subscriber", principal_.id)));
    }
    credential_.Check(principal_, Role::kSubscriber);
    context.getResults().setFeed(kj::heap<FeedImpl>(principal_, ledger_, timer_, credential_));
    return kj::READY_NOW;
  }

 private:
  const Principal principal_;
  service::LedgerService& ledger_;
  kj::Timer& timer_;
  const Credential credential_;
};

class LoginImpl final : public api::Login::Server {
 public:
  LoginImpl(std::string tokens_path, service::LedgerService& ledger, kj::Timer& timer)
      : tokens_path_(std::move(tokens_path)), ledger_(ledger), timer_(timer) {}

  kj::Promise<void> authenticate(AuthenticateContext context) override {
    auto tokens = TokenFile::Load(tokens_path_);
    if (!tokens.ok()) throw ToException(IOError("the server cannot read its tokens"));
    std::string token = TextOf(context.getParams().getToken());
    auto principal = tokens->Authenticate(token);
    if (!principal) throw Unauthenticated("the token is not known");
    context.getResults().setSession(
        kj::heap<SessionImpl>(*principal, ledger_, timer_, Credential{tokens_path_, token}));
    return kj::READY_NOW;
  }

 private:
  const std::string tokens_path_;
  service::LedgerService& ledger_;
  kj::Timer& timer_;
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

Status ValidateServeOptions(const ServeOptions& options) {
  const std::string& listen = options.listen;
  size_t colon = listen.rfind(':');
  std::string_view port =
      colon == std::string::npos ? std::string_view() : std::string_view(listen).substr(colon + 1);
  bool port_ok = !port.empty() && port.size() <= 5 &&
                 port.find_first_not_of("0123456789") == std::string_view::npos &&
                 std::stoul(std::string(port)) <= 65535;
  if (colon == std::string::npos || colon == 0 || !port_ok) {
    return InvalidArgument(fmt::format(
        "--listen '{}' is not HOST:PORT with a port from 0 to 65535 (for example 127.0.0.1:7443)",
        listen.substr(0, 100)));
  }
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

Status Serve(service::LedgerService& ledger, const ServeOptions& options,
             const std::function<void(unsigned port)>& on_listening) {
  RETURN_IF_ERROR(ValidateServeOptions(options));
  Status result = Status::Ok();
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 auto io = kj::setupAsyncIo();
                 kj::Network* network = &io.provider->getNetwork();
                 kj::Own<kj::TlsContext> tls;
                 kj::Own<kj::Network> tls_network;
                 kj::Maybe<kj::TlsKeypair> keypair;
                 if (options.tls_certificate_pem) {
                   keypair =
                       kj::TlsKeypair{kj::TlsPrivateKey(options.tls_key_pem->c_str()),
                                      kj::TlsCertificate(options.tls_certificate_pem->c_str())};
                   kj::TlsContext::Options tls_options;
                   tls_options.defaultKeypair = KJ_ASSERT_NONNULL(keypair);
                   tls = kj::heap<kj::TlsContext>(kj::mv(tls_options));
                   tls_network = tls->wrapNetwork(*network);
                   network = tls_network.get();
                 }
                 auto address = network->parseAddress(options.listen).wait(io.waitScope);
                 auto listener = address->listen();
                 kj::Timer& timer = io.provider->getTimer();
                 capnp::TwoPartyServer server(
                     kj::heap<LoginImpl>(options.tokens_path, ledger, timer));
                 auto serving = server.listen(*listener);
                 std::function<kj::Promise<void>()> ticking = [&]() -> kj::Promise<void> {
                   return timer.afterDelay(1 * kj::SECONDS).then([&] {
                     if (options.tick) options.tick();
                     return ticking();
                   });
                 };
                 auto ticks = ticking().eagerlyEvaluate(nullptr);
                 on_listening(listener->getPort());
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
    result = IOError(
        fmt::format("serving on {}: {}", options.listen, exception->getDescription().cStr()));
  }
  return result;
}

}  // namespace secondment::server
