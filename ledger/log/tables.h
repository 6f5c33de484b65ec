// Tables: key-value column families that read models (projections/) keep inside the ledger's
// database, next to the events, so that a projection's rows and its checkpoint are written in
// one atomic batch and each event is applied exactly once.
//
// A table is named in Options::tables when the ledger is opened (RocksDB opens every column
// family up front); its family is "table.<name>". Keys must not start with byte 0xFF (ClearTable
// relies on it). Table writes are not synced: a table can always be rebuilt from the log, and
// its checkpoint, written in the same batch, says how far it got.

#ifndef SECONDMENT_LEDGER_LOG_TABLES_H_
#define SECONDMENT_LEDGER_LOG_TABLES_H_

#include <string>
#include <string_view>
#include <vector>

#include "ledger/event/event.h"

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

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_TABLES_H_
