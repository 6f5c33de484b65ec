#include "server/remote.h"

#include <arpa/inet.h>
#include <capnp/rpc-twoparty.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <kj/async-io.h>
#include <kj/compat/tls.h>
#include <kj/timer.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "ledger/event/schema_date.h"
#include "projections/row.h"
#include "schemas/api.capnp.h"
#include "server/tokens.h"
#include "server/wire.h"

// kj-tls checks the server's certificate against the host it connects to with
// X509_VERIFY_PARAM_set1_host, which matches DNS names only: a certificate whose subject
// alternative names hold the IP address a client connects to (`--connect 10.0.0.5:7443`) would
// be refused as a hostname mismatch. This definition takes precedence over OpenSSL's for the
// whole program and checks an IP address literal against the certificate's IP addresses instead,
// as OpenSSL's own SSL_set1_host does; any other name goes to OpenSSL unchanged.
extern "C" int X509_VERIFY_PARAM_set1_host(X509_VERIFY_PARAM* param, const char* name,
                                           size_t length) {
  using SetHost = int (*)(X509_VERIFY_PARAM*, const char*, size_t);
  static const auto openssl_set_host =
      reinterpret_cast<SetHost>(dlsym(RTLD_NEXT, "X509_VERIFY_PARAM_set1_host"));
  if (openssl_set_host == nullptr) return 0;
  if (name != nullptr) {
    std::string host(name, length == 0 ? std::strlen(name) : length);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    unsigned char address[16];
    if (inet_pton(AF_INET, host.c_str(), address) == 1 ||
        inet_pton(AF_INET6, host.c_str(), address) == 1) {
      return openssl_set_host(param, nullptr, 0) == 1 &&
                     X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                 ? 1
                 : 0;
    }
  }
  return openssl_set_host(param, name, length);
}

namespace secondment::server {
namespace {

// Runs `body` (which makes calls and waits for them), turning an exception into the Status the
// server refused with, or IOError naming `what`.
Status Run(const std::function<Status()>& body, std::string_view what) {
  Status status = Status::Ok();
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] { status = body(); })) {
    return FromException(*exception, what);
  }
  return status;
}

// The event loop of this thread's connections: a thread has one, shared by every connection
// open on it, and gone with the last of them.
std::shared_ptr<kj::AsyncIoContext> ThreadIo() {
  thread_local std::weak_ptr<kj::AsyncIoContext> current;
  std::shared_ptr<kj::AsyncIoContext> io = current.lock();
  if (!io) {
    io = std::make_shared<kj::AsyncIoContext>(kj::setupAsyncIo());
    current = io;
  }
  return io;
}

// A connected client: the event loop, the stream and the session.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const ConnectOptions& options) {
    auto c = std::unique_ptr<Connection>(new Connection());
    Status connected = Run(
        [&] {
          c->io_ = ThreadIo();
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
          return Status::Ok();
        },
        fmt::format("connecting to {}", options.address));
    if (!connected.ok()) return Explain(std::move(connected), options);
    return c;
  }

  // What a failure to connect means to the person connecting: a TLS client that met a plain
  // port sees OpenSSL's "wrong version number" (the server answers in plain text).
  static Status Explain(Status status, const ConnectOptions& options) {
    if (options.tls_ca_pem && status.code() == StatusCode::kIOError &&
        (status.message().find("wrong version number") != std::string::npos ||
         status.message().find("plain Cap'n Proto") != std::string::npos)) {
      return IOError(
          fmt::format("{} does not speak TLS: it serves plain connections; connect "
                      "without --tls-ca",
                      options.address));
    }
    return status;
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
  std::shared_ptr<kj::AsyncIoContext> io_;
  std::optional<kj::TlsCertificate> ca_;
  kj::Own<kj::TlsContext> tls_;
  kj::Own<kj::Network> tls_network_;
  kj::Own<kj::AsyncIoStream> stream_;
  kj::Own<capnp::TwoPartyClient> client_;
  std::optional<api::Session::Client> session_;
};

constexpr char kRunning[] = "running the command on the server";

class RemoteDesk final : public service::Desk {
 public:
  RemoteDesk(Connection* connection, api::Desk::Client desk)
      : connection_(connection), desk_(kj::mv(desk)) {}
  // (Cap'n Proto's clients may throw from their destructors; a Desk's may not.)
  ~RemoteDesk() noexcept override {}

  Result<Outcome> Execute(std::optional<std::string> id, const Command& command) override {
    Result<Outcome> outcome = Unavailable("not sent");
    RETURN_IF_ERROR(Run(
        [&] {
          outcome =
              std::visit([&](const auto& step) { return Send(id.value_or(""), step); }, command);
          return Status::Ok();
        },
        kRunning));
    return outcome;
  }

  Result<projections::Folded> Show(const std::string& id, std::optional<Position> at) override {
    Result<projections::Folded> folded = Unavailable("not sent");
    RETURN_IF_ERROR(Run(
        [&] {
          auto request = desk_.showRequest();
          request.setId(id);
          WriteAt(request.initAt(), at);
          auto response = request.send().wait(ws());
          folded = projections::ReadSecondmentRow(response.getSecondment());
          return Status::Ok();
        },
        kRunning));
    return folded;
  }

  Result<std::vector<RecordedEvent>> History(const std::string& id,
                                             std::optional<Position> at) override {
    return Events([&] {
      auto request = desk_.historyRequest();
      request.setId(id);
      WriteAt(request.initAt(), at);
      return ReadEvents(request.send().wait(ws()).getEvents());
    });
  }

  Result<std::vector<RecordedEvent>> EmployeeHistory(const std::string& employee,
                                                     std::optional<Position> at) override {
    return Events([&] {
      auto request = desk_.employeeHistoryRequest();
      request.setEmployee(employee);
      WriteAt(request.initAt(), at);
      return ReadEvents(request.send().wait(ws()).getEvents());
    });
  }

  Result<std::vector<projections::Folded>> ListSecondments(
      const service::StatusQuery& query) override {
    Result<std::vector<projections::Folded>> rows = Unavailable("not sent");
    RETURN_IF_ERROR(Run(
        [&] {
          auto request = desk_.statusRequest();
          if (query.state) request.setState(std::string(StatusName(*query.state)));
          WriteFilter(request.initFilter(), query.filter);
          WriteAt(request.initAt(), query.at);
          auto response = request.send().wait(ws());
          std::vector<projections::Folded> out;
          for (auto row : response.getSecondments()) {
            ASSIGN_OR_RETURN(auto folded, projections::ReadSecondmentRow(row));
            out.push_back(std::move(folded));
          }
          rows = std::move(out);
          return Status::Ok();
        },
        kRunning));
    return rows;
  }

  Result<std::vector<projections::Placement>> ListPlacements(
      const service::PlacementQuery& query) override {
    Result<std::vector<projections::Placement>> rows = Unavailable("not sent");
    RETURN_IF_ERROR(Run(
        [&] {
          auto request = desk_.placementsRequest();
          WriteFilter(request.initFilter(), query.filter);
          SetOptionalDate(request.initAsOf(), query.as_of);
          WriteAt(request.initAt(), query.at);
          auto response = request.send().wait(ws());
          std::vector<projections::Placement> out;
          for (auto row : response.getPlacements()) {
            ASSIGN_OR_RETURN(auto placement, projections::ReadPlacementRow(row));
            out.push_back(std::move(placement));
          }
          rows = std::move(out);
          return Status::Ok();
        },
        kRunning));
    return rows;
  }

  Result<std::vector<projections::Alert>> ListAlerts(const service::AlertQuery& query) override {
    std::vector<projections::Alert> alerts;
    RETURN_IF_ERROR(Run(
        [&] {
          auto request = desk_.alertsRequest();
          request.setWithinDays(static_cast<uint32_t>(query.within_days));
          SetOptionalDate(request.initToday(), query.today);
          auto response = request.send().wait(ws());
          for (auto a : response.getAlerts()) {
            alerts.push_back({TextOf(a.getKind()), TextOf(a.getId()), TextOf(a.getWhy())});
          }
          return Status::Ok();
        },
        kRunning));
    return alerts;
  }

  Result<std::vector<RecordedEvent>> ReadLog(Position from, size_t max) override {
    return Events([&] {
      auto request = desk_.logRequest();
      request.setFrom(from);
      request.setLimit(static_cast<uint32_t>(std::min<size_t>(max, 10000)));
      return ReadEvents(request.send().wait(ws()).getEvents());
    });
  }

  Result<Position> Head() override {
    Position head = 0;
    RETURN_IF_ERROR(Run(
        [&] {
          head = desk_.headRequest().send().wait(ws()).getPosition();
          return Status::Ok();
        },
        kRunning));
    return head;
  }

  Result<Position> PositionAt(int64_t micros) override {
    Position position = 0;
    RETURN_IF_ERROR(Run(
        [&] {
          auto request = desk_.positionAtRequest();
          request.setMicros(micros);
          position = request.send().wait(ws()).getPosition();
          return Status::Ok();
        },
        kRunning));
    return position;
  }

  Result<service::TreeHeadView> GetTreeHead() override {
    service::TreeHeadView view;
    RETURN_IF_ERROR(Run(
        [&] {
          auto response = desk_.treeHeadRequest().send().wait(ws());
          view.ledger_id = TextOf(response.getLedger());
          view.head.size = response.getSize();
          RETURN_IF_ERROR(CopyHash(response.getRoot(), &view.head.root));
          return Status::Ok();
        },
        kRunning));
    return view;
  }

  Result<service::VerifyOutcome> Verify(
      const std::optional<PublicKey>& trusted, const std::optional<SignedCheckpoint>& held,
      const std::function<void(uint64_t, uint64_t)>& progress) override {
    service::VerifyOutcome outcome;
    RETURN_IF_ERROR(Run(
        [&] {
          auto request = desk_.verifyRequest();
          if (trusted) request.setTrustedKeyPem(trusted->Pem());
          if (held) request.setHeldNote(held->Note());
          auto response = request.send().wait(ws());  // holds the message the report is in
          auto report = response.getReport();
          outcome.report.events = report.getEvents();
          RETURN_IF_ERROR(CopyHash(report.getRoot(), &outcome.report.root));
          outcome.report.streams = report.getStreams();
          outcome.report.checkpoints = report.getCheckpoints();
          for (auto id : report.getCheckpointKeyIds()) {
            outcome.checkpoint_key_ids.push_back(TextOf(id));
          }
          if (held) {
            LogExtension extension;
            extension.size = report.getExtendsSize();
            RETURN_IF_ERROR(CopyHash(report.getExtendsRoot(), &extension.root));
            outcome.extension = extension;
          }
          return Status::Ok();
        },
        kRunning));
    return outcome;
  }

  Result<HistoryProof> Prove(const std::string& id, const SignedCheckpoint& checkpoint) override {
    Result<HistoryProof> proof = Unavailable("not sent");
    RETURN_IF_ERROR(Run(
        [&] {
          auto request = desk_.proveRequest();
          request.setId(id);
          request.setCheckpointNote(checkpoint.Note());
          proof = HistoryProof::FromJson(TextOf(request.send().wait(ws()).getProofJson()));
          return Status::Ok();
        },
        kRunning));
    return proof;
  }

  Status StoreCheckpoint(const SignedCheckpoint& checkpoint, const PublicKey& key) override {
    return Run(
        [&] {
          auto request = desk_.storeCheckpointRequest();
          request.setNote(checkpoint.Note());
          request.setPublicKeyPem(key.Pem());
          request.send().wait(ws());
          return Status::Ok();
        },
        kRunning);
  }

  Result<uint64_t> Rebuild(std::optional<std::string> name,
                           const projections::Progress& progress) override {
    uint64_t events = 0;
    RETURN_IF_ERROR(Run(
        [&] {
          auto request = desk_.rebuildRequest();
          if (name) request.setProjection(*name);
          events = request.send().wait(ws()).getEvents();
          return Status::Ok();
        },
        kRunning));
    return events;
  }

  Result<Policy> GetPolicy() override {
    std::string json;
    RETURN_IF_ERROR(Run(
        [&] {
          json = TextOf(desk_.policyRequest().send().wait(ws()).getJson());
          return Status::Ok();
        },
        kRunning));
    return Policy::FromJson(json, "the server's policy");
  }

 private:
  kj::WaitScope& ws() { return connection_->wait_scope(); }

  static Status CopyHash(capnp::Data::Reader bytes, Hash256* out) {
    if (bytes.size() != out->size()) return IOError("the server sent a malformed hash");
    std::copy(bytes.begin(), bytes.end(), out->begin());
    return Status::Ok();
  }

  Result<std::vector<RecordedEvent>> Events(
      const std::function<Result<std::vector<RecordedEvent>>()>& call) {
    Result<std::vector<RecordedEvent>> events = Unavailable("not sent");
    RETURN_IF_ERROR(Run(
        [&] {
          events = call();
          return Status::Ok();
        },
        kRunning));
    return events;
  }

  template <typename Request>
  Result<Outcome> Finish(Request& request) {
    return ReadOutcome(request.send().wait(ws()).getOutcome());
  }

  Result<Outcome> Send(const std::string& id, const ProposeCommand& c) {
    auto request = desk_.proposeRequest();
    request.setId(id);
    SetProposal(request.initProposal(), c);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const ApproveCommand& c) {
    auto request = desk_.approveRequest();
    request.setId(id);
    request.setScope(c.scope);
    request.setConditions(c.conditions);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const RefuseCommand& c) {
    auto request = desk_.refuseRequest();
    request.setId(id);
    request.setScope(c.scope);
    request.setReason(c.reason);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const WithdrawCommand& c) {
    auto request = desk_.withdrawRequest();
    request.setId(id);
    request.setReason(c.reason);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const SignCommand& c) {
    auto request = desk_.signRequest();
    request.setId(id);
    request.setReference(c.reference);
    request.setVersion(c.version);
    request.setSha256Hex(c.sha256_hex);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const StartCommand& c) {
    auto request = desk_.startRequest();
    request.setId(id);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const HandoverCommand& c) {
    auto request = desk_.handoverRequest();
    request.setId(id);
    request.setDirection(c.direction);
    request.setFrom(c.from);
    request.setTo(c.to);
    auto duties = request.initDuties(static_cast<unsigned>(c.duties.size()));
    for (size_t i = 0; i < c.duties.size(); ++i) duties.set(static_cast<unsigned>(i), c.duties[i]);
    request.setNotes(c.notes);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const FeedbackCommand& c) {
    auto request = desk_.feedbackRequest();
    request.setId(id);
    request.setRating(static_cast<uint8_t>(c.rating));
    request.setText(c.text);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const RequestExtensionCommand& c) {
    auto request = desk_.requestExtensionRequest();
    request.setId(id);
    SetDate(request.initUntil(), c.until);
    request.setRationale(c.rationale);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const ReturnCommand& c) {
    auto request = desk_.recordReturnRequest();
    request.setId(id);
    SetStepDate(request, c.date);
    request.setReason(c.reason);
    request.setPosition(c.position);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const ProposeConversionCommand& c) {
    auto request = desk_.proposeConversionRequest();
    request.setId(id);
    SetDate(request.initEffective(), c.effective);
    request.setNewRole(c.new_role);
    request.setRecruitmentRef(c.recruitment_ref);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const CorrectCommand& c) {
    auto request = desk_.correctRequest();
    request.setId(id);
    request.setField(c.field);
    request.setValue(c.value);
    request.setReason(c.reason);
    SetStepDate(request, c.date);
    return Finish(request);
  }
  Result<Outcome> Send(const std::string& id, const VoidCommand& c) {
    auto request = desk_.voidStepRequest();
    request.setId(id);
    request.setPosition(c.position);
    request.setReason(c.reason);
    SetStepDate(request, c.date);
    return Finish(request);
  }

  // All zeros (the server's today) when the step names no date.
  template <typename Request>
  static void SetStepDate(Request& request, const std::optional<CivilDate>& date) {
    if (date) SetDate(request.initDate(), *date);
  }

  Connection* connection_;
  api::Desk::Client desk_;
};

class SinkImpl final : public api::EventSink::Server {
 public:
  SinkImpl(std::function<bool(Position, const std::string&)> on_event, bool* stopped)
      : on_event_(std::move(on_event)), stopped_(stopped) {}
  kj::Promise<void> event(EventContext context) override {
    auto params = context.getParams();
    if (*stopped_ || !on_event_(params.getPosition(), TextOf(params.getJson()))) {
      *stopped_ = true;
      throw ToException(Unavailable("the follower stopped"));
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

Result<std::pair<std::string, std::vector<service::Role>>> RemoteSession::WhoAmI() {
  Connection* c = impl_->connection.get();
  std::pair<std::string, std::vector<service::Role>> who;
  RETURN_IF_ERROR(Run(
      [&] {
        auto response = c->session().whoamiRequest().send().wait(c->wait_scope());
        who.first = TextOf(response.getPrincipal());
        for (auto name : response.getRoles()) {
          auto role = service::ParseRole(TextOf(name));
          if (role.ok()) who.second.push_back(*role);
        }
        return Status::Ok();
      },
      kRunning));
  return who;
}

Result<std::unique_ptr<service::Desk>> RemoteSession::OpenDesk(service::Role role) {
  Connection* c = impl_->connection.get();
  std::unique_ptr<service::Desk> desk;
  RETURN_IF_ERROR(Run(
      [&] {
        auto request = c->session().deskRequest();
        request.setRole(std::string(service::RoleName(role)));
        // Pipelined: a refusal of the role shows on the first call, so wait for it here.
        auto response = request.send().wait(c->wait_scope());
        desk = std::make_unique<RemoteDesk>(c, response.getDesk());
        return Status::Ok();
      },
      kRunning));
  return desk;
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
                 // Every 100 ms: acknowledge, and look for a stop request.
                 std::function<kj::Promise<void>()> watch = [&]() -> kj::Promise<void> {
                   if (!stopped && should_stop()) stopped = true;  // print nothing more
                   if (stopped) return kj::READY_NOW;
                   return acknowledge().then([&] {
                     return connection->timer().afterDelay(100 * kj::MILLISECONDS).then(watch);
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
