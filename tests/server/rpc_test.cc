// The typed RPC API (schemas/api.capnp) served from this process over real sockets on
// 127.0.0.1, with server::RemoteSession as the client: the authenticated principal as the
// actor, refusals with the command line's codes and messages, revocation in an open session,
// the feed, TLS with a certificate made here, audits, and a clean stop. (The command line's
// --connect: tests/cli/connect_test.cc.)

#include "server/rpc.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "ledger/integrity/history_proof.h"
#include "server/remote.h"
#include "server/tokens.h"
#include "server/wire.h"
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
      served_ = server::Serve(*ledger_, options, [&](unsigned p) { listening.set_value(p); });
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
  EXPECT_EQ(bad_date.status().code(), StatusCode::kRuleViolation);  // not approved yet
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
  EXPECT_EQ(read("remote exception: unauthenticated: the token is not known"),
            InvalidArgument("the server refused the token (unauthenticated: the token is not "
                            "known)"));
  // A code or a word quoted inside a message is not the refusal's code.
  EXPECT_EQ(read("remote exception: Conflict: secondment NotFound: x already exists"),
            Conflict("secondment NotFound: x already exists"));
  EXPECT_EQ(read("Peer disconnected"), IOError("calling: Peer disconnected"));
  EXPECT_EQ(read("remote exception: something unauthenticated: else").code(), StatusCode::kIOError);
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
  auto plain = server::RemoteSession::Open(Connect(hr_));
  EXPECT_EQ(plain.status().code(), StatusCode::kIOError);
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

}  // namespace
}  // namespace secondment::testing
