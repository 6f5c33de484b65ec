// Many threads, one writer: exactly one append wins per version, nothing is lost or doubled.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <barrier>
#include <map>
#include <set>
#include <thread>

#include "ledger/log/event_log.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;
using testing::One;
using testing::Withdrawal;

ExpectedVersion After(const std::optional<StreamState>& state) {
  return state ? ExpectedVersion::Exactly(state->version) : ExpectedVersion::NoStream();
}

TEST_F(LedgerTest, EightThreadsRaceForEachVersionAndExactlyOneWins) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 40;
  std::barrier start(kThreads);
  std::vector<std::vector<int>> wins(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        start.arrive_and_wait();  // all threads aim at the same version
        ExpectedVersion expected =
            round == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exactly(round - 1);
        std::string reason = std::to_string(t) + "/" + std::to_string(round);
        auto result = log_->Append("s", expected, One(Withdrawal(reason)));
        if (result.ok()) {
          wins[t].push_back(round);
        } else {
          EXPECT_EQ(result.status().code(), StatusCode::kConflict) << result.status().ToString();
        }
        start.arrive_and_wait();  // the round is decided before the next begins
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::map<int, int> winners_per_round;
  for (int t = 0; t < kThreads; ++t) {
    for (int round : wins[t]) winners_per_round[round]++;
  }
  ASSERT_EQ(winners_per_round.size(), static_cast<size_t>(kRounds));
  for (auto [round, winners] : winners_per_round) EXPECT_EQ(winners, 1) << "round " << round;

  auto events = log_->ReadStream("s", 0, 1000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<size_t>(kRounds));
  for (size_t v = 0; v < events->size(); ++v) {
    auto e = (*events)[v].Get();
    EXPECT_EQ(e.getStreamVersion(), v);
    std::string reason = e.getPayload().getWithdrawn().getReason().cStr();
    EXPECT_EQ(reason.substr(reason.find('/') + 1), std::to_string(v));
  }
}

TEST_F(LedgerTest, EightThreadsRetryingOnConflictLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kPerThread; ++k) {
        std::string reason = std::to_string(t) + "/" + std::to_string(k);
        for (;;) {
          auto state = log_->GetStreamState("s");
          ASSERT_TRUE(state.ok());
          auto result = log_->Append("s", After(*state), One(Withdrawal(reason)));
          if (result.ok()) break;
          ASSERT_EQ(result.status().code(), StatusCode::kConflict) << result.status().ToString();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  auto events = log_->ReadStream("s", 0, 10000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<size_t>(kThreads * kPerThread));
  std::set<std::string> reasons;
  for (size_t v = 0; v < events->size(); ++v) {
    EXPECT_EQ((*events)[v].Get().getStreamVersion(), v);
    EXPECT_EQ((*events)[v].position(), v + 1);
    reasons.insert((*events)[v].Get().getPayload().getWithdrawn().getReason().cStr());
  }
  EXPECT_EQ(reasons.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(LedgerTest, ManyWritersOnTheirOwnStreamsShareCommitsAndLeaveNoGap) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string stream = "stream-" + std::to_string(t);
      for (int k = 0; k < kPerThread; ++k) {
        ExpectedVersion expected =
            k == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exactly(k - 1);
        auto result = log_->Append(stream, expected, One(Withdrawal(std::to_string(k))));
        ASSERT_TRUE(result.ok()) << result.status().ToString();
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(log_->Head(), static_cast<Position>(kThreads * kPerThread));
  std::map<std::string, StreamVersion> next_version;
  Position expected_position = 1;
  Status status = log_->Scan(1, UINT64_MAX, [&](const EventView& view) {
    EXPECT_EQ(view.position, expected_position++);
    std::string stream = view.event.getStreamId().cStr();
    EXPECT_EQ(view.event.getStreamVersion(), next_version[stream]++);
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(expected_position, static_cast<Position>(kThreads * kPerThread + 1));
}

TEST_F(LedgerTest, ReadersNeverSeeAGapWhileWritersRun) {
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int k = 0; k < 300; ++k) AppendOne(fmt::format("w{}", k % 5));
    done = true;
  });
  Position seen = 0;
  while (!done.load() || seen < log_->Head()) {
    auto events = log_->ReadAll(seen + 1, 1000);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    for (const auto& e : *events) ASSERT_EQ(e.position(), ++seen);
  }
  writer.join();
  EXPECT_EQ(seen, 300u);
}

}  // namespace
}  // namespace secondment
