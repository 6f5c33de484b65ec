// The child of the crash suite: appends durably without pause from 4 threads and prints each
// acknowledged position on stdout (flushed) until it is killed.
//
//   crash_writer LEDGER_DIR

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/log/event_log.h"

using namespace secondment;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: crash_writer LEDGER_DIR\n");
    return 2;
  }
  auto log = EventLog::Open(argv[1], Options{});
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
    return 6;
  }
  std::mutex out;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0;; ++i) {
        std::vector<NewEvent> events;
        for (int k = 0; k < 1 + i % 3; ++k) {
          NewEvent e(EventId::Random());
          auto b = e.Mutable();
          b.initActor().setId("crash");
          b.getPayload().initWithdrawn().setReason("crash test");
          events.push_back(std::move(e));
        }
        auto r = (*log)->Append("crash-" + std::to_string(t * 10 + i % 10), ExpectedVersion::Any(),
                                std::move(events));
        if (!r.ok()) {
          std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
          std::_Exit(6);
        }
        std::lock_guard<std::mutex> lock(out);
        for (Position p : r->positions)
          std::fprintf(stdout, "%llu\n", static_cast<unsigned long long>(p));
        std::fflush(stdout);
      }
    });
  }
  for (auto& t : threads) t.join();
}
