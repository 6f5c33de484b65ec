// The benchmark workload of ../shared/WORKLOAD.md (v1): a deterministic set of secondment
// streams and their global interleaving, checked against the document's SHA-256 digests.

#ifndef SECONDMENT_BENCH_WORKLOAD_H_
#define SECONDMENT_BENCH_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/event/event.h"

namespace secondment::workload {

inline constexpr uint64_t kSeed = 20240601;
inline constexpr uint32_t kDefaultStreams = 100000;
inline constexpr int64_t kT0Millis = 1704067200000;  // 2024-01-01T00:00:00Z
inline constexpr int64_t kStepMillis = 60000;

// SplitMix64, as WORKLOAD.md section 2.1 defines it.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t state) : state_(state) {}
  uint64_t Next();
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

enum class EventType {
  kProposed,
  kApprovedByHome,
  kApprovedByHost,
  kStarted,
  kHandoverRecorded,
  kFeedbackRecorded,
  kExtended,
  kReturned,
  kConvertedToPermanent,
};

// "SecondmentProposed", "FeedbackRecorded", ...
const char* TypeName(EventType type);

// The parameters of one stream (section 2.2, draws 1..13).
struct Secondment {
  uint32_t n = 0;
  int feedback_rounds = 0;
  bool extended = false;
  bool converted = false;
  uint32_t employee = 0, home_org = 0, host_org = 0, home_dept = 0, host_dept = 0;
  uint32_t home_mgr = 0, host_mgr = 0;
  int start = 0, end = 0, ext = 0;  // days after 2024-01-01
  int FinalEnd() const { return extended ? end + ext : end; }
};

struct Event {
  uint32_t stream = 0;  // n of secondment-<n>
  uint32_t version = 0;
  EventType type = EventType::kProposed;
  int round = 0;  // 1..k for FeedbackRecorded
  uint64_t id_hi = 0, id_lo = 0;
  uint32_t actor = 0;
  uint32_t extra = 0;
  std::string text;
};

class Workload {
 public:
  // The workload with `streams` secondments; `max_events` keeps only that prefix of the
  // global order (0 keeps all).
  static Workload Generate(uint32_t streams, uint64_t max_events = 0);

  uint32_t stream_count() const { return static_cast<uint32_t>(secondments_.size()); }
  // In global order; index i has recorded-at T0 + i minutes.
  const std::vector<Event>& events() const { return events_; }
  const Secondment& secondment(uint32_t n) const { return secondments_[n]; }

  std::string StreamId(const Event& e) const;
  std::string EventIdText(const Event& e) const;
  // The compact JSON payload of section 2.3.
  std::string PayloadJson(const Event& e) const;
  // SHA-256 (hex) of the canonical dump of section 3.
  std::string DumpDigest() const;
  // The phase-C stream numbers: `count` draws of below(S) from the phase-C generator.
  std::vector<uint32_t> PhaseCStreams(size_t count) const;

  // The same event in the ledger's schema (WORKLOAD.md section 6; mapping in BENCHMARKS.md).
  // `sealed`: marked as about its secondee, as the service marks it, so that the log seals its
  // personal fields under that person's key (docs/privacy.md); otherwise stored in clear.
  NewEvent ToLedgerEvent(const Event& e, bool sealed = false) const;

 private:
  std::vector<Secondment> secondments_;
  std::vector<Event> events_;
};

// day(d): the ISO date d days after 2024-01-01.
std::string Day(int d);

}  // namespace secondment::workload

#endif  // SECONDMENT_BENCH_WORKLOAD_H_
