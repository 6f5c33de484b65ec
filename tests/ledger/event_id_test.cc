#include "ledger/event/event_id.h"

#include <gtest/gtest.h>

namespace secondment {
namespace {

TEST(EventIdTest, TextRoundTrip) {
  auto id = EventId::Parse("f0e192a8-2b35-40a0-9d50-6dfcfe330a88");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ToString(), "f0e192a8-2b35-40a0-9d50-6dfcfe330a88");
  EXPECT_EQ(EventId::Parse("F0E192A8-2B35-40A0-9D50-6DFCFE330A88")->ToString(),
            "f0e192a8-2b35-40a0-9d50-6dfcfe330a88");
  EXPECT_EQ(EventId::FromHalves(0xf0e192a82b3540a0, 0x9d506dfcfe330a88), *id);
}

TEST(EventIdTest, RandomIdsAreVersion4AndDistinct) {
  EventId a = EventId::Random(), b = EventId::Random();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.bytes()[6] >> 4, 4);
  EXPECT_EQ(a.bytes()[8] >> 6, 2);
  EXPECT_FALSE(a.IsNil());
  EXPECT_TRUE(EventId().IsNil());
}

TEST(EventIdTest, RefusesMalformedText) {
  for (const char* bad :
       {"", "f0e192a8", "f0e192a8-2b35-40a0-9d50-6dfcfe330a8",
        "f0e192a8-2b35-40a0-9d50-6dfcfe330a888", "f0e192a8+2b35-40a0-9d50-6dfcfe330a88",
        "g0e192a8-2b35-40a0-9d50-6dfcfe330a88"}) {
    EXPECT_EQ(EventId::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(EventId::FromBytes("short").status().message(), "an event id is 16 bytes, got 5");
}

}  // namespace
}  // namespace secondment
