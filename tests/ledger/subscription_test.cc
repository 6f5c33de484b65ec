// Subscriptions: history then live with no gap and no duplicate while writers run, filters,
// a slow subscriber that never holds writers back, a follower in another instance, and the
// positions of named durable consumers.

#include "ledger/log/subscription.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;
using testing::WaitUntil;
using testing::Withdrawals;

class SubscriptionTest : public LedgerTest {
 protected:
  // Collects what a subscription delivers.
  struct Collected {
    std::mutex mu;
    std::vector<Position> positions;
    std::vector<std::string> streams;
    size_t size() {
      std::lock_guard<std::mutex> lock(mu);
      return positions.size();
    }
  };

  EventHandler Collect(Collected& into) {
    return [&into](const RecordedEvent& e) {
      std::lock_guard<std::mutex> lock(into.mu);
      into.positions.push_back(e.position());
      into.streams.push_back(e.Get().getStreamId().cStr());
      return Status::Ok();
    };
  }
};

TEST_F(SubscriptionTest, HistoryThenLiveUnderConcurrentWritesEachEventOnceInOrder) {
  Options options;
  options.durability = Durability::kNoSync;  // what is tested is delivery, not fsync
  Reopen(options);
  constexpr int kWriters = 4, kAppends = 2500, kPerAppend = 10;  // 100,000 events
  std::vector<std::thread> writers;
  std::atomic<int> started{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kAppends; ++i) {
        auto r = log_->Append(fmt::format("w{}-{}", w, i % 50), ExpectedVersion::Any(),
                              Withdrawals(kPerAppend));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        started.fetch_add(1);
      }
    });
  }
  // Start while the writers are well under way: part history, part live.
  ASSERT_TRUE(WaitUntil([&] { return started.load() > 500; }));
  Collected got;
  SubscriptionOptions from_start;
  auto sub = Subscription::Start(*log_, from_start, Collect(got));
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  for (auto& t : writers) t.join();
  const size_t total = kWriters * kAppends * kPerAppend;
  ASSERT_TRUE(WaitUntil([&] { return got.size() >= total; })) << got.size();
  (*sub)->Stop();
  EXPECT_TRUE((*sub)->Wait().ok());
  ASSERT_EQ(got.positions.size(), total);
  for (size_t i = 0; i < total; ++i) ASSERT_EQ(got.positions[i], i + 1) << i;
  EXPECT_EQ((*sub)->next(), total + 1);
}

TEST_F(SubscriptionTest, FiltersByTypeAndStreamPrefixWhileTheNextPositionMovesOn) {
  for (int i = 0; i < 5; ++i) AppendOne(fmt::format("secondment-{}", i));
  for (int i = 0; i < 5; ++i) AppendOne(fmt::format("employee-{}", i));
  Collected got;
  SubscriptionOptions options;
  options.stream_prefix = "employee-";
  options.types = {"withdrawn"};
  auto sub = Subscription::Start(*log_, options, Collect(got));
  ASSERT_TRUE(sub.ok());
  ASSERT_TRUE(WaitUntil([&] { return got.size() == 5; }));
  EXPECT_EQ(got.positions, (std::vector<Position>{6, 7, 8, 9, 10}));
  ASSERT_TRUE(WaitUntil([&] { return (*sub)->next() == 11; }));

  Collected none;
  options.types = {"started"};
  auto other = Subscription::Start(*log_, options, Collect(none));
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(WaitUntil([&] { return (*other)->next() == 11; }));
  EXPECT_EQ(none.size(), 0u);
}

TEST_F(SubscriptionTest, BadOptionsAreRefused) {
  SubscriptionOptions options;
  options.types = {"noSuchEvent"};
  auto sub = Subscription::Start(*log_, options, [](const RecordedEvent&) { return Status::Ok(); });
  EXPECT_EQ(sub.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(sub.status().message().find("unknown event type 'noSuchEvent'"), std::string::npos);
  options.types.clear();
  options.from = 0;
  EXPECT_EQ(Subscription::Start(*log_, options, [](const RecordedEvent&) { return Status::Ok(); })
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SubscriptionTest, ASlowSubscriberNeverHoldsWritersBack) {
  std::atomic<bool> release{false};
  std::atomic<int> handled{0};
  auto sub = Subscription::Start(*log_, {}, [&](const RecordedEvent&) {
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    handled.fetch_add(1);
    return Status::Ok();
  });
  ASSERT_TRUE(sub.ok());
  // The subscriber is stuck on the first event; every append still goes through.
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(log_->Append("s", ExpectedVersion::Any(), Withdrawals(5)).ok());
  }
  EXPECT_EQ(log_->Head(), 1000u);
  EXPECT_LE(handled.load(), 1);
  release = true;
  ASSERT_TRUE(WaitUntil([&] { return handled.load() == 1000; }));
}

TEST_F(SubscriptionTest, AHandlerErrorEndsTheSubscriptionWithIt) {
  for (int i = 0; i < 10; ++i) AppendOne("s");
  auto sub = Subscription::Start(*log_, {}, [](const RecordedEvent& e) {
    return e.position() == 4 ? Unavailable("payroll is down") : Status::Ok();
  });
  ASSERT_TRUE(sub.ok());
  Status ended = (*sub)->Wait();
  EXPECT_EQ(ended.code(), StatusCode::kUnavailable);
  EXPECT_EQ((*sub)->next(), 4u);  // position 4 was not delivered: it comes again next time
}

TEST_F(SubscriptionTest, AFollowerInAnotherInstanceSeesWhatThePrimaryAppends) {
  for (int i = 0; i < 20; ++i) AppendOne("s");
  Options options;
  options.read_only = true;
  options.follow_primary = true;
  auto follower = EventLog::Open(dir_.Sub("ledger"), options);
  ASSERT_TRUE(follower.ok()) << follower.status().ToString();
  Collected got;
  SubscriptionOptions sub_options;
  sub_options.idle_wait = std::chrono::milliseconds(10);
  sub_options.poll = [&] { return (*follower)->CatchUpWithPrimary(); };
  auto sub = Subscription::Start(**follower, sub_options, Collect(got));
  ASSERT_TRUE(sub.ok());
  ASSERT_TRUE(WaitUntil([&] { return got.size() == 20; }));
  for (int i = 0; i < 30; ++i) AppendOne("t");
  ASSERT_TRUE(WaitUntil([&] { return got.size() == 50; })) << got.size();
  (*sub)->Stop();
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(got.positions[i], i + 1);
}

TEST_F(SubscriptionTest, ConsumerPositionsPersistAndNeverGoBack) {
  ConsumerPositions positions(dir_.Sub("ledger"));
  EXPECT_EQ(*positions.Get("payroll"), 0u);
  ASSERT_TRUE(positions.Acknowledge("payroll", 41).ok());
  ASSERT_TRUE(positions.Acknowledge("payroll", 17).ok());  // older: ignored
  EXPECT_EQ(*positions.Get("payroll"), 41u);
  EXPECT_EQ(*ConsumerPositions(dir_.Sub("ledger")).Get("payroll"), 41u);
  EXPECT_EQ(*positions.Get("it-access"), 0u);
  for (const char* bad : {"", "../x", "a/b", "a b", ".", "..", "name\n"}) {
    EXPECT_EQ(positions.Acknowledge(bad, 1).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(positions.Get(std::string(65, 'a')).status().code(), StatusCode::kInvalidArgument);
  std::ofstream(dir_.Sub("ledger") + "/consumers/payroll", std::ios::trunc) << "garbage";
  EXPECT_EQ(positions.Get("payroll").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace secondment
