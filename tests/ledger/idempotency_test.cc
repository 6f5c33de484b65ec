// Idempotency by event id: persistent, with no time window.

#include <gtest/gtest.h>

#include "ledger/log/event_log.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;
using testing::One;
using testing::Withdrawal;

std::vector<NewEvent> Copies(const std::vector<EventId>& ids, const std::string& reason) {
  std::vector<NewEvent> events;
  for (const auto& id : ids) events.push_back(Withdrawal(reason, id));
  return events;
}

TEST_F(LedgerTest, RetryReturnsTheOriginalPositionsAndWritesNothing) {
  std::vector<EventId> ids = {EventId::Random(), EventId::Random()};
  auto first = log_->Append("s", ExpectedVersion::NoStream(), Copies(ids, "x"));
  ASSERT_TRUE(first.ok());
  AppendOne("other");
  clock_.Advance(1000000);
  // The expected version no longer holds, yet the retry is recognised as one.
  auto retry = log_->Append("s", ExpectedVersion::NoStream(), Copies(ids, "x"));
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->positions, (std::vector<Position>{1, 2}));
  EXPECT_EQ(log_->Head(), 3u);
}

TEST_F(LedgerTest, RetryIsRecognisedAfterReopen) {
  EventId id = EventId::Random();
  ASSERT_TRUE(log_->Append("s", ExpectedVersion::Any(), One(Withdrawal("x", id))).ok());
  AppendOne("s");
  Reopen();
  auto retry = log_->Append("s", ExpectedVersion::Any(), One(Withdrawal("x", id)));
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->positions, std::vector<Position>{1});
  EXPECT_EQ(log_->Head(), 2u);
}

TEST_F(LedgerTest, SameIdWithOtherContentIsAConflict) {
  EventId id = EventId::Random();
  ASSERT_TRUE(log_->Append("s", ExpectedVersion::Any(), One(Withdrawal("x", id))).ok());
  auto other = log_->Append("s", ExpectedVersion::Any(), One(Withdrawal("y", id)));
  ASSERT_EQ(other.status().code(), StatusCode::kConflict);
  EXPECT_EQ(other.status().message(),
            "event id " + id.ToString() + " is already stored at position 1 with other content");
  EXPECT_EQ(log_->Head(), 1u);
}

TEST_F(LedgerTest, SameIdOnAnotherStreamIsAConflict) {
  EventId id = EventId::Random();
  ASSERT_TRUE(log_->Append("s", ExpectedVersion::Any(), One(Withdrawal("x", id))).ok());
  auto other = log_->Append("t", ExpectedVersion::Any(), One(Withdrawal("x", id)));
  EXPECT_EQ(other.status().code(), StatusCode::kConflict);
  EXPECT_FALSE(log_->GetStreamState("t")->has_value());
}

TEST_F(LedgerTest, KnownIdsBesideNewOnesAreAConflict) {
  EventId known = EventId::Random();
  ASSERT_TRUE(log_->Append("s", ExpectedVersion::Any(), One(Withdrawal("x", known))).ok());
  auto mixed = log_->Append("s", ExpectedVersion::Any(), Copies({known, EventId::Random()}, "x"));
  ASSERT_EQ(mixed.status().code(), StatusCode::kConflict);
  EXPECT_EQ(log_->Head(), 1u);
}

TEST_F(LedgerTest, MultiStreamRetryIsIdempotent) {
  auto make = [](const std::vector<EventId>& ids) {
    std::vector<StreamAppend> appends;
    appends.push_back({"secondment-1", ExpectedVersion::NoStream(), Copies({ids[0]}, "a")});
    appends.push_back({"employee-1", ExpectedVersion::NoStream(), Copies({ids[1]}, "b")});
    return appends;
  };
  std::vector<EventId> ids = {EventId::Random(), EventId::Random()};
  ASSERT_TRUE(log_->Append(make(ids)).ok());
  auto retry = log_->Append(make(ids));
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->positions, (std::vector<Position>{1, 2}));
}

TEST_F(LedgerTest, ConcurrentRetriesOfOneAppendWriteItOnce) {
  EventId id = EventId::Random();
  std::vector<std::thread> threads;
  std::atomic<int> fresh{0}, duplicates{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto result = log_->Append("s", ExpectedVersion::Any(), One(Withdrawal("x", id)));
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      (result->duplicate ? duplicates : fresh)++;
      EXPECT_EQ(result->positions, std::vector<Position>{1});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(duplicates.load(), 7);
  EXPECT_EQ(log_->Head(), 1u);
}

}  // namespace
}  // namespace secondment
