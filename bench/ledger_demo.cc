// ledger_demo: what scripts/demo runs until the `secondment` command exists. On a fresh
// embedded ledger it appends a sample of the benchmark workload durably from four writers,
// shows an idempotent retry, a refused stale write and a refused multi-stream append, replays
// the log into per-secondment status, prints one secondment's history, and reopens the ledger.
//
//   ledger_demo --data DIR [--streams S]
//
// Exit status: 0, 2 for bad arguments (including a --data that is not a ledger directory),
// 6 when the ledger fails.

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "bench/bench_util.h"
#include "bench/replay.h"
#include "bench/workload.h"
#include "ledger/base/date.h"
#include "ledger/log/event_log.h"

namespace secondment::bench {
namespace {

// Exits 2 for invalid input (a bad --data), 6 for any other failure of the ledger.
template <typename T>
T Checked(Result<T> result, std::string_view what) {
  if (!result.ok()) {
    int code = result.status().code() == StatusCode::kInvalidArgument ? 2 : 6;
    Die(code, fmt::format("{}: {}", what, result.status().ToString()));
  }
  return std::move(result).value();
}

std::string Timestamp(int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t rest = seconds % 86400;
  return fmt::format("{}T{:02d}:{:02d}:{:02d}.{:06d}Z", FormatDate(CivilFromDays(seconds / 86400)),
                     rest / 3600, rest / 60 % 60, rest % 60, micros % 1000000);
}

std::string DateText(schema::Date::Reader date) {
  if (date.getYear() == 0) return "-";
  return FormatDate({date.getYear(), date.getMonth(), date.getDay()});
}

std::string Summary(schema::Event::Reader event) {
  auto p = event.getPayload();
  switch (p.which()) {
    case schema::Event::Payload::PROPOSED:
      return fmt::format(
          "{} from {}/{} to {}/{}, {} to {}", p.getProposed().getEmployeeId().cStr(),
          p.getProposed().getHome().getOrg().cStr(), p.getProposed().getHome().getUnit().cStr(),
          p.getProposed().getHost().getOrg().cStr(), p.getProposed().getHost().getUnit().cStr(),
          DateText(p.getProposed().getPlannedStart()), DateText(p.getProposed().getPlannedEnd()));
    case schema::Event::Payload::APPROVAL_GRANTED:
      return fmt::format("placement approved by {}",
                         p.getApprovalGranted().getApproverRole() == schema::Role::HOME_MANAGER
                             ? "home manager"
                             : "host manager");
    case schema::Event::Payload::STARTED:
      return "started " + DateText(p.getStarted().getActualStart());
    case schema::Event::Payload::HANDOVER_RECORDED:
      return fmt::format("handover {} -> {}", p.getHandoverRecorded().getFrom().cStr(),
                         p.getHandoverRecorded().getTo().cStr());
    case schema::Event::Payload::FEEDBACK_RECORDED:
      return fmt::format("feedback, rating {}", p.getFeedbackRecorded().getRating());
    case schema::Event::Payload::EXTENDED:
      return fmt::format("extended {} -> {}", DateText(p.getExtended().getPreviousEnd()),
                         DateText(p.getExtended().getNewEnd()));
    case schema::Event::Payload::RETURNED:
      return "returned " + DateText(p.getReturned().getReturnDate());
    case schema::Event::Payload::CONVERTED_TO_PERMANENT:
      return "converted to a permanent post " +
             DateText(p.getConvertedToPermanent().getEffectiveDate());
    default:
      return "";
  }
}

ExpectedVersion ExpectedBefore(const workload::Event& e) {
  return e.version == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exactly(e.version - 1);
}

}  // namespace

int Main(int argc, char** argv) {
  std::string dir;
  uint32_t streams = 2000;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--data" && i + 1 < argc && *argv[i + 1] != '\0') {
      dir = argv[++i];
    } else if (arg == "--streams" && i + 1 < argc) {
      std::string_view v = argv[++i];
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), streams);
      if (ec != std::errc() || end != v.data() + v.size() || streams < 1 || streams > 100000) {
        Die(2, "--streams takes a whole number from 1 to 100000");
      }
    } else {
      Die(2, fmt::format("unknown or incomplete argument '{}'; usage: ledger_demo --data DIR "
                         "[--streams S]",
                         arg));
    }
  }
  if (dir.empty()) Die(2, "--data DIR is required");

  auto log = Checked(EventLog::Open(dir, Options{}), "opening the ledger");
  std::printf("ledger at %s (durable appends: each one is fsync'ed before it returns)\n\n",
              dir.c_str());

  workload::Workload w = workload::Workload::Generate(streams);
  const auto& events = w.events();
  constexpr int kWriters = 4;
  auto parts = PartitionByStream(events, events.size(), kWriters);
  double seconds = TimeWriters(kWriters, [&](int writer) {
    for (size_t i : parts[writer]) {
      std::vector<NewEvent> one;
      one.push_back(w.ToLedgerEvent(events[i]));
      Checked(log->Append(w.StreamId(events[i]), ExpectedBefore(events[i]), std::move(one)),
              "append");
    }
  });
  std::printf(
      "1. appended %zu lifecycle events of %u secondments from %d writer threads, one "
      "durable append each,\n   in %.2f s (%.0f events/s); head is position %llu\n\n",
      events.size(), streams, kWriters, seconds, events.size() / seconds,
      static_cast<unsigned long long>(log->Head()));

  const workload::Event& first = events.front();
  std::string stream = w.StreamId(first);
  std::vector<NewEvent> again;
  again.push_back(w.ToLedgerEvent(first));
  auto retry = Checked(log->Append(stream, ExpectedVersion::NoStream(), std::move(again)), "retry");
  std::printf(
      "2. retried the append of event %s: %s, position %llu, nothing written (head %llu)\n\n",
      w.EventIdText(first).c_str(), retry.duplicate ? "recognised as a retry" : "WRITTEN",
      static_cast<unsigned long long>(retry.positions.front()),
      static_cast<unsigned long long>(log->Head()));

  std::vector<NewEvent> stale;
  stale.emplace_back(EventId::Random());
  stale.back().Mutable().getPayload().initWithdrawn().setReason("decided on an old view");
  auto refused = log->Append(stream, ExpectedVersion::Exactly(0), std::move(stale));
  std::printf("3. a write decided on version 0 of %s is refused:\n   %s\n\n", stream.c_str(),
              refused.status().ToString().c_str());

  std::vector<StreamAppend> both;
  both.push_back({"secondment-new", ExpectedVersion::NoStream(), {}});
  both.back().events.emplace_back(EventId::Random());
  both.push_back({stream, ExpectedVersion::NoStream(), {}});
  both.back().events.emplace_back(EventId::Random());
  auto atomic = log->Append(std::move(both));
  std::printf(
      "4. an append to two streams where one check fails writes neither:\n   %s; "
      "secondment-new exists: %s\n\n",
      atomic.status().ToString().c_str(),
      Checked(log->GetStreamState("secondment-new"), "state").has_value() ? "yes" : "no");

  auto start = std::chrono::steady_clock::now();
  ReplayResult replay = ReplayFull(*log, w);
  double replay_seconds = Seconds(start);
  // Four writers interleave streams differently from the workload's global order, so the peak
  // of simultaneous placements is not compared; every status and the final count are.
  std::string check = ReplayCheck(replay, w, /*in_global_order=*/false);
  std::printf("5. replayed all %llu events in %.3f s: %s\n   check against the workload: %s\n\n",
              static_cast<unsigned long long>(replay.events), replay_seconds,
              ReplayJson(replay).c_str(), check.empty() ? "as expected" : check.c_str());

  auto history = Checked(log->ReadStream(stream, 0, 1000), "history");
  std::printf("6. history of %s:\n", stream.c_str());
  for (const auto& e : history) {
    auto event = e.Get();
    std::printf("   #%-6llu v%u  recorded %s  effective %-10s  %-20s by %s  %s\n",
                static_cast<unsigned long long>(e.position()), event.getStreamVersion(),
                Timestamp(event.getRecordedAtMicros()).c_str(),
                DateText(event.getEffectiveDate()).c_str(),
                std::string(EventTypeName(event)).c_str(), event.getActor().getId().cStr(),
                Summary(event).c_str());
  }

  Position head = log->Head();
  log.reset();
  log = Checked(EventLog::Open(dir, Options{}), "reopening the ledger");
  std::printf("\n7. closed and reopened: head %llu (was %llu)\n",
              static_cast<unsigned long long>(log->Head()), static_cast<unsigned long long>(head));
  return 0;
}

}  // namespace secondment::bench

int main(int argc, char** argv) { return secondment::bench::Main(argc, argv); }
