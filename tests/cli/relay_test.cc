// The NATS JetStream relay against a real nats-server started here: every event exactly once
// and in order, after a SIGKILL mid-stream and a restart; the subjects and headers; and bad
// options. The relay runs as `secondment relay` (or inside `secondment serve --nats`),
// following a ledger this test writes; the Relay class itself is tested in-process in
// tests/server/relay_test.cc.

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "ledger/log/event_log.h"
#include "tests/common/jetstream.h"
#include "tests/common/nats_server.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {
namespace {

class RelayTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    nats_ = std::make_unique<NatsServer>(dir_.Sub("nats"));
    ASSERT_TRUE(nats_->ready()) << "nats-server did not start (is it installed?)";
  }
  std::string Relay(const std::string& extra = "") {
    return std::string(SECONDMENT_BIN) + " --data " + dir_.Sub("ledger") + " relay --nats " +
           nats_->url() + " " + extra + " > " + dir_.Sub("relay-out.txt") + " 2>" +
           dir_.Sub("relay-err.txt");
  }
  void AppendMany(int appends, int per_append, const std::string& prefix) {
    for (int i = 0; i < appends; ++i) {
      auto r = log_->Append(fmt::format("{}-{}", prefix, i % 37), ExpectedVersion::Any(),
                            Withdrawals(per_append));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }
  std::unique_ptr<NatsServer> nats_;
};

TEST_F(RelayTest, ASigkilledRelayRestartedLeavesEveryEventExactlyOnceInOrder) {
  AppendMany(100, 20, "before");  // 2,000 events of history
  JetStreamReader reader(nats_->url());
  ASSERT_TRUE(reader.ok());
  {
    BackgroundCommand relay(Relay());
    // 3,000 more, live, spread over more than a second so the relay is killed mid-stream.
    std::thread writer([&] {
      for (int i = 0; i < 300; ++i) {
        AppendMany(1, 10, fmt::format("during-{}", i % 7));
        std::this_thread::sleep_for(std::chrono::milliseconds(4));
      }
    });
    ASSERT_TRUE(WaitUntil([&] { return reader.Count("SECONDMENTS") >= 2500; }));
    relay.Signal(SIGKILL);  // mid-stream
    relay.Wait();
    writer.join();
  }
  const uint64_t total = log_->Head();
  ASSERT_EQ(total, 5000u);
  ASSERT_LT(reader.Count("SECONDMENTS"), total) << "the relay finished before it was killed";
  BackgroundCommand restarted(Relay());
  ASSERT_TRUE(WaitUntil([&] { return reader.Count("SECONDMENTS") >= total; }))
      << reader.Count("SECONDMENTS");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more comes
  restarted.Signal(SIGTERM);
  EXPECT_EQ(restarted.Wait(), 0);
  ASSERT_EQ(reader.Count("SECONDMENTS"), total);
  auto events = log_->ReadAll(1, total);
  ASSERT_TRUE(events.ok());
  for (uint64_t seq = 1; seq <= total; ++seq) {
    auto m = reader.Get("SECONDMENTS", seq);
    ASSERT_EQ(m.position, std::to_string(seq)) << "sequence " << seq;
    auto id = (*events)[seq - 1].Get().getEventId().asChars();
    ASSERT_EQ(m.id, EventId::FromBytes({id.begin(), id.size()})->ToString()) << seq;
  }
  auto first = reader.Get("SECONDMENTS", 1);
  EXPECT_EQ(first.subject, "secondment.withdrawn");
  EXPECT_EQ(first.stream, "before-0");
  EXPECT_NE(first.data.find("\"position\":1,"), std::string::npos) << first.data;
}

TEST_F(RelayTest, AServerWithNatsRelaysWhatItsClientsAppend) {
  AppendMany(2, 3, "history");
  log_.reset();  // the server holds the ledger now
  std::string bin = std::string(SECONDMENT_BIN);
  CommandOutcome token = RunCommand(bin + " token add --tokens " + dir_.Sub("tokens") +
                                    " --principal hr-ana --role hr");
  ASSERT_EQ(token.exit_code, 0);
  std::string hr = token.output.substr(0, token.output.size() - 1);
  std::string out = dir_.Sub("serve-out.txt");
  BackgroundCommand server(bin + " --data " + dir_.Sub("ledger") +
                           " serve --listen 127.0.0.1:0 --tokens " + dir_.Sub("tokens") +
                           " --nats " + nats_->url() + " > " + out + " 2>&1");
  std::string port;
  ASSERT_TRUE(WaitUntil([&] {
    std::ifstream in(out);
    std::string line;
    std::getline(in, line);
    std::smatch m;
    if (!std::regex_search(line, m, std::regex("on port ([0-9]+)"))) return false;
    port = m[1];
    return true;
  }));
  CommandOutcome proposed = RunCommand(
      bin + " --connect 127.0.0.1:" + port + " --token " + hr +
      " --as hr propose --id SEC-N1 --employee e-n1 --home-org O --home-unit U --home-manager mh "
      "--host-org O --host-unit V --host-manager mv --kind internal --role-title Analyst "
      "--start 2026-03-01 --end 2026-09-30 2>&1");
  ASSERT_EQ(proposed.exit_code, 0) << proposed.output;
  JetStreamReader reader(nats_->url());
  ASSERT_TRUE(WaitUntil([&] { return reader.Count("SECONDMENTS") == 8; }))
      << reader.Count("SECONDMENTS");
  EXPECT_EQ(reader.Get("SECONDMENTS", 7).subject, "secondment.proposed");
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(), 0);
}

TEST_F(RelayTest, AnotherStreamAndPrefixAndBadOptions) {
  AppendMany(3, 2, "x");
  JetStreamReader reader(nats_->url());
  {
    BackgroundCommand relay(Relay("--stream PAYROLL_FEED --subject-prefix acme.hr"));
    ASSERT_TRUE(WaitUntil([&] { return reader.Count("PAYROLL_FEED") == 6; }));
    relay.Signal(SIGTERM);
    EXPECT_EQ(relay.Wait(), 0);
  }
  EXPECT_EQ(reader.Get("PAYROLL_FEED", 6).subject, "acme.hr.withdrawn");
  std::string bin = std::string(SECONDMENT_BIN) + " --data " + dir_.Sub("ledger") + " relay ";
  EXPECT_EQ(RunCommand(bin + "2>/dev/null").exit_code, 2);  // no --nats
  EXPECT_EQ(RunCommand(bin + "--nats http://x 2>/dev/null").exit_code, 2);
  EXPECT_EQ(RunCommand(bin + "--nats " + nats_->url() + " --stream a.b 2>/dev/null").exit_code, 2);
  EXPECT_EQ(
      RunCommand(bin + "--nats " + nats_->url() + " --subject-prefix 'a.*' 2>/dev/null").exit_code,
      2);
  CommandOutcome refused =
      RunCommand(bin + "--nats nats://127.0.0.1:" + std::to_string(FreeLoopbackPort()) + " 2>&1");
  EXPECT_EQ(refused.exit_code, 6);
  EXPECT_NE(refused.output.find("cannot connect to NATS"), std::string::npos) << refused.output;
}

}  // namespace
}  // namespace secondment::testing
