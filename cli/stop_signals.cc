#include "cli/stop_signals.h"

#include <signal.h>

#include <ctime>

namespace secondment::cli {
namespace {

sigset_t StopSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void BlockStopSignals() {
  sigset_t set = StopSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool WaitForStopSignal(std::chrono::milliseconds timeout) {
  sigset_t set = StopSet();
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
  timespec wait{static_cast<time_t>(nanos / 1000000000), static_cast<long>(nanos % 1000000000)};
  int signal_number = sigtimedwait(&set, nullptr, &wait);
  return signal_number == SIGINT || signal_number == SIGTERM;
}

}  // namespace secondment::cli
