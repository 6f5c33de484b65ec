// RocksDB's configuration for a ledger: its column families, each tuned to how it is read,
// the database options, and how RocksDB's errors read.

#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_STORE_OPTIONS_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_STORE_OPTIONS_H_

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <spdlog/logger.h>

#include <memory>
#include <vector>

namespace secondment::internal {

inline constexpr char kEventsFamily[] = "events";
inline constexpr char kStreamsFamily[] = "streams";
inline constexpr char kEventIdsFamily[] = "event_ids";
inline constexpr char kMetaFamily[] = "meta";
inline constexpr char kMerkleFamily[] = "merkle";
// Projection table families are named "table.<table>".
inline constexpr char kTablePrefix[] = "table.";

// Projection tables: point reads by key and prefix scans.
rocksdb::ColumnFamilyOptions TableFamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache);
// The vault's (ledger/log/internal/vault.h): records kept whole, uncompressed.
rocksdb::ColumnFamilyOptions VaultFamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache);

// The log's own families, in order: events, streams, event ids, meta, merkle.
std::vector<rocksdb::ColumnFamilyDescriptor> FamilyDescriptors(
    const std::shared_ptr<rocksdb::Cache>& cache);

// The database options; RocksDB's diagnostic log goes to `logger` at debug level.
rocksdb::Options DatabaseOptions(bool create, spdlog::logger* logger);

// Whether opening failed because another process (or this one) holds the ledger's LOCK; not
// when the LOCK file cannot be opened at all (a read-only file system, say).
bool IsLockError(const rocksdb::Status& status);

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_STORE_OPTIONS_H_
