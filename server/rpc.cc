#include "server/rpc.h"

#include <capnp/rpc-twoparty.h>
#include <fmt/format.h>
#include <kj/async-io.h>
#include <kj/async-unix.h>
#include <kj/compat/tls.h>
#include <kj/timer.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include "ledger/event/event_json.h"
#include "ledger/log/subscription.h"
#include "schemas/api.capnp.h"

namespace secondment::server {
namespace {

constexpr char kUnauthenticated[] = "unauthenticated";
constexpr char kNotPermitted[] = "not permitted";
constexpr size_t kMaxWords = 200;
constexpr size_t kMaxRequestBytes = 1 << 20;
constexpr size_t kFeedBatch = 256;
constexpr auto kFeedIdle = 50 * kj::MILLISECONDS;

// Options that name the client's files or would override what the server decides.
constexpr std::string_view kForbiddenOptions[] = {
    "--data", "--actor",  "--as",  "--policy",     "--connect", "--token", "--tls-ca", "--json",
    "--file", "--follow", "--out", "--checkpoint", "--pubkey",  "--key",   "--tokens"};

kj::Exception Refusal(std::string_view kind, std::string_view detail) {
  return kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                       kj::str(kind.data(), ": ", std::string(detail).c_str()));
}

std::string Text(capnp::Text::Reader text) { return std::string(text.cStr(), text.size()); }

Status CheckWords(const std::vector<std::string>& words, Role role) {
  if (words.empty()) return InvalidArgument("no command given");
  if (words.size() > kMaxWords) return InvalidArgument("too many words in one command");
  size_t bytes = 0;
  for (const std::string& word : words) {
    bytes += word.size();
    for (std::string_view forbidden : kForbiddenOptions) {
      if (word == forbidden || word.rfind(std::string(forbidden) + "=", 0) == 0) {
        return InvalidArgument(fmt::format("{} cannot be sent through --connect", forbidden));
      }
    }
  }
  if (bytes > kMaxRequestBytes) return InvalidArgument("the command is over 1 MiB");
  if (!RoleMayRun(role, words[0])) {
    return RuleViolation(fmt::format("{}: role {} may not run {}", kNotPermitted, RoleName(role),
                                     words[0].substr(0, 40)));
  }
  return Status::Ok();
}

// The token a session was opened with: checked again before every command, so that a
// revocation ends what a session can do at once, not when it disconnects.
struct Credential {
  std::string tokens_path;
  std::string token;

  void Check(const Principal& principal, std::optional<Role> role = std::nullopt) const {
    auto tokens = TokenFile::Load(tokens_path);
    if (!tokens.ok()) throw Refusal("failed", "the server cannot read its tokens");
    auto now = tokens->Authenticate(token);
    if (!now || now->id != principal.id || (role && !now->Has(*role))) {
      throw Refusal(kUnauthenticated, "the token was revoked or changed");
    }
  }
};

class RunnerImpl final : public api::Runner::Server {
 public:
  RunnerImpl(Principal principal, Role role, CommandExecutor& executor, Credential credential)
      : principal_(std::move(principal)),
        role_(role),
        executor_(executor),
        credential_(std::move(credential)) {}

  kj::Promise<void> run(RunContext context) override {
    credential_.Check(principal_, role_);
    auto params = context.getParams();
    std::vector<std::string> words;
    for (auto word : params.getArgs()) words.push_back(Text(word));
    std::string out, err;
    int code = 0;
    Status valid = CheckWords(words, role_);
    if (!valid.ok()) {
      code = valid.code() == StatusCode::kRuleViolation ? 3 : 2;
      err = std::string(valid.message()) + "\n";
    } else {
      code = executor_(words, principal_, role_, params.getJson(), &out, &err);
    }
    auto results = context.getResults();
    results.setExitCode(code);
    results.setOut(out);
    results.setErr(err);
    return kj::READY_NOW;
  }

 private:
  const Principal principal_;
  const Role role_;
  CommandExecutor& executor_;
  const Credential credential_;
};

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
  FeedImpl(Principal principal, EventLog& log, kj::Timer& timer, Credential credential)
      : principal_(std::move(principal)),
        log_(log),
        timer_(timer),
        positions_(log.dir()),
        credential_(std::move(credential)) {}

  kj::Promise<void> follow(FollowContext context) override {
    credential_.Check(principal_, Role::kSubscriber);
    auto params = context.getParams();
    auto state = std::make_shared<FollowState>(params.getSink());
    SubscriptionOptions check;
    for (auto type : params.getTypes()) state->types.push_back(Text(type));
    check.types = state->types;
    if (Status s = ValidateSubscriptionOptions(check); !s.ok()) {
      throw Refusal("invalid", s.message());
    }
    state->next = params.getFrom() == 0 ? 1 : params.getFrom();
    std::string consumer = Text(params.getConsumer());
    if (!consumer.empty()) {
      std::string name = ConsumerFile(consumer);
      auto acked = positions_.Get(name);
      if (!acked.ok()) throw Refusal("failed", acked.status().message());
      if (*acked > 0) state->next = *acked + 1;
    }
    return Pump(state);
  }

  kj::Promise<void> acknowledge(AcknowledgeContext context) override {
    credential_.Check(principal_, Role::kSubscriber);
    auto params = context.getParams();
    std::string name = ConsumerFile(Text(params.getConsumer()));
    if (Status s = positions_.Acknowledge(name, params.getPosition()); !s.ok()) {
      throw Refusal("failed", s.message());
    }
    return kj::READY_NOW;
  }

 private:
  std::string ConsumerFile(const std::string& consumer) {
    if (Status s = ConsumerPositions::ValidateName(consumer); !s.ok()) {
      throw Refusal("invalid", s.message());
    }
    return RemoteConsumerName(principal_, consumer);
  }

  // Reads on from state->next: skips what the filter drops batch by batch (yielding to the
  // loop between batches), sends the first wanted event, and comes back once the client can
  // take more; waits on a timer once caught up.
  kj::Promise<void> Pump(std::shared_ptr<FollowState> state) {
    if (state->next > log_.Head()) {
      return timer_.afterDelay(kFeedIdle).then([this, state] { return Pump(state); });
    }
    auto events = log_.ReadAll(state->next, kFeedBatch);
    if (!events.ok()) throw Refusal("failed", events.status().message());
    return Send(state, std::make_shared<std::vector<RecordedEvent>>(std::move(*events)), 0);
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

  const Principal principal_;
  EventLog& log_;
  kj::Timer& timer_;
  ConsumerPositions positions_;
  const Credential credential_;
};

class SessionImpl final : public api::Session::Server {
 public:
  SessionImpl(Principal principal, EventLog& log, kj::Timer& timer, CommandExecutor& executor,
              Credential credential)
      : principal_(std::move(principal)),
        log_(log),
        timer_(timer),
        executor_(executor),
        credential_(std::move(credential)) {}

  kj::Promise<void> whoami(WhoamiContext context) override {
    auto results = context.getResults();
    results.setPrincipal(principal_.id);
    auto roles = results.initRoles(static_cast<unsigned>(principal_.roles.size()));
    for (size_t i = 0; i < principal_.roles.size(); ++i) {
      roles.set(static_cast<unsigned>(i), std::string(RoleName(principal_.roles[i])));
    }
    return kj::READY_NOW;
  }

  kj::Promise<void> runner(RunnerContext context) override {
    auto role = ParseRole(Text(context.getParams().getRole()));
    if (!role.ok()) throw Refusal("invalid", role.status().message());
    if (!principal_.Has(*role) || *role == Role::kSubscriber) {
      throw Refusal(kNotPermitted,
                    fmt::format("principal {} does not act as {}", principal_.id, RoleName(*role)));
    }
    credential_.Check(principal_, *role);
    context.getResults().setRunner(kj::heap<RunnerImpl>(principal_, *role, executor_, credential_));
    return kj::READY_NOW;
  }

  kj::Promise<void> feed(FeedContext context) override {
    if (!principal_.Has(Role::kSubscriber)) {
      throw Refusal(kNotPermitted, fmt::format("principal {} is not a subscriber", principal_.id));
    }
    credential_.Check(principal_, Role::kSubscriber);
    context.getResults().setFeed(kj::heap<FeedImpl>(principal_, log_, timer_, credential_));
    return kj::READY_NOW;
  }

 private:
  const Principal principal_;
  EventLog& log_;
  kj::Timer& timer_;
  CommandExecutor& executor_;
  const Credential credential_;
};

class LoginImpl final : public api::Login::Server {
 public:
  LoginImpl(std::string tokens_path, EventLog& log, kj::Timer& timer, CommandExecutor& executor)
      : tokens_path_(std::move(tokens_path)), log_(log), timer_(timer), executor_(executor) {}

  kj::Promise<void> authenticate(AuthenticateContext context) override {
    auto tokens = TokenFile::Load(tokens_path_);
    if (!tokens.ok()) throw Refusal("failed", "the server cannot read its tokens");
    std::string token = Text(context.getParams().getToken());
    auto principal = tokens->Authenticate(token);
    if (!principal) throw Refusal(kUnauthenticated, "the token is not known");
    context.getResults().setSession(kj::heap<SessionImpl>(*principal, log_, timer_, executor_,
                                                          Credential{tokens_path_, token}));
    return kj::READY_NOW;
  }

 private:
  const std::string tokens_path_;
  EventLog& log_;
  kj::Timer& timer_;
  CommandExecutor& executor_;
};

// What an RPC exception's description says, mapped back to a Status for the CLI.
Status FromException(const kj::Exception& e, std::string_view what) {
  std::string description = e.getDescription().cStr();
  auto strip = [&](std::string_view kind) {
    size_t at = description.find(kind);
    return at == std::string::npos ? description : description.substr(at);
  };
  if (description.find(kUnauthenticated) != std::string::npos) {
    return InvalidArgument(
        fmt::format("the server refused the token ({})", strip(kUnauthenticated)));
  }
  if (description.find(kNotPermitted) != std::string::npos) {
    return RuleViolation(strip(kNotPermitted));
  }
  if (description.find("invalid: ") != std::string::npos) {
    return InvalidArgument(description.substr(description.find("invalid: ") + 9));
  }
  return IOError(fmt::format("{}: {}", what, description));
}

}  // namespace

bool RoleMayRun(Role role, std::string_view command) {
  static const std::vector<std::string_view> kHr = {"propose",
                                                    "approve",
                                                    "refuse",
                                                    "withdraw",
                                                    "sign",
                                                    "start",
                                                    "handover",
                                                    "feedback",
                                                    "request-extension",
                                                    "return",
                                                    "propose-conversion",
                                                    "show",
                                                    "history",
                                                    "log",
                                                    "placements",
                                                    "status",
                                                    "alerts",
                                                    "rebuild",
                                                    "tree-head"};
  static const std::vector<std::string_view> kManager = {"approve", "refuse", "feedback", "show",
                                                         "history"};
  static const std::vector<std::string_view> kSecondee = {"feedback", "show", "history"};
  static const std::vector<std::string_view> kAuditor = {
      "show",   "history", "log",   "placements", "status",
      "alerts", "verify",  "prove", "tree-head",  "checkpoint"};
  const std::vector<std::string_view>* allowed = nullptr;
  switch (role) {
    case Role::kHr:
      allowed = &kHr;
      break;
    case Role::kHomeManager:
    case Role::kHostManager:
      allowed = &kManager;
      break;
    case Role::kSecondee:
      allowed = &kSecondee;
      break;
    case Role::kAuditor:
      allowed = &kAuditor;
      break;
    case Role::kSubscriber:
      return false;
  }
  return std::find(allowed->begin(), allowed->end(), command) != allowed->end();
}

void CaptureStopSignals() {
  kj::UnixEventPort::captureSignal(SIGTERM);
  kj::UnixEventPort::captureSignal(SIGINT);
}

Status Serve(EventLog& log, const ServeOptions& options, CommandExecutor executor,
             const std::function<void(unsigned port)>& on_listening) {
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
                 capnp::TwoPartyServer server(kj::heap<LoginImpl>(
                     options.tokens_path, log, io.provider->getTimer(), executor));
                 auto serving = server.listen(*listener);
                 std::function<kj::Promise<void>()> ticking = [&]() -> kj::Promise<void> {
                   return io.provider->getTimer().afterDelay(1 * kj::SECONDS).then([&] {
                     if (options.tick) options.tick();
                     return ticking();
                   });
                 };
                 auto ticks = ticking().eagerlyEvaluate(nullptr);
                 on_listening(listener->getPort());
                 auto stop = io.unixEventPort.onSignal(SIGTERM).ignoreResult().exclusiveJoin(
                     io.unixEventPort.onSignal(SIGINT).ignoreResult());
                 serving.exclusiveJoin(kj::mv(stop)).wait(io.waitScope);
               })) {
    result = IOError(
        fmt::format("serving on {}: {}", options.listen, exception->getDescription().cStr()));
  }
  return result;
}

namespace {

// A connected client: the event loop, the stream and the session, for one CLI command.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const ConnectOptions& options) {
    auto c = std::unique_ptr<Connection>(new Connection());
    Status status = Status::Ok();
    KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                   c->io_.emplace(kj::setupAsyncIo());
                   auto& io = *c->io_;
                   kj::Network* network = &io.provider->getNetwork();
                   if (options.tls_ca_pem) {
                     c->ca_.emplace(kj::TlsCertificate(options.tls_ca_pem->c_str()));
                     kj::TlsContext::Options tls_options;
                     tls_options.useSystemTrustStore = false;
                     tls_options.trustedCertificates = kj::arrayPtr(&*c->ca_, 1);
                     c->tls_ = kj::heap<kj::TlsContext>(kj::mv(tls_options));
                     c->tls_network_ = c->tls_->wrapNetwork(*network);
                     network = c->tls_network_.get();
                   }
                   auto address = network->parseAddress(options.address).wait(io.waitScope);
                   c->stream_ = address->connect().wait(io.waitScope);
                   c->client_ = kj::heap<capnp::TwoPartyClient>(*c->stream_);
                   auto login = c->client_->bootstrap().castAs<api::Login>();
                   auto request = login.authenticateRequest();
                   request.setToken(options.token);
                   c->session_.emplace(request.send().wait(io.waitScope).getSession());
                 })) {
      return FromException(*exception, fmt::format("connecting to {}", options.address));
    }
    return c;
  }
  kj::WaitScope& wait_scope() { return io_->waitScope; }
  kj::Timer& timer() { return io_->provider->getTimer(); }
  api::Session::Client& session() { return *session_; }

  ~Connection() {
    session_.reset();
    client_ = nullptr;
    stream_ = nullptr;
  }

 private:
  Connection() = default;
  // Destroyed in reverse: the session and client before the stream, all before the loop.
  std::optional<kj::AsyncIoContext> io_;
  std::optional<kj::TlsCertificate> ca_;
  kj::Own<kj::TlsContext> tls_;
  kj::Own<kj::Network> tls_network_;
  kj::Own<kj::AsyncIoStream> stream_;
  kj::Own<capnp::TwoPartyClient> client_;
  std::optional<api::Session::Client> session_;
};

class SinkImpl final : public api::EventSink::Server {
 public:
  SinkImpl(std::function<bool(Position, const std::string&)> on_event, bool* stopped)
      : on_event_(std::move(on_event)), stopped_(stopped) {}
  kj::Promise<void> event(EventContext context) override {
    auto params = context.getParams();
    if (*stopped_ || !on_event_(params.getPosition(), Text(params.getJson()))) {
      *stopped_ = true;
      throw Refusal("stopped", "the follower stopped");
    }
    return kj::READY_NOW;
  }

 private:
  const std::function<bool(Position, const std::string&)> on_event_;
  bool* stopped_;
};

}  // namespace

struct RemoteSession::Impl {
  std::unique_ptr<Connection> connection;
};

Result<std::unique_ptr<RemoteSession>> RemoteSession::Open(const ConnectOptions& options) {
  ASSIGN_OR_RETURN(auto connection, Connection::Open(options));
  std::unique_ptr<RemoteSession> session(new RemoteSession());
  session->impl_ = std::make_unique<Impl>();
  session->impl_->connection = std::move(connection);
  return session;
}

RemoteSession::~RemoteSession() = default;

Result<RemoteOutcome> RunRemote(const ConnectOptions& options, const std::string& role,
                                const std::vector<std::string>& words, bool json) {
  ASSIGN_OR_RETURN(auto session, RemoteSession::Open(options));
  return session->Run(role, words, json);
}

Result<RemoteOutcome> RemoteSession::Run(const std::string& role,
                                         const std::vector<std::string>& words, bool json) {
  Connection* connection = impl_->connection.get();
  RemoteOutcome outcome;
  Status status = Status::Ok();
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 std::string acting = role;
                 if (acting.empty()) {
                   auto who =
                       connection->session().whoamiRequest().send().wait(connection->wait_scope());
                   for (auto name : who.getRoles()) {
                     auto parsed = ParseRole(Text(name));
                     if (parsed.ok() && !words.empty() && RoleMayRun(*parsed, words[0])) {
                       acting = Text(name);
                       break;
                     }
                   }
                   if (acting.empty()) {
                     status = RuleViolation(
                         fmt::format("not permitted: none of principal {}'s roles may run {}",
                                     Text(who.getPrincipal()), words.empty() ? "" : words[0]));
                     return;
                   }
                 }
                 auto runner_request = connection->session().runnerRequest();
                 runner_request.setRole(acting);
                 auto runner = runner_request.send().getRunner();
                 auto run = runner.runRequest();
                 auto args = run.initArgs(static_cast<unsigned>(words.size()));
                 for (size_t i = 0; i < words.size(); ++i) {
                   args.set(static_cast<unsigned>(i), words[i]);
                 }
                 run.setJson(json);
                 auto response = run.send().wait(connection->wait_scope());
                 outcome.exit_code = response.getExitCode();
                 outcome.out = Text(response.getOut());
                 outcome.err = Text(response.getErr());
               })) {
    return FromException(*exception, "running the command on the server");
  }
  RETURN_IF_ERROR(status);
  return outcome;
}

Status FollowRemote(const ConnectOptions& options, Position from,
                    const std::vector<std::string>& types, const std::string& consumer,
                    const std::function<bool(Position, const std::string&)>& on_event,
                    const std::function<bool()>& should_stop) {
  ASSIGN_OR_RETURN(auto connection, Connection::Open(options));
  bool stopped = false;
  Position handled = 0;  // the last event on_event took
  Position acknowledged = 0;
  auto handle = [&](Position position, const std::string& json) {
    if (!on_event(position, json)) return false;
    handled = position;
    return true;
  };
  std::optional<api::Feed::Client> feed;
  // Acknowledges what was handled, for a named consumer (at-least-once: only what on_event
  // took is acknowledged).
  auto acknowledge = [&]() -> kj::Promise<void> {
    if (consumer.empty() || handled <= acknowledged || !feed) return kj::READY_NOW;
    auto request = feed->acknowledgeRequest();
    request.setConsumer(consumer);
    request.setPosition(handled);
    Position sent = handled;
    return request.send().then([&, sent](auto&&) { acknowledged = std::max(acknowledged, sent); });
  };
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 feed.emplace(connection->session().feedRequest().send().getFeed());
                 auto request = feed->followRequest();
                 request.setFrom(from);
                 auto list = request.initTypes(static_cast<unsigned>(types.size()));
                 for (size_t i = 0; i < types.size(); ++i)
                   list.set(static_cast<unsigned>(i), types[i]);
                 request.setConsumer(consumer);
                 request.setSink(kj::heap<SinkImpl>(handle, &stopped));
                 auto following = request.send().ignoreResult();
                 // Every 200 ms: acknowledge, and look for a stop request.
                 std::function<kj::Promise<void>()> watch = [&]() -> kj::Promise<void> {
                   if (stopped || should_stop()) return kj::READY_NOW;
                   return acknowledge().then([&] {
                     return connection->timer().afterDelay(200 * kj::MILLISECONDS).then(watch);
                   });
                 };
                 following.exclusiveJoin(watch()).wait(connection->wait_scope());
               })) {
    if (!stopped) return FromException(*exception, "following the log on the server");
  }
  // On the way out, acknowledge the last events taken (the connection may be gone: then they
  // come again next time, which at-least-once allows).
  KJ_IF_MAYBE (exception,
               kj::runCatchingExceptions([&] { acknowledge().wait(connection->wait_scope()); })) {
    (void)exception;
  }
  return Status::Ok();
}

}  // namespace secondment::server
