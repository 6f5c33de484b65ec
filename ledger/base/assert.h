// LEDGER_ASSERT: invariants whose failure is a bug, not an expected outcome.
//
//   LEDGER_ASSERT(next == head + 1, next, head);
//
// On failure it prints the condition, the file and line, and each named value, then aborts.
// It is always on (also in Release): an event log must not go on writing past a broken
// invariant.

#ifndef SECONDMENT_LEDGER_BASE_ASSERT_H_
#define SECONDMENT_LEDGER_BASE_ASSERT_H_

#include <fmt/format.h>

#include <string>

namespace secondment::internal {

[[noreturn]] void AssertFailed(const char* condition, const char* file, int line,
                               const std::string& values);

// " where (a, b) = (1, 2)", or "" when no values are named.
template <typename... T>
std::string FormatAssertValues(const char* names, const T&... values) {
  if constexpr (sizeof...(T) == 0) {
    return "";
  } else {
    std::string joined;
    ((joined += (joined.empty() ? "" : ", ") + fmt::format("{}", values)), ...);
    return fmt::format(" where ({}) = ({})", names, joined);
  }
}

}  // namespace secondment::internal

#define LEDGER_ASSERT(condition, ...)                                                           \
  do {                                                                                          \
    if (!(condition)) [[unlikely]] {                                                            \
      ::secondment::internal::AssertFailed(                                                     \
          #condition, __FILE__, __LINE__,                                                       \
          ::secondment::internal::FormatAssertValues(#__VA_ARGS__ __VA_OPT__(, ) __VA_ARGS__)); \
    }                                                                                           \
  } while (false)

#endif  // SECONDMENT_LEDGER_BASE_ASSERT_H_
