#include "ledger/log/tables.h"

#include "ledger/log/internal/core.h"
#include "ledger/log/internal/keys.h"

namespace secondment {

void TableBatch::Put(std::string_view table, std::string_view key, std::string_view value) {
  ops_.push_back({Op::kPut, std::string(table), std::string(key), std::string(value)});
}

void TableBatch::Delete(std::string_view table, std::string_view key) {
  ops_.push_back({Op::kDelete, std::string(table), std::string(key), {}});
}

void TableBatch::SetCheckpoint(std::string_view name, Position position) {
  ops_.push_back({Op::kCheckpoint, std::string(name), {}, internal::EventKey(position)});
}

Status Tables::Write(const TableBatch& batch) {
  std::vector<internal::Store::TableWrite> writes;
  writes.reserve(batch.size());
  for (const TableBatch::Op& op : batch.ops()) {
    auto kind = op.kind == TableBatch::Op::kPut      ? internal::Store::TableWrite::kPut
                : op.kind == TableBatch::Op::kDelete ? internal::Store::TableWrite::kDelete
                                                     : internal::Store::TableWrite::kCheckpoint;
    writes.push_back({kind, op.table, op.key, op.value});
  }
  return internal::CoreOf(*log_).store().WriteTables(writes);
}

Result<std::optional<std::string>> Tables::Get(std::string_view table, std::string_view key) {
  return internal::CoreOf(*log_).store().GetRow(table, key);
}

Status Tables::Scan(std::string_view table, std::string_view from, std::string_view to,
                    const std::function<bool(std::string_view, std::string_view)>& visit) {
  return internal::CoreOf(*log_).store().ScanRows(table, from, to, visit);
}

Status Tables::Clear(std::string_view table) {
  return internal::CoreOf(*log_).store().ClearTable(table);
}

Status Tables::Ingest(std::string_view table,
                      const std::function<bool(std::string*, std::string*)>& next) {
  return internal::CoreOf(*log_).store().IngestTable(table, next);
}

Result<Position> Tables::Checkpoint(std::string_view name) {
  return internal::CoreOf(*log_).store().GetCheckpoint(name);
}

}  // namespace secondment
