// Helpers shared by the ledger tests: a temporary directory, and small verbs that build events.

#ifndef SECONDMENT_TESTS_LEDGER_TEST_UTIL_H_
#define SECONDMENT_TESTS_LEDGER_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "ledger/base/date.h"
#include "ledger/log/event_log.h"

namespace secondment::testing {

// `date` moved by `days` calendar days.
inline CivilDate ShiftDays(const CivilDate& date, int days) {
  return CivilFromDays(DaysFromCivil(date) + days);
}
inline bool DateLess(const CivilDate& a, const CivilDate& b) { return a < b; }

// A fresh directory under the system's temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("secondment-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Waits until `done()` holds, checking every 5 ms; false after `seconds`.
inline bool WaitUntil(const std::function<bool()>& done, int seconds = 30) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// The whole content of a file ("" when it cannot be read).
inline std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A Withdrawn event with `reason`: the smallest payload, handy for log mechanics.
inline NewEvent Withdrawal(const std::string& reason, EventId id = EventId::Random()) {
  NewEvent event(id);
  auto b = event.Mutable();
  auto actor = b.initActor();
  actor.setId("hr-001");
  actor.setRole(schema::Role::HR);
  b.getPayload().initWithdrawn().setReason(reason);
  return event;
}

inline std::vector<NewEvent> Withdrawals(int count, const std::string& prefix = "r") {
  std::vector<NewEvent> events;
  for (int i = 0; i < count; ++i) events.push_back(Withdrawal(prefix + std::to_string(i)));
  return events;
}

inline std::vector<NewEvent> One(NewEvent event) {
  std::vector<NewEvent> events;
  events.push_back(std::move(event));
  return events;
}

// Fixture: a ledger in a temp dir on a fake clock, reopened on demand.
class LedgerTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStart = 1767225600000000;  // 2026-01-01T00:00:00Z

  void SetUp() override { Reopen(); }

  void Reopen(Options options = {}) {
    log_.reset();
    options.clock = &clock_;
    auto opened = EventLog::Open(dir_.Sub("ledger"), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    log_ = std::move(opened).value();
  }

  // Appends one Withdrawn event; returns its position (0 on failure, with the test failing).
  Position AppendOne(const std::string& stream, ExpectedVersion expected = ExpectedVersion::Any(),
                     const std::string& reason = "reason") {
    auto result = log_->Append(stream, expected, One(Withdrawal(reason)));
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? result->positions.at(0) : 0;
  }

  // `rounds` rounds of one event on each of streams a, b, c and d, in that order, with the
  // reason "<stream>-<round>": stream a holds positions 1, 5, 9, ...
  void FillFourStreams(int rounds = 10) {
    for (int i = 0; i < rounds; ++i) {
      for (const char* stream : {"a", "b", "c", "d"}) {
        AppendOne(stream, ExpectedVersion::Any(), std::string(stream) + "-" + std::to_string(i));
      }
    }
  }

  std::string ReasonAt(Position position) {
    auto events = log_->ReadAll(position, 1);
    if (!events.ok() || events->empty()) return "<missing>";
    return events->front().Get().getPayload().getWithdrawn().getReason().cStr();
  }

  TempDir dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<EventLog> log_;
};

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_LEDGER_TEST_UTIL_H_
