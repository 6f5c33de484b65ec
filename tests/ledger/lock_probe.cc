// Test helper: tries to open the ledger at argv[1] for writing, as a second process would.
// Prints the status on one line; exits 0 when it opened, 7 when it was Unavailable, 1 else.

#include <cstdio>

#include "ledger/log/event_log.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lock_probe DIR\n");
    return 2;
  }
  auto log = secondment::EventLog::Open(argv[1], secondment::Options{});
  std::printf("%s\n", log.ok() ? "OK" : log.status().ToString().c_str());
  if (log.ok()) return 0;
  return log.status().code() == secondment::StatusCode::kUnavailable ? 7 : 1;
}
