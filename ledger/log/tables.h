// Tables: key-value column families that read models (projections/) keep inside the ledger's
// database, next to the events, so that a projection's rows and its checkpoint are written in
// one atomic batch and each event is applied exactly once.
//
//
//   Tables tables(log);
//   TableBatch batch;
//   batch.Put("status", key, row);
//   batch.SetCheckpoint("status", 42);
//   RETURN_IF_ERROR(tables.Write(batch));
//
// A table is named in Options::tables when the ledger is opened (RocksDB opens every column
// family up front); its family is "table.<name>". Keys must not start with byte 0xFF (ClearTable
// relies on it). Table writes are not synced: a table can always be rebuilt from the log, and
// its checkpoint, written in the same batch, says how far it got.

#ifndef SECONDMENT_LEDGER_LOG_TABLES_H_
#define SECONDMENT_LEDGER_LOG_TABLES_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/event/event.h"
#include "ledger/log/event_log.h"

namespace secondment {

// Writes to tables and projection checkpoints, applied atomically by EventLog::WriteTables.
// A value; not thread-safe.
class TableBatch {
 public:
  void Put(std::string_view table, std::string_view key, std::string_view value);
  void Delete(std::string_view table, std::string_view key);
  // Records that projection `name` has applied every event up to `position`.
  void SetCheckpoint(std::string_view name, Position position);

  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }

  struct Op {
    enum Kind { kPut, kDelete, kCheckpoint } kind;
    std::string table, key, value;
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

// The tables of an open EventLog. Borrows the log, which must outlive it; cheap to make.
// Thread-safe: reads see committed rows; Write is atomic.
class Tables {
 public:
  explicit Tables(EventLog& log) : log_(&log) {}

  // Applies `batch` atomically (not synced). Unavailable when the log is read-only;
  // InvalidArgument for a table not in Options::tables.
  Status Write(const TableBatch& batch);
  // The row under `key`, or nullopt. A table that was not opened finds nothing.
  Result<std::optional<std::string>> Get(std::string_view table, std::string_view key);
  // Rows with from <= key < to (to empty: to the end), in key order, until `visit` returns
  // false.
  Status Scan(std::string_view table, std::string_view from, std::string_view to,
              const std::function<bool(std::string_view key, std::string_view value)>& visit);
  // Deletes every row of `table` (for rebuilds). Unavailable when read-only.
  Status Clear(std::string_view table);
  // Adds rows given by `next` in strictly ascending key order (a bug otherwise: IOError),
  // written straight into table files and ingested: the fast path for refilling a cleared
  // table. `next` returns false when there are no more rows.
  Status Ingest(std::string_view table,
                const std::function<bool(std::string* key, std::string* value)>& next);
  // The last position projection `name` has applied (0: none).
  Result<Position> Checkpoint(std::string_view name);

 private:
  EventLog* log_;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_TABLES_H_
