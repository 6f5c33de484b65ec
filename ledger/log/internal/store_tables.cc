// The Store's projection tables (ledger/log/tables.h): rows, checkpoints, clearing and bulk
// ingestion.

#include <fmt/format.h>
#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <filesystem>

#include "ledger/log/internal/keys.h"
#include "ledger/log/internal/store.h"

namespace secondment::internal {
namespace {

constexpr char kCheckpointPrefix[] = "checkpoint.";

}  // namespace

Status Store::WriteTables(const std::vector<TableWrite>& writes) {
  if (read_only_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
  rocksdb::WriteBatch write;
  for (const TableWrite& op : writes) {
    rocksdb::ColumnFamilyHandle* family = meta_;
    if (op.kind != TableWrite::kCheckpoint) {
      auto it = tables_.find(op.table);
      if (it == tables_.end()) return InvalidArgument(fmt::format("no table {}", op.table));
      family = it->second;
    }
    switch (op.kind) {
      case TableWrite::kPut:
        write.Put(family, op.key, op.value).PermitUncheckedError();
        break;
      case TableWrite::kDelete:
        write.Delete(family, op.key).PermitUncheckedError();
        break;
      case TableWrite::kCheckpoint:
        write.Put(meta_, std::string(kCheckpointPrefix) + std::string(op.table), op.value)
            .PermitUncheckedError();
        break;
    }
  }
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &write), "updating projections");
}

Result<std::optional<std::string>> Store::GetRow(std::string_view table, std::string_view key) {
  auto it = tables_.find(table);
  if (it == tables_.end()) return std::optional<std::string>();
  std::string value;
  auto s =
      db_->Get(rocksdb::ReadOptions(), it->second, rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocks(s, fmt::format("reading table {}", table)));
  return std::optional<std::string>(std::move(value));
}

Status Store::ScanRows(std::string_view table, std::string_view from, std::string_view to,
                       const std::function<bool(std::string_view, std::string_view)>& visit) {
  auto it = tables_.find(table);
  if (it == tables_.end()) return Status::Ok();
  rocksdb::ReadOptions read;
  rocksdb::Slice upper(to.data(), to.size());
  if (!to.empty()) read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> iter(db_->NewIterator(read, it->second));
  for (iter->Seek(rocksdb::Slice(from.data(), from.size())); iter->Valid(); iter->Next()) {
    if (!visit(View(iter->key()), View(iter->value()))) break;
  }
  return FromRocks(iter->status(), fmt::format("reading table {}", table));
}

// Drops the table's family and creates it anew: its files go at once, with no tombstones
// for compaction to work through.
Status Store::ClearTable(std::string_view table) {
  auto it = tables_.find(table);
  if (it == tables_.end()) return Status::Ok();
  if (read_only_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
  rocksdb::ColumnFamilyHandle* old = it->second;
  rocksdb::ColumnFamilyDescriptor descriptor;
  RETURN_IF_ERROR(
      FromRocks(old->GetDescriptor(&descriptor), fmt::format("clearing table {}", table)));
  RETURN_IF_ERROR(FromRocks(db_->DropColumnFamily(old), fmt::format("clearing table {}", table)));
  rocksdb::ColumnFamilyHandle* fresh = nullptr;
  RETURN_IF_ERROR(FromRocks(db_->CreateColumnFamily(descriptor.options, descriptor.name, &fresh),
                            fmt::format("clearing table {}", table)));
  std::replace(handles_.begin(), handles_.end(), old, fresh);
  it->second = fresh;
  return FromRocks(db_->DestroyColumnFamilyHandle(old), fmt::format("clearing table {}", table));
}

Status Store::IngestTable(std::string_view table,
                          const std::function<bool(std::string*, std::string*)>& next) {
  auto it = tables_.find(table);
  if (it == tables_.end()) return InvalidArgument(fmt::format("no table {}", table));
  if (read_only_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
  rocksdb::Options options = db_->GetOptions(it->second);
  options.compression = rocksdb::kNoCompression;  // compaction compresses later; this is fast
  std::string path = fmt::format("{}/ingest-{}-{}.sst", dir_, table, EventId::Random().ToString());
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, it->second);
  RETURN_IF_ERROR(FromRocks(writer.Open(path), fmt::format("rebuilding table {}", table)));
  std::string key, value;
  uint64_t rows = 0;
  while (next(&key, &value)) {
    auto s = writer.Put(key, value);
    if (!s.ok()) {
      std::filesystem::remove(path);
      return FromRocks(s, fmt::format("rebuilding table {}", table));
    }
    ++rows;
  }
  if (rows == 0) {
    writer.Finish().PermitUncheckedError();  // an empty file cannot be finished or ingested
    std::filesystem::remove(path);
    return Status::Ok();
  }
  RETURN_IF_ERROR(FromRocks(writer.Finish(), fmt::format("rebuilding table {}", table)));
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;
  auto s = db_->IngestExternalFile(it->second, {path}, ingest);
  if (!s.ok()) std::filesystem::remove(path);
  return FromRocks(s, fmt::format("rebuilding table {}", table));
}

Result<Position> Store::GetCheckpoint(std::string_view projection) {
  std::string value;
  auto s =
      db_->Get(rocksdb::ReadOptions(), meta_, kCheckpointPrefix + std::string(projection), &value);
  if (s.IsNotFound()) return Position{0};
  RETURN_IF_ERROR(FromRocks(s, fmt::format("reading the checkpoint of {}", projection)));
  if (value.size() != 8) {
    return Corruption(
        fmt::format("checkpoint of {} is {} bytes, expected 8", projection, value.size()));
  }
  return GetBigEndian(value);
}

}  // namespace secondment::internal
