// The streams the lifecycle writes: a secondment ID lives in `secondment-ID`, and each
// employee E has `employee-E`, which holds the periods their secondments claim (PeriodClaimed),
// so that no two open secondments of one person overlap.

#ifndef SECONDMENT_LEDGER_LIFECYCLE_STREAMS_H_
#define SECONDMENT_LEDGER_LIFECYCLE_STREAMS_H_

#include <optional>
#include <string>
#include <string_view>

namespace secondment {

inline std::string SecondmentStream(std::string_view id) { return "secondment-" + std::string(id); }

inline std::string EmployeeStream(std::string_view employee_id) {
  return "employee-" + std::string(employee_id);
}

// The secondment id of a secondment stream ("secondment-SEC-1" -> "SEC-1"), or nullopt.
inline std::optional<std::string_view> SecondmentIdOf(std::string_view stream) {
  constexpr std::string_view kPrefix = "secondment-";
  if (stream.size() <= kPrefix.size() || stream.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  return stream.substr(kPrefix.size());
}

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_STREAMS_H_
