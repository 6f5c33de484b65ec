// Secondments: the write path of the lifecycle. It loads a secondment's stream, decides a
// command on it (ledger/lifecycle.h) and appends the events with the exact expected version,
// together with the employee's PeriodClaimed in the same atomic append when the command
// claims or extends a period. On a Conflict (someone wrote first) it loads and decides again,
// up to kMaxAttempts times.
//
// Streams: a secondment ID lives in `secondment-ID`, an employee E in `employee-E`.
//
// Not thread-safe by itself; the EventLog it borrows is. Several processes or threads may
// each use their own Secondments on one log: the expected versions keep them consistent.

#ifndef SECONDMENT_SERVICE_SECONDMENTS_H_
#define SECONDMENT_SERVICE_SECONDMENTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/clock.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/lifecycle/policy.h"
#include "ledger/log/event_log.h"

namespace secondment {

inline constexpr int kMaxAttempts = 5;

std::string SecondmentStream(std::string_view id);
std::string EmployeeStream(std::string_view employee_id);

struct Outcome {
  std::string id;
  std::vector<Position> positions;  // of the events appended, in order
  Secondment state;                 // after them
};

class Secondments {
 public:
  // `log` and `clock` are borrowed and must outlive this object.
  Secondments(EventLog* log, Policy policy, const Clock* clock);

  // The secondment folded from its stream. InvalidArgument for a malformed id; NotFound
  // "no secondment ID".
  Result<Secondment> Load(std::string_view id);
  // Its events in version order. Errors as Load.
  Result<std::vector<RecordedEvent>> History(std::string_view id);

  // Decides and appends `command` for secondment `id`, acting as `actor`. For a proposal
  // without an id, one is generated: "SEC-" and six or more digits, unique and increasing
  // but not consecutive. Errors: those of Decide; NotFound for an unknown id; Conflict when
  // a proposal names an id that exists, or when the secondment kept changing under us for
  // kMaxAttempts tries; IOError, Corruption or Unavailable from the log.
  Result<Outcome> Execute(std::optional<std::string> id, const Command& command,
                          const Actor& actor);

  const Policy& policy() const { return policy_; }

 private:
  struct Loaded {
    Secondment state;
    std::optional<StreamVersion> version;  // nullopt: the stream does not exist
  };
  Result<Loaded> LoadStream(std::string_view id);
  // The other open secondments of `employee_id` and the version of its stream.
  Status LoadEmployee(const std::string& employee_id, std::string_view except,
                      std::vector<ClaimedPeriod>* periods, std::optional<StreamVersion>* version);

  EventLog* log_;
  Policy policy_;
  const Clock* clock_;
};

}  // namespace secondment

#endif  // SECONDMENT_SERVICE_SECONDMENTS_H_
