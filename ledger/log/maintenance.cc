#include "ledger/log/maintenance.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "ledger/log/internal/core.h"

namespace secondment {

Status BackupLedger(EventLog& log, const std::string& backup_dir) {
  internal::LogCore& core = internal::CoreOf(log);
  RETURN_IF_ERROR(core.RequireWritable("a backup"));
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(backup_dir, ec) && !fs::is_directory(backup_dir, ec)) {
    return InvalidArgument(fmt::format("{} is not a directory", backup_dir));
  }
  if (fs::exists(backup_dir, ec) && !fs::is_empty(backup_dir, ec) &&
      !fs::exists(fs::path(backup_dir) / "meta", ec)) {
    return InvalidArgument(fmt::format(
        "{} is a non-empty directory that holds no ledger backup; choose a new one", backup_dir));
  }
  RETURN_IF_ERROR(core.store().Backup(backup_dir));
  // Consumer positions live beside the database: they go in with it.
  fs::path consumers = fs::path(core.dir()) / "consumers";
  if (fs::exists(consumers, ec)) {
    fs::path target = fs::path(backup_dir) / "consumers";
    fs::remove_all(target, ec);
    fs::copy(consumers, target, fs::copy_options::recursive, ec);
    if (ec) return IOError(fmt::format("copying consumer positions: {}", ec.message()));
  }
  return Status::Ok();
}

Status RestoreLedger(const std::string& backup_dir, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(backup_dir) / "meta", ec)) {
    return NotFound(fmt::format("{} holds no ledger backup", backup_dir));
  }
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    return InvalidArgument(
        fmt::format("{} already exists and is not empty: restoring over a ledger is refused", dir));
  }
  RETURN_IF_ERROR(internal::Store::Restore(backup_dir, dir));
  fs::path consumers = fs::path(backup_dir) / "consumers";
  if (fs::exists(consumers, ec)) {
    fs::copy(consumers, fs::path(dir) / "consumers", fs::copy_options::recursive, ec);
    if (ec) return IOError(fmt::format("restoring consumer positions: {}", ec.message()));
  }
  return Status::Ok();
}

Status FlushLedger(EventLog& log) { return internal::CoreOf(log).store().Flush(); }

Status SettleLedger(EventLog& log) { return internal::CoreOf(log).store().Settle(); }

Status CompactLedger(EventLog& log) { return internal::CoreOf(log).store().CompactAll(); }

}  // namespace secondment
