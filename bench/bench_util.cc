#include "bench/bench_util.h"

#include <capnp/any.h>
#include <errno.h>  // program_invocation_short_name
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <thread>
#include <unordered_map>

#include "ledger/base/hash.h"

namespace secondment::bench {

void Die(int code, const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, message.c_str());
  std::exit(code);
}

void Check(const Status& status, std::string_view what) {
  if (!status.ok()) Die(6, fmt::format("{}: {}", what, status.ToString()));
}

double TimeWriters(int writers, const std::function<void(int)>& body) {
  std::latch ready(writers);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      ready.count_down();
      go.wait();
      body(w);
    });
  }
  ready.wait();
  auto start = std::chrono::steady_clock::now();
  go.count_down();
  for (auto& t : threads) t.join();
  return Seconds(start);
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double Quantile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<size_t>(std::floor(p * static_cast<double>(values.size() - 1) + 0.5));
  return values[index];
}

uint64_t LiveDataBytes(const std::string& dir) {
  namespace fs = std::filesystem;
  uint64_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    bool counts = name == "CURRENT" || name.rfind("MANIFEST-", 0) == 0 ||
                  entry.path().extension() == ".sst" || entry.path().extension() == ".log";
    if (counts) total += entry.file_size();
  }
  return total;
}

std::vector<std::vector<size_t>> PartitionByStream(const std::vector<workload::Event>& events,
                                                   size_t count, int writers) {
  std::vector<std::vector<size_t>> parts(writers);
  for (size_t i = 0; i < count; ++i) parts[events[i].stream % writers].push_back(i);
  return parts;
}

std::vector<Run> StreamRuns(const std::vector<workload::Event>& events, size_t begin, size_t end) {
  std::vector<Run> runs;
  for (size_t i = begin; i < end; ++i) {
    if (runs.empty() || events[i].stream != events[runs.back().begin].stream) {
      runs.push_back({i, i + 1});
    } else {
      runs.back().end = i + 1;
    }
  }
  return runs;
}

std::vector<std::string> StoredValues(const workload::Workload& workload, size_t count) {
  std::vector<std::string> values;
  values.reserve(count);
  std::unordered_map<uint32_t, Hash256> last_leaf;
  for (size_t i = 0; i < count; ++i) {
    const workload::Event& e = workload.events()[i];
    NewEvent event = workload.ToLedgerEvent(e);
    auto b = event.Mutable();
    b.setPosition(i + 1);
    b.setStreamVersion(e.version);
    b.setRecordedAtMicros((workload::kT0Millis + static_cast<int64_t>(i) * workload::kStepMillis) *
                          1000);
    b.setStreamId(workload.StreamId(e));
    const auto& id = event.id().bytes();
    b.setEventId(kj::arrayPtr(id.data(), id.size()));
    if (auto it = last_leaf.find(e.stream); it != last_leaf.end()) {
      b.setPrevHash(kj::arrayPtr(it->second.data(), it->second.size()));
    }
    auto words = capnp::AnyStruct::Reader(b.asReader()).canonicalize();
    values.emplace_back(reinterpret_cast<const char*>(words.begin()), words.size() * 8);
    last_leaf[e.stream] = LeafHash(values.back());
  }
  return values;
}

}  // namespace secondment::bench
