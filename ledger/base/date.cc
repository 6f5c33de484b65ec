#include "ledger/base/date.h"

#include <fmt/format.h>

#include <algorithm>

namespace secondment {
namespace {

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned DaysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

}  // namespace

// The civil-calendar conversions below follow the well-known era/day-of-era method: a 400-year
// era has exactly 146,097 days, and counting years from March puts the leap day last.
int64_t DaysFromCivil(const CivilDate& date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t year_of_era = y - era * 400;
  int64_t month_from_march = date.month > 2 ? date.month - 3 : date.month + 9;
  int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t month_from_march = (5 * day_of_year + 2) / 153;
  CivilDate out;
  out.day = static_cast<unsigned>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  out.month =
      static_cast<unsigned>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  out.year = static_cast<int>(year_of_era + era * 400 + (out.month <= 2 ? 1 : 0));
  return out;
}

CivilDate AddMonths(const CivilDate& date, int months) {
  int total = date.year * 12 + static_cast<int>(date.month) - 1 + months;
  CivilDate out{total / 12, static_cast<unsigned>(total % 12) + 1, date.day};
  out.day = std::min(out.day, DaysInMonth(out.year, out.month));
  return out;
}

CivilDate DateOfMicros(int64_t micros) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
  int64_t days =
      micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
  return CivilFromDays(days);
}

Result<CivilDate> ParseDate(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    std::string shown(text.substr(0, 32));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '?';
    }
    return InvalidArgument(fmt::format("invalid date '{}': {}", shown, why));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return invalid("expected YYYY-MM-DD");
  }
  auto digits = [&](size_t from, size_t count, int* out) {
    int v = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
  };
  int year, month, day;
  if (!digits(0, 4, &year) || !digits(5, 2, &month) || !digits(8, 2, &day)) {
    return invalid("expected YYYY-MM-DD");
  }
  if (year < 1) return invalid("year must be 0001 or later");
  if (month < 1 || month > 12) return invalid("month must be 01 to 12");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month)) {
    return invalid(fmt::format("{:04d}-{:02d} has {} days", year, month,
                               DaysInMonth(year, static_cast<unsigned>(month))));
  }
  return CivilDate{year, static_cast<unsigned>(month), static_cast<unsigned>(day)};
}

std::string FormatDate(const CivilDate& date) {
  return fmt::format("{:04d}-{:02d}-{:02d}", date.year, date.month, date.day);
}

}  // namespace secondment
