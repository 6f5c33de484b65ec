// ImportPlan: the events of an import, decided line by line against the ledger as it stands
// plus the lines before (service/import.h). Nothing is written here: the plan is appended whole
// by LedgerService::Import.

#ifndef SECONDMENT_SERVICE_IMPORT_PLAN_H_
#define SECONDMENT_SERVICE_IMPORT_PLAN_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "ledger/base/json_input.h"
#include "ledger/event/append.h"
#include "ledger/event/event_id.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/log/event_log.h"
#include "service/secondments.h"

namespace secondment::service {

// One command of an import: a JSON line, or one of the steps a CSV row becomes.
struct ImportCommand {
  std::string key;  // the import key; the first event's id is ImportEventId(key)
  std::string secondment;
  Actor actor;
  Command command;
  // An exported event read back: its id (kept as the first event's id instead), and its
  // position in the ledger it came from (a later void names it so).
  std::optional<EventId> event_id = std::nullopt;
  Position was_at = 0;
};

// The id of the first event of the command with import key `key`.
EventId ImportEventId(std::string_view key);

// The policy that steps recorded elsewhere (a CSV row, another ledger's events) are decided
// under: `policy` without the rules about people acting in this ledger, which held where they
// were recorded: the four-eyes rule and the feedback a conversion waits for.
Policy RecordedElsewhere(const Policy& policy);

// An event as `export log` writes it, as the command that recorded it; nullopt for an event
// the ledger derives itself (a period claim, a step a completing approval appends), which the
// commands before it make again. InvalidArgument naming what is wrong.
Result<std::optional<ImportCommand>> ParseEventLine(const JsonObject& object);

class ImportPlan {
 public:
  // `log` and `secondments` (its write path, which folds a secondment's stream) are borrowed;
  // the plan builds on the log as it stands at `head`, dated `today`. `source` names the file
  // in each event's source ("FILE:LINE").
  ImportPlan(EventLog* log, Secondments* secondments, Position head, CivilDate today,
             std::string source);

  // Decides `command` of line `line` under `policy` and adds its events; or refuses it and
  // leaves the plan as it was. OK with `*already` set when an earlier import recorded it
  // (the key's event is stored for this secondment). Errors: those of Decide; NotFound for an
  // unknown secondment; Conflict for a proposal of one that exists; InvalidArgument for a key
  // used twice in the file; RuleViolation for a key an earlier import used on another
  // secondment; IOError or Corruption from the log.
  Status Add(uint64_t line, const ImportCommand& command, const Policy& policy, bool* already);

  uint64_t events() const { return events_; }
  // The appends, in line order; the plan is empty after.
  // The appends, the employees' claims named by their subjects (made when new).
  Result<std::vector<StreamAppend>> TakeAppends();

 private:
  struct Stream {
    Secondment state;                      // for a secondment's stream
    std::optional<StreamVersion> version;  // of its last event, planned included
    bool loaded_claims = false;            // for an employee's stream: `claims` read
    std::set<std::string> claims;          // the secondments it has claimed periods for
  };
  Result<Stream*> SecondmentOf(const std::string& id);
  Result<Stream*> EmployeeOf(const std::string& id);
  Result<std::vector<ClaimedPeriod>> OtherPeriods(Stream& employee, const std::string& except);
  Result<VoidTarget> VoidTargetAt(Position position);

  EventLog* log_;
  Secondments* write_path_;
  const Position head_;
  const CivilDate today_;
  const std::string source_;
  Position next_;
  uint64_t events_ = 0;
  std::unordered_map<std::string, Stream> secondments_;
  std::unordered_map<std::string, Stream> employees_;
  std::unordered_map<EventId, uint64_t, EventIdHash> lines_of_ids_;  // planned ids -> line
  std::unordered_map<Position, VoidTarget> planned_targets_;  // planned steps a void may name
  std::unordered_map<Position, Position> moved_;  // exported events: where they were -> are
  std::vector<StreamAppend> appends_;
};

// Reads a CSV import (docs/import.md, "CSV"): each row becomes the steps that lead to its
// state (dated no later than `today` when the row gives no date), handed to `add` with the policy
// they are decided under; a row that cannot be read goes to `malformed`. Returns only what stops
// the whole import (an error from `add`, or the input unreadable).
Status ReadCsvImport(
    std::istream& in, const std::string& name, const Policy& policy, CivilDate today,
    const std::function<void(uint64_t line, Status status)>& malformed,
    const std::function<Status(uint64_t line, const std::vector<ImportCommand>& commands,
                               const Policy& policy)>& add);

}  // namespace secondment::service

#endif  // SECONDMENT_SERVICE_IMPORT_PLAN_H_
