#include "ledger/log/event_log.h"

#include "ledger/log/internal/core.h"

namespace secondment {

namespace internal {
LogCore& CoreOf(EventLog& log) { return *log.core_; }
}  // namespace internal

EventLog::EventLog(std::unique_ptr<LogStats> stats) : stats_(std::move(stats)) {}
EventLog::~EventLog() = default;

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir, const Options& options) {
  internal::CoreOptions core;
  core.create_if_missing = options.create_if_missing;
  core.read_only = options.read_only;
  core.follow_primary = options.follow_primary;
  core.sync = options.durability == Durability::kSync;
  core.clock = options.clock;
  core.logger = options.logger;
  core.block_cache_bytes = options.block_cache_bytes;
  core.tables = options.tables;
  std::unique_ptr<EventLog> log(new EventLog(std::make_unique<LogStats>()));
  core.stats = log->stats_.get();
  ASSIGN_OR_RETURN(log->core_, internal::LogCore::Open(dir, std::move(core)));
  return log;
}

Result<AppendResult> EventLog::Append(std::string_view stream, ExpectedVersion expected,
                                      std::vector<NewEvent> events) {
  std::vector<StreamAppend> appends;
  appends.push_back(StreamAppend{std::string(stream), expected, std::move(events)});
  return core_->Append(appends);
}

Result<AppendResult> EventLog::Append(std::vector<StreamAppend> appends) {
  return core_->Append(appends);
}

Result<AppendResult> EventLog::AppendAfter(Position head, std::vector<StreamAppend> appends) {
  return core_->Append(appends, head);
}

Result<std::vector<RecordedEvent>> EventLog::ReadStream(std::string_view stream, StreamVersion from,
                                                        size_t max, Reading reading) {
  return core_->ReadStream(stream, from, max, reading);
}

Result<std::vector<RecordedEvent>> EventLog::ReadAll(Position from, size_t max, Reading reading) {
  return core_->ReadAll(from, max, reading);
}

Status EventLog::Scan(Position from, Position to,
                      const std::function<Status(const EventView&)>& visit) {
  return core_->Scan(from, to, visit);
}

Position EventLog::Head() const { return core_->Head(); }

bool EventLog::WaitForHead(Position position, std::chrono::milliseconds max_wait) {
  return core_->WaitForHead(position, max_wait);
}

void EventLog::WakeWaiters() { core_->WakeWaiters(); }

Status EventLog::CatchUpWithPrimary() { return core_->CatchUpWithPrimary(); }

Result<std::optional<StreamState>> EventLog::GetStreamState(std::string_view stream) {
  ASSIGN_OR_RETURN(auto tip, core_->LastInStream(stream));
  if (!tip) return std::optional<StreamState>();
  return std::optional<StreamState>(StreamState{tip->version, tip->position});
}

Result<std::optional<Position>> EventLog::FindEvent(const EventId& id) {
  std::vector<std::optional<Position>> found;
  RETURN_IF_ERROR(core_->store().LookupEventIds({id}, &found));
  return found.front();
}

const LogStats& EventLog::stats() const { return *stats_; }

const std::string& EventLog::dir() const { return core_->dir(); }

}  // namespace secondment
