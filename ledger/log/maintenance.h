// Keeping a ledger: backups, restores, and quieting or compacting its store. Free functions
// over an open EventLog, as LevelDB keeps repair and destroy beside its DB (docs/operations.md).

#ifndef SECONDMENT_LEDGER_LOG_MAINTENANCE_H_
#define SECONDMENT_LEDGER_LOG_MAINTENANCE_H_

#include <string>

#include "ledger/base/status.h"
#include "ledger/log/event_log.h"

namespace secondment {

// Adds a consistent point-in-time copy of the whole ledger (events, indexes, tree,
// checkpoints, projections, and the named consumers' positions) to `backup_dir`, created when
// missing; safe while appends run. InvalidArgument when `backup_dir` is a file or a non-empty
// directory that holds no backup; IOError when a file cannot be written; Unavailable when the
// log is open read-only.
Status BackupLedger(EventLog& log, const std::string& backup_dir);

// Restores the latest backup in `backup_dir` as a new ledger in `dir`, which must not exist
// or be empty (InvalidArgument: restoring over a ledger is refused). NotFound when
// `backup_dir` holds no backup.
Status RestoreLedger(const std::string& backup_dir, const std::string& dir);

// Writes what is in memory out to table files, so that a process opening the ledger next (a
// read-only view) need not replay a long write-ahead log: after a large import.
Status FlushLedger(EventLog& log);

// Flushes memtables and waits for background compaction to finish (a quiet store).
Status SettleLedger(EventLog& log);

// Compacts every column family to its last level (for measuring bytes on disk).
Status CompactLedger(EventLog& log);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_MAINTENANCE_H_
