#include "ledger/base/clock.h"

#include <chrono>

namespace secondment {

int64_t SystemClock::NowMicros() const {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  return duration_cast<microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace secondment
