#include "ledger/log/internal/core.h"

#include <fmt/format.h>
#include <spdlog/sinks/null_sink.h>

#include <algorithm>
#include <thread>
#include <unordered_set>

namespace secondment::internal {

LogCore::LogCore(std::string dir, CoreOptions options)
    : dir_(std::move(dir)), options_(std::move(options)) {}

Result<std::unique_ptr<LogCore>> LogCore::Open(const std::string& dir, CoreOptions options) {
  std::unique_ptr<LogCore> core(new LogCore(dir, std::move(options)));
  RETURN_IF_ERROR(core->Open());
  return core;
}

Status LogCore::Open() {
  if (!options_.logger) {
    options_.logger =
        std::make_shared<spdlog::logger>("ledger", std::make_shared<spdlog::sinks::null_sink_mt>());
  }
  clock_ = options_.clock ? options_.clock : &system_clock_;
  StoreOptions store_options;
  store_options.read_only = options_.read_only;
  store_options.follow_primary = options_.read_only && options_.follow_primary;
  store_options.create_if_missing = options_.create_if_missing;
  store_options.block_cache_bytes = options_.block_cache_bytes;
  store_options.tables = options_.tables;
  store_options.logger = options_.logger.get();
  if (!options_.read_only) store_options.tables.push_back(kVaultTable);
  ASSIGN_OR_RETURN(store_, Store::Open(dir_, store_options));
  vault_ = std::make_unique<Vault>(store_.get(), options_.read_only);
  RETURN_IF_ERROR(vault_->Load());

  ASSIGN_OR_RETURN(Position head, store_->LastPosition());
  int64_t last_recorded_at = 0;
  // A writer continues the recorded-at clock from the last event, so it must decode; a
  // read-only open stays possible on a damaged tail, for diagnosis.
  if (head > 0 && !options_.read_only) {
    RETURN_IF_ERROR(store_->GetEvents({head}, [&](Position position, std::string_view bytes) {
      ASSIGN_OR_RETURN(RecordedEvent last, RecordedEvent::Decode(position, bytes));
      last_recorded_at = last.Get().getRecordedAtMicros();
      return Status::Ok();
    }));
  }
  read_only_head_ = head;
  if (!options_.read_only) {
    WriterOptions writer_options;
    writer_options.sync = options_.sync;
    writer_options.clock = clock_;
    writer_options.logger = options_.logger.get();
    writer_options.on_commit = [this] { NotifyHead(); };
    writer_options.stats = options_.stats;
    ASSIGN_OR_RETURN(MerkleFrontier tree, MerkleFrontier::Load(head, Tree()));
    writer_ =
        std::make_unique<Writer>(store_.get(), writer_options, std::move(tree), last_recorded_at);
  }
  options_.logger->info("opened ledger at {} (head {}, {})", dir_, head,
                        options_.read_only ? "read-only"
                        : options_.sync    ? "durable appends"
                                           : "NO-SYNC appends: bulk import only");
  return Status::Ok();
}

LogCore::~LogCore() {
  writer_.reset();  // commits what is queued before the store closes
  if (store_) options_.logger->info("closed ledger at {}", dir_);
}

Status LogCore::RequireWritable(std::string_view what) const {
  if (writer_) return Status::Ok();
  return Unavailable(fmt::format("{} needs the ledger at {} open for writing", what, dir_));
}

Result<AppendResult> LogCore::Append(std::vector<StreamAppend>& appends,
                                     std::optional<Position> head) {
  if (!writer_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
  if (appends.empty()) return InvalidArgument("an append needs at least one stream");
  size_t total = 0;
  std::unordered_set<EventId, EventIdHash> ids;
  VaultRecords vault_records;               // of subjects whose records are not durable yet
  std::unordered_set<std::string> carried;  // their keys
  std::vector<std::string> new_subjects;
  for (StreamAppend& append : appends) {
    RETURN_IF_ERROR(ValidateStreamId(append.stream));
    if (append.events.empty()) {
      return InvalidArgument(fmt::format("the append to stream {} has no events", append.stream));
    }
    total += append.events.size();
    if (!head && total > kMaxEventsPerAppend) {
      return InvalidArgument(fmt::format("an append holds at most {} events", kMaxEventsPerAppend));
    }
    for (NewEvent& event : append.events) {
      if (event.id().IsNil()) return InvalidArgument("event id is nil (all zero)");
      if (!ids.insert(event.id()).second) {
        return InvalidArgument(
            fmt::format("event id {} appears twice in one append", event.id().ToString()));
      }
      auto builder = event.Mutable();
      builder.setStreamId(append.stream);
      const auto& id = event.id().bytes();
      builder.setEventId(kj::arrayPtr(id.data(), id.size()));
      if (!event.subject().empty()) {
        VaultRecords records;
        ASSIGN_OR_RETURN(VaultSubject subject, vault_->FindOrCreate(event.subject(), &records));
        if (!records.empty()) new_subjects.push_back(subject.pseudonym);
        for (auto& record : records) {  // once per append, however many events name them
          if (carried.insert(record.first).second) vault_records.push_back(std::move(record));
        }
        RETURN_IF_ERROR(Seal(builder, subject.pseudonym, subject.key, event.subject(),
                             SealOptions{event.seal_managers()}));
      }
    }
  }
  Result<AppendResult> result =
      writer_->Submit(appends, total, head, vault_records.empty() ? nullptr : &vault_records);
  if (result.ok() && !new_subjects.empty()) vault_->Persisted(new_subjects);
  return result;
}

// A follower (a secondary instance) can catch up with the primary's list of files before
// every file it names is in view, when the primary flushes and closes meanwhile; a read then
// finds an event missing. What is committed never changes, so a follower catches up and
// reads again, for up to a second, before it reports Corruption.
template <typename Read>
auto LogCore::FollowerRead(const Read& read) -> decltype(read()) {
  constexpr int kRetries = 50;
  constexpr auto kWait = std::chrono::milliseconds(20);
  auto result = read();
  for (int i = 0; i < kRetries && !result.ok() && writer_ == nullptr && options_.follow_primary &&
                  result.status().code() == StatusCode::kCorruption;
       ++i) {
    std::this_thread::sleep_for(kWait);
    if (!CatchUpWithPrimary().ok()) break;
    result = read();
  }
  return result;
}

Result<std::vector<RecordedEvent>> LogCore::ReadStream(std::string_view stream, StreamVersion from,
                                                       size_t max, Reading reading) {
  return FollowerRead([&] { return ReadStreamOnce(stream, from, max, reading); });
}

Result<std::vector<RecordedEvent>> LogCore::ReadAll(Position from, size_t max, Reading reading) {
  return FollowerRead([&] { return ReadAllOnce(from, max, reading); });
}

Result<RecordedEvent> LogCore::OpenRecorded(RecordedEvent stored) {
  ASSIGN_OR_RETURN(std::optional<kj::Array<capnp::word>> opened, vault_->Open(stored.Get()));
  if (!opened) return stored;
  return RecordedEvent::Adopt(stored.position(), kj::mv(*opened));
}

Result<std::vector<RecordedEvent>> LogCore::ReadStreamOnce(std::string_view stream,
                                                           StreamVersion from, size_t max,
                                                           Reading reading) {
  RETURN_IF_ERROR(ValidateStreamId(stream));
  std::vector<Position> positions;
  RETURN_IF_ERROR(store_->StreamPositions(stream, from, max, &positions));
  Position head = Head();
  while (!positions.empty() && positions.back() > head) positions.pop_back();
  if (positions.empty()) {
    ASSIGN_OR_RETURN(auto tip, store_->LastInStream(stream));
    if (!tip || tip->position > head) {
      return NotFound(fmt::format("stream {} has no events", stream));
    }
    return std::vector<RecordedEvent>();
  }
  std::vector<RecordedEvent> events;
  events.reserve(positions.size());
  RETURN_IF_ERROR(store_->GetEvents(positions, [&](Position position, std::string_view bytes) {
    ASSIGN_OR_RETURN(RecordedEvent event, RecordedEvent::Decode(position, bytes));
    if (reading == Reading::kOpened) {
      ASSIGN_OR_RETURN(event, OpenRecorded(std::move(event)));
    }
    events.push_back(std::move(event));
    return Status::Ok();
  }));
  return events;
}

Result<std::vector<RecordedEvent>> LogCore::ReadAllOnce(Position from, size_t max,
                                                        Reading reading) {
  if (from == 0) return InvalidArgument("positions start at 1");
  std::vector<RecordedEvent> events;
  Position head = Head();
  if (from > head || max == 0) return events;
  Position last = from + std::min<uint64_t>(max - 1, head - from);
  events.reserve(last - from + 1);
  RETURN_IF_ERROR(store_->ScanEvents(from, last, [&](Position position, std::string_view bytes) {
    ASSIGN_OR_RETURN(RecordedEvent event, RecordedEvent::Decode(position, bytes));
    if (reading == Reading::kOpened) {
      ASSIGN_OR_RETURN(event, OpenRecorded(std::move(event)));
    }
    events.push_back(std::move(event));
    return Status::Ok();
  }));
  return events;
}

Status LogCore::Scan(Position from, Position to,
                     const std::function<Status(const EventView&)>& visit) {
  if (from == 0) return InvalidArgument("positions start at 1");
  Position last = std::min(to, Head());
  kj::Array<capnp::word> scratch;
  return store_->ScanEvents(from, last, [&](Position position, std::string_view bytes) {
    return VisitStoredEvent(position, bytes, scratch, [&](const EventView& view) -> Status {
      ASSIGN_OR_RETURN(std::optional<kj::Array<capnp::word>> opened, vault_->Open(view.event));
      if (!opened) return visit(view);
      std::string_view opened_bytes(reinterpret_cast<const char*>(opened->begin()),
                                    opened->size() * sizeof(capnp::word));
      return visit(EventView{position, opened_bytes,
                             capnp::readMessageUnchecked<schema::Event>(opened->begin())});
    });
  });
}

Position LogCore::Head() const {
  return writer_ ? writer_->Head() : read_only_head_.load(std::memory_order_acquire);
}

void LogCore::NotifyHead() {
  { MutexLock lock(&head_mu_); }
  head_cv_.SignalAll();
}

bool LogCore::WaitForHead(Position position, std::chrono::milliseconds max_wait) {
  auto deadline = std::chrono::steady_clock::now() + max_wait;
  MutexLock lock(&head_mu_);
  uint64_t epoch = wake_epoch_;
  while (Head() <= position && wake_epoch_ == epoch) {
    if (!head_cv_.WaitUntil(deadline)) break;
  }
  return Head() > position;
}

void LogCore::WakeWaiters() {
  {
    MutexLock lock(&head_mu_);
    ++wake_epoch_;
  }
  head_cv_.SignalAll();
}

Status LogCore::CatchUpWithPrimary() {
  if (writer_ || !options_.follow_primary) return Status::Ok();
  RETURN_IF_ERROR(store_->CatchUpWithPrimary());
  ASSIGN_OR_RETURN(Position head, store_->LastPosition());
  // Two catch-ups may race: the head only ever moves forward.
  Position seen = read_only_head_.load(std::memory_order_acquire);
  while (head > seen) {
    if (read_only_head_.compare_exchange_weak(seen, head, std::memory_order_acq_rel)) {
      NotifyHead();
      break;
    }
  }
  return Status::Ok();
}

Result<std::optional<StreamTipView>> LogCore::LastInStream(std::string_view stream) {
  RETURN_IF_ERROR(ValidateStreamId(stream));
  ASSIGN_OR_RETURN(auto tip, store_->LastInStream(stream));
  if (!tip || tip->position > Head()) return std::optional<StreamTipView>();
  return std::optional<StreamTipView>(StreamTipView{tip->version, tip->position});
}

SubtreeSource LogCore::Tree() {
  return [this](int level, uint64_t index) { return store_->Subtree(level, index); };
}

Result<std::string> LogCore::LedgerId() {
  ASSIGN_OR_RETURN(std::string raw, store_->LedgerId());
  return ToHex(raw);  // Store::LedgerId checked its size
}

Status LogCore::CheckSizes(uint64_t first, uint64_t second, std::string_view what) {
  Position head = Head();
  if (first == 0 || first > second || second > head) {
    return InvalidArgument(
        fmt::format("{} needs 1 <= {} <= {} <= {} (the head)", what, first, second, head));
  }
  return Status::Ok();
}

}  // namespace secondment::internal
