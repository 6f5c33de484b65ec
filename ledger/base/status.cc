#include "ledger/base/status.h"

#include <cstdio>
#include <cstdlib>

namespace secondment {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case StatusCode::kRuleViolation:
      return "RuleViolation";
    case StatusCode::kConflict:
      return "Conflict";
    case StatusCode::kNotFound:
      return "NotFound";
    case StatusCode::kCorruption:
      return "Corruption";
    case StatusCode::kIOError:
      return "IOError";
    case StatusCode::kUnavailable:
      return "Unavailable";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

namespace internal {

void AbortResultWithoutValue(const Status& status) {
  std::fprintf(stderr, "bug: value() of a Result holding %s\n", status.ToString().c_str());
  std::abort();
}

void AbortOkStatusAsResult() {
  std::fprintf(stderr, "bug: a Result was built from an OK Status without a value\n");
  std::abort();
}

}  // namespace internal
}  // namespace secondment
