#include "ledger/base/date.h"

#include <gtest/gtest.h>

namespace secondment {
namespace {

TEST(DateTest, DaysRoundTripAcrossEras) {
  for (int64_t days = -800000; days <= 800000; days += 997) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(days)), days);
  }
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({2024, 1, 1}), 19723);
  EXPECT_EQ(CivilFromDays(19723 + 59), (CivilDate{2024, 2, 29}));
}

TEST(DateTest, ParsesRealDates) {
  EXPECT_EQ(*ParseDate("2026-03-31"), (CivilDate{2026, 3, 31}));
  EXPECT_EQ(*ParseDate("2024-02-29"), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(FormatDate(*ParseDate("0001-01-01")), "0001-01-01");
}

TEST(DateTest, RefusesImpossibleAndMalformedDates) {
  EXPECT_EQ(ParseDate("2025-02-29").status().message(),
            "invalid date '2025-02-29': 2025-02 has 28 days");
  EXPECT_EQ(ParseDate("2026-13-01").status().message(),
            "invalid date '2026-13-01': month must be 01 to 12");
  EXPECT_EQ(ParseDate("0000-00-00").status().message(),
            "invalid date '0000-00-00': year must be 0001 or later");
  for (const char* bad : {"", "2026-1-01", "2026/01/01", "26-01-01", "2026-01-01T00", "-026-01-01",
                          "2026-0a-01", "2026-04-31"}) {
    EXPECT_EQ(ParseDate(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseDate("20\n6-01-01").status().message(),
            "invalid date '20?6-01-01': expected YYYY-MM-DD");
}

}  // namespace
}  // namespace secondment
