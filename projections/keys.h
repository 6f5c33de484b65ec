// Table names and key layouts of the projections (grammar in projections/README.md). Parts of
// a key are separated by 0x00, which no id, org, unit or country can hold.

#ifndef SECONDMENT_PROJECTIONS_KEYS_H_
#define SECONDMENT_PROJECTIONS_KEYS_H_

#include <string>
#include <string_view>

#include "ledger/base/date.h"
#include "ledger/event/event.h"

namespace secondment::projections {

inline constexpr char kStatusTable[] = "status";
inline constexpr char kPlacementsTable[] = "placements";
inline constexpr char kHistoryTable[] = "history";
inline constexpr char kAlertsTable[] = "alerts";

template <typename... Parts>
std::string Key(std::string_view first, const Parts&... rest) {
  std::string key(first);
  ((key += '\0', key += rest), ...);
  return key;
}

// The first key after every key that starts with `prefix`.
inline std::string PrefixEnd(std::string prefix) { return prefix + '\xff'; }

// A position as 8 big-endian bytes, so that keys sort in log order.
inline std::string Position8(Position p) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((p >> (56 - 8 * i)) & 0xFF);
  return out;
}

inline Position PositionOf(std::string_view eight) {
  Position p = 0;
  for (char c : eight.substr(0, 8)) p = (p << 8) | static_cast<uint8_t>(c);
  return p;
}

// "YYYYMM".
inline std::string MonthKey(const CivilDate& d) {
  std::string text = FormatDate(d);
  return text.substr(0, 4) + text.substr(5, 2);
}

}  // namespace secondment::projections

#endif  // SECONDMENT_PROJECTIONS_KEYS_H_
