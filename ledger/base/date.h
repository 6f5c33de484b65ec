// Civil dates on the proleptic Gregorian calendar, as business dates are written in the
// ledger: "YYYY-MM-DD", years 0001..9999.

#ifndef SECONDMENT_LEDGER_BASE_DATE_H_
#define SECONDMENT_LEDGER_BASE_DATE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace secondment {

struct CivilDate {
  int year = 0;
  unsigned month = 0;  // 1..12
  unsigned day = 0;    // 1..31

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 (negative before it) and back.
int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days);

// The same day `months` calendar months later, or the month's last day when it is shorter
// (2024-01-31 + 1 month = 2024-02-29).
CivilDate AddMonths(const CivilDate& date, int months);

inline bool operator<(const CivilDate& a, const CivilDate& b) {
  return DaysFromCivil(a) < DaysFromCivil(b);
}
inline bool operator<=(const CivilDate& a, const CivilDate& b) { return !(b < a); }
inline bool operator>(const CivilDate& a, const CivilDate& b) { return b < a; }

// The date of a UTC timestamp in microseconds.
CivilDate DateOfMicros(int64_t micros);

// "YYYY-MM-DD" with a real day of a real month in years 0001..9999; else InvalidArgument
// naming the text.
Result<CivilDate> ParseDate(std::string_view text);
// "YYYY-MM-DD".
std::string FormatDate(const CivilDate& date);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_DATE_H_
