// LedgerService: opening, creating and restoring a ledger; commands; keeping the projections
// caught up. Queries are in queries.cc, audit and maintenance in audit.cc.

#include "service/ledger_service.h"

#include <fmt/format.h>
#include <spdlog/sinks/null_sink.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <thread>

#include "ledger/base/assert.h"
#include "ledger/log/maintenance.h"
#include "ledger/log/tables.h"

namespace secondment::service {
namespace {

// What a directory without a ledger is told, whatever command was asked of it.
Status NoLedger(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(dir, ec) && !fs::is_empty(dir, ec)) {
    return InvalidArgument(fmt::format(
        "no ledger at {}: it holds other files; create one in a new directory with secondment init",
        dir));
  }
  return InvalidArgument(fmt::format("no ledger at {}; create one with secondment init", dir));
}

Options LogOptions(const OpenOptions& options, const Clock* clock) {
  Options log;
  log.create_if_missing = false;
  log.durability = options.durability;
  log.clock = clock;
  log.logger = options.logger;
  log.block_cache_bytes = options.block_cache_bytes;
  log.tables = projections::ProjectionTables();
  return log;
}

Result<std::unique_ptr<EventLog>> OpenLogAt(const std::string& dir, const Options& options) {
  auto opened = EventLog::Open(dir, options);
  if (opened.status().code() == StatusCode::kNotFound) return NoLedger(dir);
  return opened;
}

// Another process (a command) holds the lock for a few tens of milliseconds: wait for it a
// little before reporting the ledger as locked.
Result<std::unique_ptr<EventLog>> OpenPatiently(const std::string& dir, const Options& options,
                                                std::chrono::milliseconds patience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    auto opened = OpenLogAt(dir, options);
    if (opened.status().code() != StatusCode::kUnavailable ||
        std::chrono::steady_clock::now() >= deadline) {
      return opened;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// True when some projection has not applied every event (a crash between an event's commit
// and its projection update leaves that).
Result<bool> ProjectionsLag(EventLog& log) {
  for (const auto& name : projections::ProjectionNames()) {
    ASSIGN_OR_RETURN(Position checkpoint, Tables(log).Checkpoint(name));
    if (checkpoint < log.Head()) return true;
  }
  return false;
}

}  // namespace

LedgerService::LedgerService(std::string dir, const OpenOptions& options)
    : dir_(std::move(dir)),
      clock_(options.clock ? options.clock : &system_clock_),
      logger_(options.logger ? options.logger
                             : std::make_shared<spdlog::logger>(
                                   "service", std::make_shared<spdlog::sinks::null_sink_mt>())),
      access_(options.access),
      consumers_(dir_) {}

LedgerService::~LedgerService() = default;

Result<std::string> LedgerService::Create(const std::string& dir, const OpenOptions& options) {
  SystemClock system_clock;
  Options log_options = LogOptions(options, options.clock ? options.clock : &system_clock);
  log_options.read_only = true;
  auto existing = EventLog::Open(dir, log_options);
  if (existing.ok()) {
    ASSIGN_OR_RETURN(std::string id, LogProofs(**existing).LedgerId());
    return Conflict(
        fmt::format("a ledger already exists at {} (ledger {}); nothing was changed", dir, id));
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  log_options.read_only = false;
  log_options.create_if_missing = true;
  ASSIGN_OR_RETURN(auto created, EventLog::Open(dir, log_options));
  return LogProofs(*created).LedgerId();
}

Result<std::unique_ptr<LedgerService>> LedgerService::Open(const std::string& dir,
                                                           const OpenOptions& options) {
  std::unique_ptr<LedgerService> service(new LedgerService(dir, options));
  RETURN_IF_ERROR(service->OpenLog(options));
  service->secondments_ =
      std::make_unique<Secondments>(service->log_.get(), options.policy, service->clock_);
  if (service->access_ == Access::kWrite) {
    MutexLock lock(&service->projector_mu_);
    service->projector_ = std::make_unique<projections::Projector>(service->log_.get());
  }
  // A writer repairs whatever lag a crash left before it serves anyone.
  if (service->access_ == Access::kWrite) RETURN_IF_ERROR(service->CatchUpTo(service->Head()));
  return service;
}

Status LedgerService::OpenLog(const OpenOptions& options) {
  Options log_options = LogOptions(options, clock_);
  switch (access_) {
    case Access::kWrite: {
      ASSIGN_OR_RETURN(log_, OpenPatiently(dir_, log_options, options.lock_patience));
      return Status::Ok();
    }
    case Access::kFollow: {
      log_options.read_only = true;
      log_options.follow_primary = true;
      log_options.tables.clear();
      ASSIGN_OR_RETURN(log_, OpenLogAt(dir_, log_options));
      return Status::Ok();
    }
    case Access::kRead:
      break;
  }
  // A secondary instance opens safely beside a writer in another process (a server), whose
  // files may change while it opens.
  log_options.read_only = true;
  log_options.follow_primary = true;
  ASSIGN_OR_RETURN(log_, OpenLogAt(dir_, log_options));
  if (!options.repair) return Status::Ok();
  ASSIGN_OR_RETURN(bool lag, ProjectionsLag(*log_));
  if (!lag) return Status::Ok();
  // Repair first, if no writer holds the ledger; a live writer repairs on its own.
  log_.reset();
  log_options.read_only = false;
  log_options.follow_primary = false;
  auto writable = OpenLogAt(dir_, log_options);
  if (writable.ok()) {
    {
      projections::Projector projector(writable->get());
      RETURN_IF_ERROR(projector.CatchUp().status());
    }
    // Repaired: give the lock back, and read beside any writer as a reader does.
    writable->reset();
    log_options.read_only = true;
    log_options.follow_primary = true;
    ASSIGN_OR_RETURN(log_, OpenLogAt(dir_, log_options));
    return Status::Ok();
  }
  // Held by a live writer (Unavailable), or not writable at all (IOError: a read-only file
  // system): read as it is.
  if (writable.status().code() != StatusCode::kUnavailable &&
      writable.status().code() != StatusCode::kIOError) {
    return writable.status();
  }
  log_options.read_only = true;
  log_options.follow_primary = true;
  ASSIGN_OR_RETURN(log_, OpenLogAt(dir_, log_options));
  return Status::Ok();
}

Result<VerifyReport> LedgerService::Restore(const std::string& backup_dir, const std::string& dir) {
  RETURN_IF_ERROR(RestoreLedger(backup_dir, dir));
  // Proven before it is used: every hash, chain and index of the restored ledger.
  Options options;
  options.read_only = true;
  options.create_if_missing = false;
  ASSIGN_OR_RETURN(auto log, OpenLogAt(dir, options));
  return VerifyLog(*log);
}

Status LedgerService::RequireWriter(std::string_view what) const {
  if (access_ == Access::kWrite) return Status::Ok();
  return Unavailable(fmt::format("{} needs the ledger at {} open for writing", what, dir_));
}

Mutex& LedgerService::StripeOf(const std::string& id) {
  return stripes_[std::hash<std::string>{}(id) % kStripes];
}

Result<Outcome> LedgerService::Execute(const Caller& caller, std::optional<std::string> id,
                                       const Command& command, const WriteOptions& options) {
  Operation operation = OperationOf(command);
  RETURN_IF_ERROR(MayPerform(caller, operation));
  std::optional<schema::Role> role = LifecycleRole(caller.role);
  LEDGER_ASSERT(role.has_value(), RoleName(caller.role));  // only lifecycle roles record steps
  RETURN_IF_ERROR(ValidateId(caller.id, "actor"));
  if (id) {
    RETURN_IF_ERROR(ValidateId(*id, "secondment"));
  } else if (!std::holds_alternative<ProposeCommand>(command)) {
    return InvalidArgument(
        fmt::format("a secondment id is required for {}", OperationName(operation)));
  }
  RETURN_IF_ERROR(RequireWriter(OperationName(operation)));
  Actor actor{caller.id, *role};
  auto authorize = [&](const Secondment& s) { return MayActOn(caller, operation, s); };
  auto run = [&] { return secondments_->Execute(id, command, actor, authorize, options); };
  Result<Outcome> outcome = Unavailable("not run");
  if (id) {
    MutexLock lock(&StripeOf(*id));
    outcome = run();
  } else {
    outcome = run();  // a generated id is new: nothing to serialise with
  }
  RETURN_IF_ERROR(outcome.status());
  // The events are durable: the command stands whatever follows. The read models follow before
  // it returns; should that fail, the next command (or the next open) repairs the lag.
  if (Status caught_up = CatchUpTo(outcome->positions.back()); !caught_up.ok()) {
    logger_->error("the projections of {} lag behind position {}: {}", dir_,
                   outcome->positions.back(), caught_up.ToString());
  }
  return outcome;
}

Status LedgerService::CatchUpTo(Position position) {
  if (projected_.load(std::memory_order_acquire) >= position) return Status::Ok();
  MutexLock lock(&projector_mu_);
  if (projected_.load(std::memory_order_acquire) >= position) return Status::Ok();
  if (!projector_) return RequireWriter("catching the projections up");
  Position head = log_->Head();
  RETURN_IF_ERROR(projector_->CatchUp().status());
  projected_.store(std::max(head, projected_.load(std::memory_order_relaxed)),
                   std::memory_order_release);
  return Status::Ok();
}

Position LedgerService::Head() const { return log_->Head(); }

CivilDate LedgerService::Today() const { return DateOfMicros(clock_->NowMicros()); }

Status LedgerService::CheckAt(std::optional<Position> at) const {
  if (at && *at > Head()) {
    return InvalidArgument(fmt::format("position {} is past the last position, {}", *at, Head()));
  }
  return Status::Ok();
}

}  // namespace secondment::service
