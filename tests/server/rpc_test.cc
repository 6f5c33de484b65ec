// The typed RPC API (schemas/api.capnp) served from this process over real sockets on
// 127.0.0.1, with server::RemoteSession as the client: the authenticated principal as the
// actor, refusals with the command line's codes and messages, revocation in an open session,
// the feed, TLS with a certificate made here, audits, and a clean stop. (The command line's
// --connect: tests/cli/connect_test.cc.)

#include "server/rpc.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <future>
#include <mutex>
#include <thread>

#include "ledger/integrity/history_proof.h"
#include "server/connection.h"
#include "server/remote.h"
#include "server/tokens.h"
#include "server/wire.h"
#include "server/workers.h"
#include "tests/common/command.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {
namespace {

using service::Role;

class RpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(service::LedgerService::Create(Data()).ok());
    service::OpenOptions options;
    options.access = service::Access::kWrite;
    auto opened = service::LedgerService::Open(Data(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ledger_ = std::move(opened).value();
    hr_ = Token("hr-ana", {Role::kHr});
    home_ = Token("mgr-home", {Role::kHomeManager});
    other_ = Token("mgr-other", {Role::kHostManager});
    auditor_ = Token("aud-1", {Role::kAuditor});
    payroll_ = Token("payroll", {Role::kSubscriber});
  }
  void TearDown() override { Stop(); }

  std::string Data() const { return dir_.Sub("ledger"); }
  std::string Token(const std::string& principal, std::vector<Role> roles) {
    auto file = server::TokenFile::Load(dir_.Sub("tokens"));
    EXPECT_TRUE(file.ok());
    auto token = file->Add({principal, std::move(roles)});
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    EXPECT_TRUE(file->Save(dir_.Sub("tokens")).ok());
    return *token;
  }

  // Serves the ledger from another thread of this process until Stop().
  void Start(std::optional<std::string> cert = std::nullopt,
             std::optional<std::string> key = std::nullopt) {
    std::promise<unsigned> listening;
    auto port = listening.get_future();
    server_ = std::thread([this, cert, key, listening = std::move(listening)]() mutable {
      server::ServeOptions options;
      options.listen = "127.0.0.1:0";
      options.tokens_path = dir_.Sub("tokens");
      options.tls_certificate_pem = cert;
      options.tls_key_pem = key;
      options.stop_on_signals = false;
      options.stop = &stop_;
      options.login_within = login_within_;
      served_ = server::Serve(*ledger_, options,
                              [&](const server::Listening& p) { listening.set_value(p.rpc_port); });
    });
    ASSERT_EQ(port.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    address_ = "127.0.0.1:" + std::to_string(port.get());
  }
  void Stop() {
    if (!server_.joinable()) return;
    stop_ = true;
    server_.join();
    EXPECT_TRUE(served_.ok()) << served_.ToString();
  }

  server::ConnectOptions Connect(const std::string& token) { return {address_, token, {}}; }
  int Port() const { return std::stoi(address_.substr(address_.rfind(':') + 1)); }
  // A session with `token` and a desk for `role` in it; the test fails if either is refused.
  struct Client {
    std::unique_ptr<server::RemoteSession> session;
    std::unique_ptr<service::Desk> desk;
    ~Client() {
      desk.reset();
      session.reset();
    }
  };
  std::unique_ptr<Client> DeskOf(const std::string& token, Role role) {
    auto client = std::make_unique<Client>();
    auto session = server::RemoteSession::Open(Connect(token));
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    if (!session.ok()) return client;
    client->session = std::move(session).value();
    auto desk = client->session->OpenDesk(role);
    EXPECT_TRUE(desk.ok()) << desk.status().ToString();
    if (desk.ok()) client->desk = std::move(desk).value();
    return client;
  }

  static ProposeCommand Proposal(const std::string& employee) {
    ProposeCommand c;
    c.employee_id = employee;
    c.home = {"Org", "U", "mgr-home"};
    c.host = {"Org", "V", "mgr-host"};
    c.kind = schema::Kind::INTERNAL;
    c.role_title = "Analyst";
    c.start = *ParseDate("2026-03-01");
    c.end = *ParseDate("2026-09-30");
    return c;
  }

  TempDir dir_;
  std::unique_ptr<service::LedgerService> ledger_;
  std::atomic<bool> stop_{false};
  std::thread server_;
  Status served_;
  std::chrono::milliseconds login_within_{10000};
  std::string address_;
  std::string hr_, home_, other_, auditor_, payroll_;
};

TEST_F(RpcTest, StepsRecordTheAuthenticatedPrincipalAndReadsAreTyped) {
  Start();
  auto hr = DeskOf(hr_, Role::kHr);
  auto proposed = hr->desk->Execute("SEC-R1", Proposal("emp-1"));
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  EXPECT_EQ(proposed->id, "SEC-R1");
  EXPECT_EQ(proposed->state.status, SecondmentStatus::kProposed);
  EXPECT_EQ(proposed->positions, (std::vector<Position>{1, 2}));
  auto home = DeskOf(home_, Role::kHomeManager);
  ASSERT_TRUE(home->desk->Execute("SEC-R1", ApproveCommand{schema::Scope::PLACEMENT, ""}).ok());

  auto auditor = DeskOf(auditor_, Role::kAuditor);
  auto history = auditor->desk->History("SEC-R1", std::nullopt);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_STREQ((*history)[0].Get().getActor().getId().cStr(), "hr-ana");
  EXPECT_EQ((*history)[1].Get().getActor().getRole(), schema::Role::HOME_MANAGER);
  EXPECT_STREQ((*history)[1].Get().getActor().getId().cStr(), "mgr-home");
  auto shown = auditor->desk->Show("SEC-R1", std::nullopt);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->state.placement.granted, std::vector<schema::Role>{schema::Role::HOME_MANAGER});
  EXPECT_EQ(shown->last_position, 3u);
  auto before = auditor->desk->Show("SEC-R1", 1);
  EXPECT_TRUE(before->state.placement.granted.empty());
  auto rows = auditor->desk->ListSecondments({});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 1u);
  auto missing = auditor->desk->Show("SEC-NONE", std::nullopt);
  EXPECT_EQ(missing.status(), NotFound("no secondment SEC-NONE"));
  auto head = auditor->desk->GetTreeHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->head.size, 3u);
  EXPECT_EQ(head->head.root, LogProofs(ledger_->log()).Head()->root);
}

TEST_F(RpcTest, RefusalsCarryTheCommandLinesCodeAndMessageAndWriteNothing) {
  Start();
  auto hr = DeskOf(hr_, Role::kHr);
  ASSERT_TRUE(hr->desk->Execute("SEC-R2", Proposal("emp-2")).ok());
  Position head = ledger_->Head();

  auto wrong = server::RemoteSession::Open(Connect("sl_" + std::string(64, '0')));
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("refused the token"), std::string::npos);
  auto session = server::RemoteSession::Open(Connect(auditor_));
  ASSERT_TRUE(session.ok());
  auto as_hr = (*session)->OpenDesk(Role::kHr);
  EXPECT_EQ(as_hr.status(), RuleViolation("not permitted: principal aud-1 does not act as hr"));

  auto auditor = DeskOf(auditor_, Role::kAuditor);
  EXPECT_EQ(auditor->desk->Execute("SEC-R2", WithdrawCommand{"x"}).status(),
            RuleViolation("not permitted: role auditor may not withdraw"));
  auto other = DeskOf(other_, Role::kHostManager);
  auto approve = other->desk->Execute("SEC-R2", ApproveCommand{schema::Scope::PLACEMENT, ""});
  EXPECT_EQ(approve.status(),
            RuleViolation("not permitted: mgr-other is not the host manager of SEC-R2"));
  EXPECT_EQ(other->desk->Show("SEC-R2", std::nullopt).status().code(), StatusCode::kRuleViolation);
  EXPECT_TRUE(other->desk->ListSecondments({})->empty()) << "a manager sees only their own";
  auto bad_date = hr->desk->Execute("SEC-R2", StartCommand{CivilDate{2026, 2, 30}});
  EXPECT_EQ(bad_date.status(), InvalidArgument("invalid date 2026-02-30"));
  auto bad_id = hr->desk->Execute("SEC/../1", WithdrawCommand{"x"});
  EXPECT_EQ(bad_id.status().code(), StatusCode::kInvalidArgument);
  auto twice = hr->desk->Execute("SEC-R2", Proposal("emp-3"));
  EXPECT_EQ(twice.status(), Conflict("secondment SEC-R2 already exists"));
  EXPECT_EQ(auditor->desk->ReadLog(0, 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger_->Head(), head);
}

TEST_F(RpcTest, APastPositionTravelsAsItIsEvenPositionZero) {
  Start();
  auto hr = DeskOf(hr_, Role::kHr);
  ASSERT_TRUE(hr->desk->Execute("SEC-P1", Proposal("emp-p1")).ok());
  auto auditor = DeskOf(auditor_, Role::kAuditor);
  EXPECT_EQ(auditor->desk->Show("SEC-P1", 0).status(),
            NotFound("no secondment SEC-P1 at position 0"));
  EXPECT_TRUE(auditor->desk->ListSecondments({std::nullopt, {}, 0})->empty());
  EXPECT_EQ(auditor->desk->ListSecondments({std::nullopt, {}, std::nullopt})->size(), 1u);
  EXPECT_EQ(auditor->desk->History("SEC-P1", 1)->size(), 1u);
}

TEST(WireTest, ARefusalIsReadBackByTheCodeItStartsWith) {
  auto read = [](const char* description) {
    return server::FromException(
        kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__, kj::heapString(description)),
        "calling");
  };
  EXPECT_EQ(read("remote exception: RuleViolation: not permitted: x"),
            RuleViolation("not permitted: x"));
  EXPECT_EQ(read("NotFound: no secondment SEC-1"), NotFound("no secondment SEC-1"));
  EXPECT_EQ(read("remote exception: Unauthenticated: the token is not known"),
            InvalidArgument("the server refused the token (the token is not known)"));
  // A code or a word quoted inside a message is not the refusal's code.
  EXPECT_EQ(read("remote exception: Conflict: secondment NotFound: x already exists"),
            Conflict("secondment NotFound: x already exists"));
  EXPECT_EQ(read("Peer disconnected"), IOError("calling: Peer disconnected"));
  EXPECT_EQ(read("remote exception: something Unauthenticated: else").code(), StatusCode::kIOError);
}

TEST(WireTest, EveryRefusalTravelsAsTheTypedErrorOfTheSchema) {
  // The schema's ErrorCode names every code the application refuses with, as the command line
  // names them; each goes out and comes back as itself.
  for (StatusCode code : {StatusCode::kInvalidArgument, StatusCode::kRuleViolation,
                          StatusCode::kConflict, StatusCode::kNotFound, StatusCode::kCorruption,
                          StatusCode::kIOError, StatusCode::kUnavailable}) {
    Status status(code, "one line");
    kj::Exception exception = server::ToException(status);
    auto error = server::ParseError(exception.getDescription().cStr());
    ASSERT_TRUE(error.has_value()) << StatusCodeName(code);
    EXPECT_EQ(server::ErrorCodeName(error->code), StatusCodeName(code));
    EXPECT_EQ(error->message, "one line");
    EXPECT_EQ(server::FromException(exception, "calling"), status);
  }
  auto unauthenticated = server::ParseError(
      ("remote exception: " +
       std::string(server::Unauthenticated("the token is not known").getDescription().cStr()))
          .c_str());
  ASSERT_TRUE(unauthenticated.has_value());
  EXPECT_EQ(unauthenticated->code, api::ErrorCode::UNAUTHENTICATED);
  EXPECT_FALSE(server::ParseError("Peer disconnected").has_value());
}

TEST_F(RpcTest, ARevokedTokenStopsWorkingInAnOpenSession) {
  Start();
  auto auditor = DeskOf(auditor_, Role::kAuditor);
  ASSERT_TRUE(auditor->desk->ReadLog(1, 10).ok());
  auto file = server::TokenFile::Load(dir_.Sub("tokens"));
  ASSERT_TRUE(file->Revoke("aud-1").ok());
  ASSERT_TRUE(file->Save(dir_.Sub("tokens")).ok());
  auto after = auditor->desk->ReadLog(1, 10);
  EXPECT_EQ(after.status().code(), StatusCode::kInvalidArgument) << after.status().ToString();
  EXPECT_NE(after.status().message().find("revoked"), std::string::npos);
}

TEST_F(RpcTest, ARevokedTokenEndsAnOpenFeedWithinASecond) {
  Start();
  std::atomic<bool> ended{false};
  Status followed;
  std::thread follower([&] {
    followed = server::FollowRemote(
        Connect(payroll_), 1, {}, "", [](Position, const std::string&) { return true; },
        [] { return false; });
    ended = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(ended.load());
  auto file = server::TokenFile::Load(dir_.Sub("tokens"));
  ASSERT_TRUE(file->Revoke("payroll").ok());
  ASSERT_TRUE(file->Save(dir_.Sub("tokens")).ok());
  auto revoked = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitUntil([&] { return ended.load(); }, 5));
  EXPECT_LT(std::chrono::steady_clock::now() - revoked, std::chrono::milliseconds(1500));
  follower.join();
  EXPECT_EQ(followed.code(), StatusCode::kInvalidArgument) << followed.ToString();
  EXPECT_NE(followed.message().find("revoked"), std::string::npos) << followed.ToString();
}

TEST_F(RpcTest, TheFeedDeliversEveryEventOnceInOrderAndKeepsTheConsumersPosition) {
  Start();
  auto hr = DeskOf(hr_, Role::kHr);
  ASSERT_TRUE(hr->desk->Execute("SEC-F0", Proposal("emp-f0")).ok());
  std::vector<Position> got;
  std::mutex mu;
  std::atomic<bool> stop{false};
  std::thread follower([&] {
    Status followed = server::FollowRemote(
        Connect(payroll_), 1, {}, "payroll",
        [&](Position p, const std::string& json) {
          std::lock_guard<std::mutex> lock(mu);
          got.push_back(p);
          return json.rfind("{\"position\":" + std::to_string(p) + ",", 0) == 0;
        },
        [&] { return stop.load(); });
    EXPECT_TRUE(followed.ok()) << followed.ToString();
  });
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(
        hr->desk->Execute("SEC-F" + std::to_string(i), Proposal("emp-f" + std::to_string(i))).ok());
  }
  EXPECT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(mu);
    return got.size() >= 12;
  }));
  stop = true;
  follower.join();
  ASSERT_EQ(got.size(), 12u);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], i + 1);
  EXPECT_EQ(*ledger_->consumers().Get("rpc.payroll.payroll"), 12u);
  // Only a subscriber gets the feed.
  Status refused = server::FollowRemote(
      Connect(hr_), 1, {}, "", [](Position, const std::string&) { return true; },
      [] { return false; });
  EXPECT_EQ(refused.code(), StatusCode::kRuleViolation) << refused.ToString();
}

TEST_F(RpcTest, AnAuditorVerifiesProvesAndStoresANoteSignedElsewhere) {
  Start();
  auto hr = DeskOf(hr_, Role::kHr);
  ASSERT_TRUE(hr->desk->Execute("SEC-A1", Proposal("emp-a1")).ok());
  auto key = SigningKey::Generate();
  ASSERT_TRUE(key.ok());
  auto held = ledger_->MakeCheckpoint(service::Caller::Administrator(), *key);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_TRUE(hr->desk->Execute("SEC-A2", Proposal("emp-a2")).ok());

  auto auditor = DeskOf(auditor_, Role::kAuditor);
  auto verified = auditor->desk->Verify(key->Public(), *held, {});
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->report.events, 4u);
  EXPECT_EQ(verified->report.checkpoints, 1u);
  ASSERT_TRUE(verified->extension.has_value());
  EXPECT_EQ(verified->extension->size, 4u);
  auto proof = auditor->desk->Prove("SEC-A1", *held);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  EXPECT_TRUE(VerifyHistoryProof(*proof, key->Public()).ok());

  // A note signed here, stored there: the key never travels.
  auto tree = auditor->desk->GetTreeHead();
  ASSERT_TRUE(tree.ok());
  Checkpoint c{tree->ledger_id, tree->head.size, tree->head.root, held->checkpoint.time_micros};
  EXPECT_TRUE(auditor->desk->StoreCheckpoint(key->Sign(c), key->Public()).ok());
  c.root[0] ^= 1;
  Status forged = auditor->desk->StoreCheckpoint(key->Sign(c), key->Public());
  EXPECT_EQ(forged.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(forged.message().find("not this log's root"), std::string::npos) << forged.ToString();
  auto hr_verify = hr->desk->Verify(std::nullopt, std::nullopt, {});
  EXPECT_EQ(hr_verify.status(), RuleViolation("not permitted: role hr may not audit"));
}

TEST_F(RpcTest, TlsWithACertificateMadeHere) {
  std::string cert = dir_.Sub("cert.pem"), key = dir_.Sub("key.pem");
  ASSERT_TRUE(MakeLoopbackCertificate(cert, key));
  Start(ReadFileText(cert), ReadFileText(key));
  server::ConnectOptions secure = Connect(hr_);
  secure.tls_ca_pem = ReadFileText(cert);
  auto session = server::RemoteSession::Open(secure);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto desk = (*session)->OpenDesk(Role::kHr);
  ASSERT_TRUE(desk.ok());
  EXPECT_TRUE((*desk)->Execute("SEC-T1", Proposal("emp-t1")).ok());
  desk->reset();
  // A plain client on the TLS port is told so in one line.
  auto plain = server::RemoteSession::Open(Connect(hr_));
  EXPECT_EQ(plain.status().code(), StatusCode::kIOError);
  EXPECT_NE(plain.status().message().find("this port serves TLS only"), std::string::npos)
      << plain.status().ToString();
  EXPECT_EQ(plain.status().message().find('\n'), std::string::npos);
}

TEST_F(RpcTest, ACertificateForAnotherAddressIsRefused) {
  std::string cert = dir_.Sub("cert.pem"), key = dir_.Sub("key.pem");
  ASSERT_TRUE(RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                         "-keyout '" +
                         key + "' -out '" + cert +
                         "' -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:10.9.9.9,DNS:"
                         "localhost 2>/dev/null")
                  .exit_code == 0);
  Start(ReadFileText(cert), ReadFileText(key));
  server::ConnectOptions secure = Connect(hr_);
  secure.tls_ca_pem = ReadFileText(cert);
  auto session = server::RemoteSession::Open(secure);
  EXPECT_EQ(session.status().code(), StatusCode::kIOError);
  EXPECT_NE(session.status().message().find("certificate"), std::string::npos)
      << session.status().ToString();
  secure.address = "localhost:" + std::to_string(Port());
  EXPECT_TRUE(server::RemoteSession::Open(secure).ok());
}

TEST_F(RpcTest, ATlsClientOnAPlainPortIsToldSo) {
  std::string cert = dir_.Sub("cert.pem"), key = dir_.Sub("key.pem");
  ASSERT_TRUE(MakeLoopbackCertificate(cert, key));
  Start();
  server::ConnectOptions secure = Connect(hr_);
  secure.tls_ca_pem = ReadFileText(cert);
  auto session = server::RemoteSession::Open(secure);
  EXPECT_EQ(session.status().code(), StatusCode::kIOError);
  EXPECT_NE(session.status().message().find("does not speak TLS"), std::string::npos)
      << session.status().ToString();
  EXPECT_TRUE(DeskOf(hr_, Role::kHr)->desk != nullptr);  // and the server goes on
}

// A TCP connection to the server that sends nothing until told.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }
  // Sends what it can of `bytes` (the server may close before it took them all).
  void Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }
  // True when the server closed the connection within `ms` (what it sent first is dropped).
  bool ClosedWithin(int ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// The first word of a Cap'n Proto message of one segment of `words` words.
std::string FrameHeader(uint32_t words) {
  std::string header(8, '\0');
  std::memcpy(header.data() + 4, &words, 4);
  return header;
}

TEST_F(RpcTest, ALongTokenIsRefusedAndTheServerGoesOn) {
  Start();
  auto session = server::RemoteSession::Open(Connect("sl_" + std::string(5000, 'a')));
  EXPECT_EQ(session.status().code(), StatusCode::kInvalidArgument) << session.status().ToString();
  EXPECT_NE(session.status().message().find("a token is at most 4 KiB"), std::string::npos)
      << session.status().ToString();
  // 40 MiB as a token: the server stops reading at 64 KiB and closes the connection.
  auto huge = server::RemoteSession::Open(Connect(std::string(40 << 20, 'x')));
  EXPECT_EQ(huge.status().code(), StatusCode::kIOError) << huge.status().ToString();
  auto hr = DeskOf(hr_, Role::kHr);
  EXPECT_TRUE(hr->desk->Execute("SEC-L1", Proposal("emp-l1")).ok());
}

TEST_F(RpcTest, MoreThanSixtyFourKibBeforeLoginClosesTheConnection) {
  Start();
  RawClient small(Port());
  ASSERT_TRUE(small.connected());
  small.Send(FrameHeader(1000));  // 8,000 bytes announced, not sent yet: within the limit
  EXPECT_FALSE(small.ClosedWithin(300));
  RawClient big(Port());
  ASSERT_TRUE(big.connected());
  big.Send(FrameHeader(1 << 17) + std::string(100 * 1024, 'x'));  // a 1 MiB message
  EXPECT_TRUE(big.ClosedWithin(3000));
  auto hr = DeskOf(hr_, Role::kHr);
  EXPECT_TRUE(hr->desk->Execute("SEC-B1", Proposal("emp-b1")).ok());
}

TEST_F(RpcTest, UnauthenticatedConnectionsPerAddressAreCapped) {
  Start();
  std::vector<std::unique_ptr<RawClient>> waiting;
  for (int i = 0; i < server::kMaxUnauthenticatedPerAddress; ++i) {
    waiting.push_back(std::make_unique<RawClient>(Port()));
    ASSERT_TRUE(waiting.back()->connected());
  }
  RawClient one_more(Port());
  EXPECT_TRUE(one_more.ClosedWithin(3000));
  EXPECT_FALSE(waiting.front()->ClosedWithin(100));
  waiting.clear();
  // Once they are gone, a client logs in again.
  EXPECT_TRUE(WaitUntil([&] { return server::RemoteSession::Open(Connect(hr_)).ok(); }, 5));
}

TEST_F(RpcTest, AConnectionThatDoesNotLogInIsClosed) {
  login_within_ = std::chrono::milliseconds(500);
  Start();
  RawClient idle(Port());
  ASSERT_TRUE(idle.connected());
  EXPECT_TRUE(idle.ClosedWithin(3000));
  auto hr = DeskOf(hr_, Role::kHr);  // one that logs in stays
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_TRUE(hr->desk->Execute("SEC-I1", Proposal("emp-i1")).ok());
}

TEST_F(RpcTest, ARevokedTokenClosesItsConnectionsWithinASecond) {
  Start();
  auto hr = DeskOf(hr_, Role::kHr);
  auto home = DeskOf(home_, Role::kHomeManager);
  ASSERT_TRUE(hr->desk->Execute("SEC-R1", Proposal("emp-r1")).ok());
  auto file = server::TokenFile::Load(dir_.Sub("tokens"));
  ASSERT_TRUE(file->Revoke("hr-ana").ok());
  ASSERT_TRUE(file->Save(dir_.Sub("tokens")).ok());
  // A call right away is refused as revoked; a second later the connection is gone.
  auto refused = hr->desk->Show("SEC-R1", std::nullopt);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("revoked"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  auto closed = hr->desk->Show("SEC-R1", std::nullopt);
  EXPECT_EQ(closed.status().code(), StatusCode::kIOError) << closed.status().ToString();
  // Another principal's session goes on.
  EXPECT_TRUE(home->desk->Show("SEC-R1", std::nullopt).ok());
}

TEST_F(RpcTest, AStopKeepsEveryAcknowledgedAppend) {
  Start();
  {
    auto hr = DeskOf(hr_, Role::kHr);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(
          hr->desk->Execute("SEC-G" + std::to_string(i), Proposal("emp-g" + std::to_string(i)))
              .ok());
    }
  }
  Stop();
  ledger_.reset();
  auto reopened = service::LedgerService::Open(Data(), {});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Head(), 10u);
  EXPECT_TRUE(VerifyLog((*reopened)->log()).ok());
}

TEST_F(RpcTest, SixteenSessionsWriteWhileFourFeedsFollow) {
  Start();
  constexpr int kSessions = 16, kFeeds = 4, kEach = 15;
  constexpr Position kTotal = kSessions * kEach * 2;  // a proposal is two events
  std::mutex mu;                                      // over `seen`, which the feeds' threads fill
  std::vector<std::vector<Position>> seen(kFeeds);
  std::atomic<bool> stop{false};
  std::vector<std::thread> feeds;
  for (int f = 0; f < kFeeds; ++f) {
    feeds.emplace_back([&, f] {
      Status followed = server::FollowRemote(
          Connect(payroll_), 1, {}, "",
          [&, f](Position p, const std::string&) {
            std::lock_guard<std::mutex> lock(mu);
            seen[static_cast<size_t>(f)].push_back(p);
            return true;
          },
          [&] { return stop.load(); });
      EXPECT_TRUE(followed.ok()) << followed.ToString();
    });
  }
  std::vector<std::thread> writers;
  std::atomic<int> written{0};
  for (int s = 0; s < kSessions; ++s) {
    writers.emplace_back([&, s] {
      auto hr = DeskOf(hr_, Role::kHr);
      if (hr->desk == nullptr) return;
      for (int i = 0; i < kEach; ++i) {
        std::string id = "SEC-" + std::to_string(s) + "-" + std::to_string(i);
        auto outcome = hr->desk->Execute(id, Proposal("emp-" + id));
        EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
        if (outcome.ok()) written += static_cast<int>(outcome->positions.size());
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(written.load(), static_cast<int>(kTotal));
  // Every feed gets every event once, in order, while and after they are written.
  EXPECT_TRUE(WaitUntil(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        for (int f = 0; f < kFeeds; ++f) {
          if (seen[static_cast<size_t>(f)].size() < kTotal) return false;
        }
        return true;
      },
      60));
  stop = true;
  for (std::thread& t : feeds) t.join();
  for (const auto& positions : seen) {
    ASSERT_EQ(positions.size(), kTotal);
    for (size_t i = 0; i < positions.size(); ++i) EXPECT_EQ(positions[i], i + 1);
  }
  EXPECT_EQ(ledger_->Head(), kTotal);
}

TEST(LoginGateTest, CapsEachAddressAndEveryone) {
  server::LoginGate gate;
  for (int i = 0; i < server::kMaxUnauthenticatedPerAddress; ++i) EXPECT_TRUE(gate.Admit("a"));
  EXPECT_FALSE(gate.Admit("a"));
  gate.Leave("a");
  EXPECT_TRUE(gate.Admit("a"));
  // Up to the cap over all addresses.
  int admitted = server::kMaxUnauthenticatedPerAddress;
  for (int n = 0; admitted < server::kMaxUnauthenticated; ++n) {
    std::string address = std::to_string(n);
    for (int i = 0;
         i < server::kMaxUnauthenticatedPerAddress && admitted < server::kMaxUnauthenticated;
         ++i, ++admitted) {
      EXPECT_TRUE(gate.Admit(address));
    }
  }
  EXPECT_FALSE(gate.Admit("c"));
  gate.Leave("a");
  EXPECT_TRUE(gate.Admit("c"));
  gate.Leave("nobody");  // (an address it never admitted changes nothing)
  EXPECT_FALSE(gate.Admit("d"));
}

TEST(WorkersTest, ACallWhoseClientWentIsDroppedUnrun) {
  kj::EventLoop loop;
  kj::WaitScope wait_scope(loop);
  server::Workers workers(1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> second_ran{false};
  auto first = workers.Run<int>([released] {
    released.wait();
    return 1;
  });
  {
    auto second = workers.Run<int>([&second_ran] {
      second_ran = true;
      return 2;
    });
  }  // dropped while the only worker is busy
  auto third = workers.Run<int>([] { return 3; });
  release.set_value();
  EXPECT_EQ(first.wait(wait_scope), 1);
  EXPECT_EQ(third.wait(wait_scope), 3);
  workers.WaitIdle();
  EXPECT_FALSE(second_ran.load());
}

}  // namespace
}  // namespace secondment::testing
