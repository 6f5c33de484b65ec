// A child of the fault tests: appends durably under a file-size limit (RLIMIT_FSIZE) until a
// write fails, as on a full disk. Prints each acknowledged position, then "error: STATUS" for
// the refused append, and exits 0. A pre-existing ledger must already be open-able.
//
//   fault_writer LEDGER_DIR MAX_FILE_BYTES

#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ledger/log/event_log.h"

using namespace secondment;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fault_writer LEDGER_DIR MAX_FILE_BYTES\n");
    return 2;
  }
  auto log = EventLog::Open(argv[1], Options{});
  if (!log.ok()) {
    std::fprintf(stdout, "open error: %s\n", log.status().ToString().c_str());
    return 0;
  }
  // From here on, no file may grow past the limit: a write beyond it fails (EFBIG).
  signal(SIGXFSZ, SIG_IGN);
  rlim_t limit = std::strtoull(argv[2], nullptr, 10);
  struct rlimit rl = {limit, limit};
  setrlimit(RLIMIT_FSIZE, &rl);
  std::string text(900, 'x');
  for (int i = 0; i < 100000; ++i) {
    NewEvent e(EventId::Random());
    auto b = e.Mutable();
    b.initActor().setId("fault");
    b.getPayload().initWithdrawn().setReason(text);
    std::vector<NewEvent> events;
    events.push_back(std::move(e));
    auto r =
        (*log)->Append("fault-" + std::to_string(i % 5), ExpectedVersion::Any(), std::move(events));
    if (!r.ok()) {
      std::fprintf(stdout, "error: %s\n", r.status().ToString().c_str());
      std::fflush(stdout);
      std::_Exit(0);  // as a process that met a full disk and gave up
    }
    std::fprintf(stdout, "%llu\n", static_cast<unsigned long long>(r->positions[0]));
    std::fflush(stdout);
  }
  std::fprintf(stdout, "no failure\n");
  return 0;
}
