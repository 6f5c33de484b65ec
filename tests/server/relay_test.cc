// server::Relay in this process against a real nats-server started here: every event once, in
// order, with its headers; a relay stopped and started again resumes right after what JetStream
// acknowledged. (Killed with SIGKILL mid-stream: tests/cli/relay_test.cc.)

#include "server/relay.h"

#include <gtest/gtest.h>

#include "tests/common/jetstream.h"
#include "tests/common/nats_server.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {
namespace {

class InProcessRelayTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    nats_ = std::make_unique<NatsServer>(dir_.Sub("nats"));
    ASSERT_TRUE(nats_->ready()) << "nats-server did not start (is it installed?)";
    options_.nats_url = nats_->url();
  }
  void Append(int count, const std::string& stream) {
    for (int i = 0; i < count; ++i) AppendOne(stream);
  }

  std::unique_ptr<NatsServer> nats_;
  server::RelayOptions options_;
};

TEST_F(InProcessRelayTest, StoppedAndStartedAgainItResumesWithNothingTwice) {
  Append(5, "a");
  ConsumerPositions positions(log_->dir());
  JetStreamReader reader(nats_->url());
  ASSERT_TRUE(reader.ok());
  {
    auto relay = server::Relay::Start(*log_, positions, options_, {});
    ASSERT_TRUE(relay.ok()) << relay.status().ToString();
    EXPECT_EQ((*relay)->started_at(), 1u);
    Append(3, "b");  // live, woken by the appends
    ASSERT_TRUE(WaitUntil([&] { return reader.Count("SECONDMENTS") == 8; }))
        << reader.Count("SECONDMENTS");
    ASSERT_TRUE((*relay)->Stop().ok());
    EXPECT_EQ((*relay)->acknowledged(), 8u);
  }
  EXPECT_EQ(*positions.Get(server::RelayConsumerName(options_)), 8u);
  Append(2, "c");
  auto again = server::Relay::Start(*log_, positions, options_, {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->started_at(), 9u);
  ASSERT_TRUE(WaitUntil([&] { return reader.Count("SECONDMENTS") == 10; }));
  ASSERT_TRUE((*again)->Stop().ok());
  for (uint64_t seq = 1; seq <= 10; ++seq) {
    auto m = reader.Get("SECONDMENTS", seq);
    EXPECT_EQ(m.position, std::to_string(seq));
    EXPECT_EQ(m.subject, "secondment.withdrawn");
  }
  EXPECT_EQ(reader.Get("SECONDMENTS", 6).stream, "b");
}

TEST_F(InProcessRelayTest, ANatsServerThatIsNotThereIsIOError) {
  options_.nats_url = "nats://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  ConsumerPositions positions(log_->dir());
  auto relay = server::Relay::Start(*log_, positions, options_, {});
  EXPECT_EQ(relay.status().code(), StatusCode::kIOError);
  EXPECT_NE(relay.status().message().find("cannot connect to NATS"), std::string::npos);
}

}  // namespace
}  // namespace secondment::testing
