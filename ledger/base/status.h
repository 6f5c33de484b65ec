// Status and Result<T>: how every library call in this project reports an expected outcome.
//
// A Status is a code from a small closed set plus a one-line message a person can act on.
// Bugs are not Statuses: they are LEDGER_ASSERT failures (ledger/assert.h).

#ifndef SECONDMENT_LEDGER_BASE_STATUS_H_
#define SECONDMENT_LEDGER_BASE_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace secondment {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller's input is malformed or out of limits
  kRuleViolation,    // a lifecycle rule forbids the command
  kConflict,         // expected version mismatch, or an event id reused with other content
  kNotFound,         // no such stream, secondment or position
  kCorruption,       // stored data does not decode or does not verify
  kIOError,          // the storage failed (disk full, read-only, I/O error)
  kUnavailable,      // locked by another process, closing, or opened read-only
};

// The name of a code, e.g. "InvalidArgument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "InvalidArgument: stream id is empty"; "OK" when ok.
  std::string ToString() const;

  // Marks a status as deliberately dropped.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}
inline Status RuleViolation(std::string message) {
  return Status(StatusCode::kRuleViolation, std::move(message));
}
inline Status Conflict(std::string message) {
  return Status(StatusCode::kConflict, std::move(message));
}
inline Status NotFound(std::string message) {
  return Status(StatusCode::kNotFound, std::move(message));
}
inline Status Corruption(std::string message) {
  return Status(StatusCode::kCorruption, std::move(message));
}
inline Status IOError(std::string message) {
  return Status(StatusCode::kIOError, std::move(message));
}
inline Status Unavailable(std::string message) {
  return Status(StatusCode::kUnavailable, std::move(message));
}

// Either a value or a non-OK Status. Reading the value of an error Result is a bug and aborts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) AbortOkWithoutValue();
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    CheckHasValue();
    return *value_;
  }
  const T& value() const& {
    CheckHasValue();
    return *value_;
  }
  T&& value() && {
    CheckHasValue();
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void CheckHasValue() const {
    if (!value_.has_value()) AbortNoValue(status_);
  }
  [[noreturn]] static void AbortNoValue(const Status& status);
  [[noreturn]] static void AbortOkWithoutValue();

  Status status_;
  std::optional<T> value_;
};

namespace internal {
[[noreturn]] void AbortResultWithoutValue(const Status& status);
[[noreturn]] void AbortOkStatusAsResult();
}  // namespace internal

template <typename T>
void Result<T>::AbortNoValue(const Status& status) {
  internal::AbortResultWithoutValue(status);
}
template <typename T>
void Result<T>::AbortOkWithoutValue() {
  internal::AbortOkStatusAsResult();
}

}  // namespace secondment

#define SECONDMENT_CONCAT_INNER_(a, b) a##b
#define SECONDMENT_CONCAT_(a, b) SECONDMENT_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)               \
  do {                                      \
    ::secondment::Status _status_ = (expr); \
    if (!_status_.ok()) return _status_;    \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, MakeX());` binds the value of a Result or returns its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(SECONDMENT_CONCAT_(_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                           \
  if (!result.ok()) return result.status();       \
  lhs = std::move(result).value()

#endif  // SECONDMENT_LEDGER_BASE_STATUS_H_
