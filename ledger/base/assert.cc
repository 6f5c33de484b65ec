#include "ledger/base/assert.h"

#include <cstdio>
#include <cstdlib>

namespace secondment::internal {

void AssertFailed(const char* condition, const char* file, int line, const std::string& values) {
  std::fprintf(stderr, "%s:%d: assertion failed: %s%s\n", file, line, condition, values.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace secondment::internal
