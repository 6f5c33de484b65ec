// Secondments: the write path of one secondment. It reads the secondment's stream once and folds
// it (ledger/lifecycle/lifecycle.h), decides the command on that state, evolves the state by the
// decided events, and appends them with the exact expected version, together with the
// employee's PeriodClaimed in the same atomic append when the command claims or extends a
// period (streams: ledger/lifecycle/streams.h). On a Conflict (someone wrote first) it reads,
// decides and appends again, up to kMaxAttempts times.
//
// Who may run a command is not decided here but by the application (service/ledger_service.h),
// which calls this.
//
// Thread-safe: the EventLog it borrows is, and it keeps no state of its own but counters.
// Several processes may each write through their own Secondments on one log: the expected
// versions keep them consistent.

#ifndef SECONDMENT_SERVICE_SECONDMENTS_H_
#define SECONDMENT_SERVICE_SECONDMENTS_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/clock.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/lifecycle/policy.h"
#include "ledger/lifecycle/streams.h"
#include "ledger/log/event_log.h"

namespace secondment {

inline constexpr int kMaxAttempts = 5;

// Whether deciding `command` needs the periods of the employee's other secondments: it claims
// a period or may move one (the no-overlap rule).
bool NeedsPeriods(const Command& command);
// The position a void names: the command's, or that of the void waiting for the approval
// `command` gives.
std::optional<Position> VoidPosition(const Secondment& state, const Command& command);

struct Outcome {
  std::string id;
  std::vector<Position> positions;  // of the events appended, in order
  Secondment state;                 // after them
  StreamVersion version = 0;        // of the secondment's last event
  Position last_position = 0;       // of the secondment's last event
  // A retry found what its first attempt appended (WriteOptions::event_id): `positions` holds
  // that event's position, `state` and `version` are the secondment as it is now.
  bool replayed = false;
};

// What a door may ask of one write beyond the command itself.
struct WriteOptions {
  // The id of the command's first event. When an event with this id is already stored (a
  // retry of a write whose answer was lost), nothing is decided or written: the outcome is
  // that event's, with `replayed`. RuleViolation when that event belongs to another secondment
  // or another actor.
  std::optional<EventId> event_id;
  // The version of the secondment's stream the caller last saw: Conflict "SEC-1 has changed
  // since version V (it is at W)" when it is at another, and nothing is written.
  std::optional<StreamVersion> expected_version;
};

// How many streams the write path has read: a command reads its secondment's stream once per
// attempt; one that claims a period also reads the employee's stream and the employee's other
// open secondments.
struct ReadCounts {
  uint64_t secondment_streams = 0;
  uint64_t employee_streams = 0;
};

class Secondments {
 public:
  // `log` and `clock` are borrowed and must outlive this object.
  Secondments(EventLog* log, Policy policy, const Clock* clock);

  // The secondment folded from its stream. InvalidArgument for a malformed id; NotFound
  // "no secondment ID".
  Result<Secondment> Load(std::string_view id);
  // The secondment folded, with the version of its last event (nullopt and an empty state
  // with this id when it has none). InvalidArgument for a malformed id.
  struct Loaded {
    Secondment state;
    std::optional<StreamVersion> version;  // nullopt: the stream does not exist
  };
  Result<Loaded> LoadStream(std::string_view id);
  // Its events in version order. Errors as Load.
  Result<std::vector<RecordedEvent>> History(std::string_view id);

  // Decides and appends `command` for secondment `id`, acting as `actor`. For a proposal
  // without an id, one is generated: "SEC-" and six or more digits, unique and increasing
  // but not consecutive. `authorize` (may be empty) is asked about the loaded state before the
  // command is decided; its refusal is returned as it is. Errors: those of Decide; NotFound for
  // an unknown id; Conflict when a proposal names an id that exists, or when the secondment
  // kept changing under us for kMaxAttempts tries; IOError, Corruption or Unavailable from the
  // log.
  Result<Outcome> Execute(std::optional<std::string> id, const Command& command, const Actor& actor,
                          const std::function<Status(const Secondment&)>& authorize = {},
                          const WriteOptions& options = {});

  const Policy& policy() const { return policy_; }
  ReadCounts reads() const;

 private:
  // The periods the other secondments of `employee_id` hold as of `today` (HeldPeriod), and
  // the version of the employee's stream.
  Status LoadEmployee(const std::string& employee_id, std::string_view except, CivilDate today,
                      std::vector<ClaimedPeriod>* periods, std::optional<StreamVersion>* version);
  // The event at `position`, as a void names it. NotFound past the head.
  Result<VoidTarget> LoadVoidTarget(Position position);
  // The outcome of a retry whose first event, at `position`, is stored; errors as Execute.
  Result<Outcome> Replayed(Position position, const std::optional<std::string>& id,
                           const Actor& actor);
  // A fresh generated id: above the log's head and above every id this object generated.
  std::string NextGeneratedId();

  EventLog* log_;
  const Policy policy_;
  const Clock* clock_;
  std::atomic<uint64_t> last_generated_{0};
  std::atomic<uint64_t> secondment_reads_{0};
  std::atomic<uint64_t> employee_reads_{0};
};

}  // namespace secondment

#endif  // SECONDMENT_SERVICE_SECONDMENTS_H_
