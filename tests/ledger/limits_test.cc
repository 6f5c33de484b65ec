// Every limit of an append, refused with InvalidArgument, a clear message, and nothing written.

#include <gtest/gtest.h>

#include "ledger/log/event_log.h"
#include "tests/ledger/test_util.h"

namespace secondment {
namespace {

using testing::LedgerTest;
using testing::One;
using testing::Withdrawal;
using testing::Withdrawals;

class LimitsTest : public LedgerTest {
 protected:
  Status AppendTo(const std::string& stream) {
    return log_->Append(stream, ExpectedVersion::Any(), One(Withdrawal("x"))).status();
  }
  void ExpectRefused(const Status& status, const std::string& message) {
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
    EXPECT_EQ(status.message(), message);
    EXPECT_EQ(log_->Head(), 0u);
  }
};

TEST_F(LimitsTest, StreamIdOfOneTo128PrintableCharacters) {
  EXPECT_TRUE(AppendTo("x").ok());
  EXPECT_TRUE(AppendTo(std::string(128, 'a')).ok());
  EXPECT_TRUE(AppendTo("secondment-SEC-000001_/:@!~").ok());
  EXPECT_TRUE(AppendTo("with a space").ok());
}

TEST_F(LimitsTest, EmptyStreamId) { ExpectRefused(AppendTo(""), "stream id is empty"); }

TEST_F(LimitsTest, StreamIdOver128Characters) {
  ExpectRefused(AppendTo(std::string(129, 'a')), "stream id is 129 characters; the limit is 128");
  ExpectRefused(AppendTo(std::string(10 << 20, 'a')),
                "stream id is 10485760 characters; the limit is 128");
}

TEST_F(LimitsTest, StreamIdWithControlNulOrNonAscii) {
  const std::string tail = "; only printable ASCII is allowed";
  ExpectRefused(AppendTo("a\nb"), "stream id has byte 0x0a at offset 1" + tail);
  ExpectRefused(AppendTo(std::string("ab\0", 3)), "stream id has byte 0x00 at offset 2" + tail);
  ExpectRefused(AppendTo("caf\xc3\xa9"), "stream id has byte 0xc3 at offset 3" + tail);
  ExpectRefused(AppendTo("\x7f"), "stream id has byte 0x7f at offset 0" + tail);
}

TEST_F(LimitsTest, EventUpTo64KiBEncoded) {
  // Find the largest reason that still fits, then one byte more must be refused.
  auto fits = [&](size_t n) {
    return log_->Append("big", ExpectedVersion::Any(), One(Withdrawal(std::string(n, 'r'))));
  };
  auto over = fits(kMaxEventBytes);
  ASSERT_EQ(over.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(over.status().message().find("the limit is 65536 bytes"), std::string::npos)
      << over.status().message();
  size_t largest = 0;
  for (size_t n = kMaxEventBytes - 400; n < kMaxEventBytes; n += 8) {
    auto result = fits(n);
    if (!result.ok()) break;
    largest = n;
  }
  ASSERT_GT(largest, 0u);
  auto events = log_->ReadStream("big", 0, 1000);
  ASSERT_TRUE(events.ok());
  for (const auto& e : *events) EXPECT_LE(e.bytes().size(), kMaxEventBytes);
  EXPECT_GT(events->back().bytes().size(), kMaxEventBytes - 16);
}

TEST_F(LimitsTest, TenMegabyteFieldIsRefused) {
  auto result =
      log_->Append("s", ExpectedVersion::Any(), One(Withdrawal(std::string(10 << 20, 'x'))));
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Head(), 0u);
}

TEST_F(LimitsTest, OversizedEventInAGroupFailsOnlyItsOwnAppend) {
  std::vector<StreamAppend> appends;
  appends.push_back({"a", ExpectedVersion::Any(), Withdrawals(2)});
  appends.push_back({"b", ExpectedVersion::Any(), One(Withdrawal(std::string(70000, 'x')))});
  EXPECT_EQ(log_->Append(std::move(appends)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Head(), 0u);
  EXPECT_EQ(AppendOne("a"), 1u);
}

TEST_F(LimitsTest, AtMost1000EventsPerAppend) {
  auto ok = log_->Append("s", ExpectedVersion::Any(), Withdrawals(1000));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(log_->Head(), 1000u);
  auto over = log_->Append("t", ExpectedVersion::Any(), Withdrawals(1001));
  EXPECT_EQ(over.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(over.status().message(), "an append holds at most 1000 events");
  EXPECT_EQ(log_->Head(), 1000u);
}

TEST_F(LimitsTest, The1000EventLimitCountsEveryStreamOfTheCall) {
  std::vector<StreamAppend> appends;
  appends.push_back({"a", ExpectedVersion::Any(), Withdrawals(600)});
  appends.push_back({"b", ExpectedVersion::Any(), Withdrawals(401)});
  ExpectRefused(log_->Append(std::move(appends)).status(), "an append holds at most 1000 events");
}

TEST_F(LimitsTest, NoEventsOrNoStreams) {
  ExpectRefused(log_->Append("s", ExpectedVersion::Any(), {}).status(),
                "the append to stream s has no events");
  ExpectRefused(log_->Append(std::vector<StreamAppend>{}).status(),
                "an append needs at least one stream");
}

TEST_F(LimitsTest, NilAndRepeatedEventIds) {
  ExpectRefused(log_->Append("s", ExpectedVersion::Any(), One(Withdrawal("x", EventId()))).status(),
                "event id is nil (all zero)");
  EventId id = EventId::Random();
  std::vector<NewEvent> twice;
  twice.push_back(Withdrawal("x", id));
  twice.push_back(Withdrawal("x", id));
  ExpectRefused(log_->Append("s", ExpectedVersion::Any(), std::move(twice)).status(),
                "event id " + id.ToString() + " appears twice in one append");
}

}  // namespace
}  // namespace secondment
