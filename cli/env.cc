#include "cli/env.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/output.h"
#include "ledger/event/vocabulary.h"
#include "ledger/log/tables.h"
#include "projections/projector.h"
#include "projections/queries.h"

namespace secondment::cli {

int ExitCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 2;
    case StatusCode::kRuleViolation:
      return 3;
    case StatusCode::kConflict:
      return 4;
    case StatusCode::kNotFound:
      return 5;
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
      return 6;
    case StatusCode::kUnavailable:
      return 7;
  }
  return 6;
}

int Fail(const Status& status) {
  std::fprintf(Err(), "%s\n", Printable(status.message(), 400).c_str());
  return ExitCode(status.code());
}

Result<Policy> Env::LoadPolicy() const {
  if (!globals_.policy) return Policy::Default();
  return Policy::Load(*globals_.policy);
}

Result<Actor> Env::RequireActor(std::string_view command) const {
  if (!globals_.actor) return InvalidArgument(fmt::format("--actor is required for {}", command));
  if (!globals_.role) return InvalidArgument(fmt::format("--as is required for {}", command));
  Actor actor;
  actor.id = *globals_.actor;
  RETURN_IF_ERROR(ValidateId(actor.id, "actor"));
  ASSIGN_OR_RETURN(actor.role, ParseActingRole(*globals_.role, "--as"));
  return actor;
}

namespace {

// Another `secondment` command holds the lock for a few tens of milliseconds: wait for it a
// little before reporting the ledger as locked (exit 7).
constexpr auto kLockPatience = std::chrono::milliseconds(1000);

Result<std::unique_ptr<EventLog>> OpenPatiently(const std::string& dir, const Options& options) {
  auto deadline = std::chrono::steady_clock::now() + kLockPatience;
  for (;;) {
    auto opened = EventLog::Open(dir, options);
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

Result<Secondments*> Env::OpenForWrite(bool create) {
  if (attached_secondments_) return attached_secondments_;
  ASSIGN_OR_RETURN(Policy policy, LoadPolicy());
  Options options;
  options.clock = &clock_;
  options.tables = projections::ProjectionTables();
  options.create_if_missing = create;
  auto opened = OpenPatiently(globals_.data, options);
  if (opened.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no ledger at {}", globals_.data));
  }
  if (opened.status().code() == StatusCode::kUnavailable) {
    return Unavailable(fmt::format(
        "{}; if `secondment serve` holds it, send writes through it with --connect HOST:PORT "
        "--token T",
        opened.status().message()));
  }
  ASSIGN_OR_RETURN(log_, std::move(opened));
  RETURN_IF_ERROR(CatchUpProjections());
  secondments_ = std::make_unique<Secondments>(log_.get(), std::move(policy), &clock_);
  return secondments_.get();
}

Status Env::CatchUpProjections() {
  projections::Projector projector(log());
  return projector.CatchUp().status();
}

Result<EventLog*> Env::OpenForFollow() {
  if (attached_log_) return InvalidArgument("this command does not run through a server");
  Options options;
  options.read_only = true;
  options.follow_primary = true;
  options.clock = &clock_;
  options.block_cache_bytes = 64 << 20;
  auto opened = EventLog::Open(globals_.data, options);
  if (opened.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no ledger at {}", globals_.data));
  }
  ASSIGN_OR_RETURN(log_, std::move(opened));
  return log_.get();
}

Result<EventLog*> Env::OpenForRead(bool repair) {
  if (attached_log_) return attached_log_;
  Options options;
  options.read_only = true;
  // A secondary instance: it opens safely beside a writer in another process (a server),
  // whose files may change while it opens.
  options.follow_primary = true;
  options.clock = &clock_;
  options.tables = projections::ProjectionTables();
  options.block_cache_bytes = 64 << 20;
  auto opened = EventLog::Open(globals_.data, options);
  if (opened.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no ledger at {}", globals_.data));
  }
  ASSIGN_OR_RETURN(log_, std::move(opened));
  if (!repair) return log_.get();
  ASSIGN_OR_RETURN(bool lag, ProjectionsLag(*log_));
  if (!lag) return log_.get();
  // Repair first, if no writer holds the ledger; a live writer repairs on its own.
  log_.reset();
  options.read_only = false;
  options.create_if_missing = false;
  auto writable = EventLog::Open(globals_.data, options);
  if (writable.ok()) {
    log_ = std::move(writable).value();
    RETURN_IF_ERROR(CatchUpProjections());
    return log_.get();
  }
  // Held by a live writer (Unavailable), or not writable at all (IOError: a read-only file
  // system): read as it is.
  if (writable.status().code() != StatusCode::kUnavailable &&
      writable.status().code() != StatusCode::kIOError) {
    return writable.status();
  }
  options.read_only = true;
  ASSIGN_OR_RETURN(log_, EventLog::Open(globals_.data, options));
  return log_.get();
}

Result<std::optional<Position>> LedgerTime(const Args& args, EventLog& log) {
  if (args.Has("known-at") && args.Has("at-position")) {
    return InvalidArgument("give --known-at or --at-position, not both");
  }
  if (auto at = args.Get("known-at")) {
    ASSIGN_OR_RETURN(int64_t micros, ParseTimestamp(*at, "--known-at"));
    ASSIGN_OR_RETURN(Position position, projections::PositionAt(log, micros));
    return std::optional<Position>(position);
  }
  ASSIGN_OR_RETURN(auto position, args.Integer("at-position", 0, INT64_MAX));
  if (!position) return std::optional<Position>();
  if (static_cast<Position>(*position) > log.Head()) {
    return InvalidArgument(
        fmt::format("--at-position {} is past the last position, {}", *position, log.Head()));
  }
  return std::optional<Position>(static_cast<Position>(*position));
}

int ExecuteAndReport(Env& env, std::string_view name, std::optional<std::string> id,
                     const Command& command) {
  auto actor = env.RequireActor(name);
  if (!actor.ok()) return Fail(actor.status());
  if (id) {
    if (Status valid = ValidateId(*id, "secondment"); !valid.ok()) return Fail(valid);
  }
  auto secondments = env.OpenForWrite();
  if (!secondments.ok()) return Fail(secondments.status());
  auto outcome = (*secondments)->Execute(id, command, *actor);
  if (!outcome.ok()) return Fail(outcome.status());
  // The event is durable; the read models follow before the command returns. Should this
  // fail, the next command repairs the lag.
  if (Status caught_up = env.CatchUpProjections(); !caught_up.ok()) return Fail(caught_up);
  if (env.json()) {
    std::string positions;
    for (Position p : outcome->positions)
      positions += fmt::format("{}{}", positions.empty() ? "" : ",", p);
    std::fprintf(Out(), "{\"id\":%s,\"state\":%s,\"positions\":[%s]}\n",
                 JsonString(outcome->id).c_str(),
                 JsonString(StatusName(outcome->state.status)).c_str(), positions.c_str());
  } else if (std::holds_alternative<ProposeCommand>(command)) {
    std::fprintf(Out(), "%s\n", outcome->id.c_str());
  } else {
    std::fprintf(Out(), "%s %s: now %s\n", outcome->id.c_str(), std::string(name).c_str(),
                 std::string(StatusName(outcome->state.status)).c_str());
  }
  return 0;
}

}  // namespace secondment::cli
