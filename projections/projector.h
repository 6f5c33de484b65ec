// Projections: read models folded from the log into the ledger's tables (ledger/log/tables.h).
//
//   status      one row per secondment (its folded state), and an index by state
//   placements  started secondments, indexed while active by host, home, employee, kind and
//               country; ended ones by every month their interval covers (as-of queries)
//   history     each secondment's event positions and each employee's timeline
//   alerts      active secondments by planned end (ending soon, overdue)
//
// The Projector catches every projection up from its checkpoint, in batches, each batch's rows
// and checkpoints in one atomic write: each event is applied exactly once, and a crash between
// an event's commit and its projection update is repaired by the next CatchUp. All projections
// fold with the write path's Evolve. Key layouts: projections/README.md.
//
// Not thread-safe; one Projector per process that writes (it needs the ledger open for
// writing).

#ifndef SECONDMENT_PROJECTIONS_PROJECTOR_H_
#define SECONDMENT_PROJECTIONS_PROJECTOR_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/lifecycle/streams.h"
#include "ledger/log/event_log.h"
#include "ledger/log/tables.h"
#include "projections/row.h"

namespace secondment::projections {

// What a rebuild from scratch knows once it has folded the whole log: every secondment's final
// state (by id, ascending), the positions of each one's events, and each employee's.
struct BulkInput {
  std::vector<const Folded*> by_id;
  std::vector<const std::vector<Position>*> positions;  // aligned with by_id
  // Employees in order, each with its events' positions (ascending) and their secondment.
  using Timeline = std::vector<std::pair<Position, std::string_view>>;
  std::vector<std::pair<std::string_view, const Timeline*>> employees;
};

// One read model: what it writes for each event and for each secondment a batch changed.
class Projection {
 public:
  virtual ~Projection() = default;
  virtual std::string_view name() const = 0;
  virtual std::vector<std::string> tables() const = 0;
  // Each event of a secondment stream, with the state after it.
  virtual void OnEvent(const EventView& event, const Folded& after, TableBatch& batch) {}
  // Once per batch for each secondment it touched: the state before the batch (status kNone
  // when new) and after it.
  virtual void OnChanged(const Folded& before, const Folded& after, TableBatch& batch) {}
  // The whole table for a rebuild from scratch, ingested into `log` (rows in key order,
  // identical to what the events applied one by one would leave).
  virtual Status Bulk(const BulkInput& input, EventLog& log) = 0;
};

// The names of every projection and of the tables to open for them.
std::vector<std::string> ProjectionNames();
std::vector<std::string> ProjectionTables();

// Events applied so far and in all, for progress reports.
using Progress = std::function<void(uint64_t done, uint64_t total)>;

class Projector {
 public:
  // `log` is borrowed; it must be open for writing with ProjectionTables().
  explicit Projector(EventLog* log);
  ~Projector();

  // Applies every event after each projection's checkpoint. Returns the events applied.
  Result<uint64_t> CatchUp(const Progress& progress = nullptr);
  // Drops projection `name` (every projection when nullopt) and replays it from the start:
  // the log is folded in memory once and each table is written in key order straight into
  // table files (no memtable). InvalidArgument for an unknown name.
  Result<uint64_t> Rebuild(std::optional<std::string> name, const Progress& progress = nullptr);

  static constexpr size_t kBatchEvents = 20000;

 private:
  struct Entry {
    Folded before;  // at the start of the batch
    Folded after;
    bool touched = false;
  };
  Result<Entry*> StateOf(std::string_view id, bool from_status_table);

  EventLog* log_;
  std::vector<std::unique_ptr<Projection>> projections_;
  std::unordered_map<std::string, Entry> cache_;
};

// SHA-256 (hex) over every row of every projection table, in table and key order: equal
// digests mean equal read models.
Result<std::string> TablesDigest(EventLog& log);

}  // namespace secondment::projections

#endif  // SECONDMENT_PROJECTIONS_PROJECTOR_H_
