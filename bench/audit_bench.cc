#include "bench/audit_bench.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "ledger/audit/prove.h"
#include "ledger/integrity/history_proof.h"
#include "ledger/log/checkpoints.h"
#include "ledger/log/subscription.h"
#include "ledger/log/verify.h"

namespace secondment::bench {
double VerifyEps(EventLog& log) {
  auto start = std::chrono::steady_clock::now();
  auto report = VerifyLog(log);
  double seconds = Seconds(start);
  Check(report.status(), "verify");
  return static_cast<double>(report->events) / seconds;
}

double SubscribeCatchupEps(EventLog& log) {
  std::atomic<uint64_t> delivered{0};
  Position head = log.Head();
  auto start = std::chrono::steady_clock::now();
  auto sub = Subscription::Start(log, {}, [&](const RecordedEvent&) {
    delivered.fetch_add(1, std::memory_order_relaxed);
    return Status::Ok();
  });
  Check(sub.status(), "subscribe");
  while ((*sub)->next() <= head) std::this_thread::sleep_for(std::chrono::microseconds(200));
  double seconds = Seconds(start);
  (*sub)->Stop();
  if (delivered.load() != head) {
    Die(6, fmt::format("subscription delivered {} of {} events", delivered.load(), head));
  }
  return static_cast<double>(head) / seconds;
}

ProveFigures ProveMicros(EventLog& log, size_t count) {
  auto key = SigningKey::Generate();
  Check(key.status(), "keygen");
  auto checkpoint = LogCheckpoints(log).Make(*key);
  Check(checkpoint.status(), "checkpoint");
  // Secondment streams met at evenly spaced positions: old and recent, short and long.
  std::set<std::string> streams;
  Position head = log.Head();
  for (size_t i = 0; i < count * 4 && streams.size() < count; ++i) {
    Position p = 1 + (head - 1) * i / (count * 4);
    Check(log.Scan(p, p,
                   [&](const EventView& view) {
                     std::string stream = view.event.getStreamId();
                     if (stream.rfind("secondment-", 0) == 0) streams.insert(stream);
                     return Status::Ok();
                   }),
          "scan");
  }
  std::vector<double> micros;
  for (const std::string& stream : streams) {
    auto start = std::chrono::steady_clock::now();
    auto proof = ProveHistory(log, stream, *checkpoint);
    micros.push_back(Seconds(start) * 1e6);
    Check(proof.status(), "prove");
    Check(VerifyHistoryProof(*proof, key->Public()).status(), "verify the proof");
  }
  return {Quantile(micros, 0.50), Quantile(micros, 0.99), micros.size()};
}

}  // namespace secondment::bench
