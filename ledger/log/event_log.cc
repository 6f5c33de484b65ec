#include "ledger/log/event_log.h"

#include <fmt/format.h>
#include <spdlog/sinks/null_sink.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "ledger/log/internal/checkpoint_store.h"
#include "ledger/log/internal/merkle.h"
#include "ledger/log/internal/store.h"
#include "ledger/log/internal/verifier.h"
#include "ledger/log/internal/writer.h"

namespace secondment {

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no stream";
    case Kind::kExact:
      return fmt::format("version {}", version_);
  }
  return "unknown";
}

Status ValidateStreamId(std::string_view stream) {
  if (stream.empty()) return InvalidArgument("stream id is empty");
  if (stream.size() > kMaxStreamIdSize) {
    return InvalidArgument(fmt::format("stream id is {} characters; the limit is {}", stream.size(),
                                       kMaxStreamIdSize));
  }
  for (size_t i = 0; i < stream.size(); ++i) {
    auto c = static_cast<unsigned char>(stream[i]);
    if (c < 0x20 || c > 0x7E) {
      return InvalidArgument(fmt::format(
          "stream id has byte 0x{:02x} at offset {}; only printable ASCII is allowed", c, i));
    }
  }
  return Status::Ok();
}

class EventLog::Impl {
 public:
  Impl(std::string dir, Options options) : dir_(std::move(dir)), options_(std::move(options)) {}

  Status Open() {
    if (!options_.logger) {
      options_.logger = std::make_shared<spdlog::logger>(
          "ledger", std::make_shared<spdlog::sinks::null_sink_mt>());
    }
    clock_ = options_.clock ? options_.clock : &system_clock_;
    internal::StoreOptions store_options;
    store_options.read_only = options_.read_only;
    store_options.follow_primary = options_.read_only && options_.follow_primary;
    store_options.create_if_missing = options_.create_if_missing;
    store_options.block_cache_bytes = options_.block_cache_bytes;
    store_options.tables = options_.tables;
    store_options.logger = options_.logger.get();
    ASSIGN_OR_RETURN(store_, internal::Store::Open(dir_, store_options));

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
      internal::WriterOptions writer_options;
      writer_options.sync = options_.durability == Durability::kSync;
      writer_options.clock = clock_;
      writer_options.logger = options_.logger.get();
      writer_options.on_commit = [this] { NotifyHead(); };
      ASSIGN_OR_RETURN(MerkleFrontier tree, MerkleFrontier::Load(head, Tree()));
      writer_ = std::make_unique<internal::Writer>(store_.get(), writer_options, std::move(tree),
                                                   last_recorded_at);
    }
    options_.logger->info("opened ledger at {} (head {}, {})", dir_, head,
                          options_.read_only ? "read-only"
                          : options_.durability == Durability::kSync
                              ? "durable appends"
                              : "NO-SYNC appends: bulk import only");
    return Status::Ok();
  }

  ~Impl() {
    writer_.reset();  // commits what is queued before the store closes
    if (store_) options_.logger->info("closed ledger at {}", dir_);
  }

  Result<AppendResult> Append(std::vector<StreamAppend>& appends) {
    if (!writer_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
    if (appends.empty()) return InvalidArgument("an append needs at least one stream");
    size_t total = 0;
    std::unordered_set<EventId, EventIdHash> ids;
    for (StreamAppend& append : appends) {
      RETURN_IF_ERROR(ValidateStreamId(append.stream));
      if (append.events.empty()) {
        return InvalidArgument(fmt::format("the append to stream {} has no events", append.stream));
      }
      total += append.events.size();
      if (total > kMaxEventsPerAppend) {
        return InvalidArgument(
            fmt::format("an append holds at most {} events", kMaxEventsPerAppend));
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
      }
    }
    return writer_->Submit(appends, total);
  }

  // A follower (a secondary instance) can catch up with the primary's list of files before
  // every file it names is in view, when the primary flushes and closes meanwhile; a read then
  // finds an event missing. What is committed never changes, so a follower catches up and
  // reads again, for up to a second, before it reports Corruption.
  template <typename Read>
  auto FollowerRead(const Read& read) -> decltype(read()) {
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

  Result<std::vector<RecordedEvent>> ReadStream(std::string_view stream, StreamVersion from,
                                                size_t max) {
    return FollowerRead([&] { return ReadStreamOnce(stream, from, max); });
  }

  Result<std::vector<RecordedEvent>> ReadAll(Position from, size_t max) {
    return FollowerRead([&] { return ReadAllOnce(from, max); });
  }

  Result<std::vector<RecordedEvent>> ReadStreamOnce(std::string_view stream, StreamVersion from,
                                                    size_t max) {
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
      events.push_back(std::move(event));
      return Status::Ok();
    }));
    return events;
  }

  Status Scan(Position from, Position to, const std::function<Status(const EventView&)>& visit) {
    if (from == 0) return InvalidArgument("positions start at 1");
    Position last = std::min(to, Head());
    kj::Array<capnp::word> scratch;
    return store_->ScanEvents(from, last, [&](Position position, std::string_view bytes) {
      return VisitStoredEvent(position, bytes, scratch, visit);
    });
  }

  Result<std::vector<RecordedEvent>> ReadAllOnce(Position from, size_t max) {
    if (from == 0) return InvalidArgument("positions start at 1");
    std::vector<RecordedEvent> events;
    Position head = Head();
    if (from > head || max == 0) return events;
    Position last = from + std::min<uint64_t>(max - 1, head - from);
    events.reserve(last - from + 1);
    RETURN_IF_ERROR(store_->ScanEvents(from, last, [&](Position position, std::string_view bytes) {
      ASSIGN_OR_RETURN(RecordedEvent event, RecordedEvent::Decode(position, bytes));
      events.push_back(std::move(event));
      return Status::Ok();
    }));
    return events;
  }

  Position Head() const {
    return writer_ ? writer_->Head() : read_only_head_.load(std::memory_order_acquire);
  }

  void NotifyHead() {
    { std::lock_guard<std::mutex> lock(head_mu_); }
    head_cv_.notify_all();
  }

  bool WaitForHead(Position position, std::chrono::milliseconds max_wait) {
    std::unique_lock<std::mutex> lock(head_mu_);
    uint64_t epoch = wake_epoch_;
    return head_cv_.wait_for(lock, max_wait, [&] {
      return Head() > position || wake_epoch_ != epoch;
    }) && Head() > position;
  }

  void WakeWaiters() {
    {
      std::lock_guard<std::mutex> lock(head_mu_);
      ++wake_epoch_;
    }
    head_cv_.notify_all();
  }

  Status CatchUpWithPrimary() {
    if (writer_ || !options_.follow_primary) return Status::Ok();
    RETURN_IF_ERROR(store_->CatchUpWithPrimary());
    ASSIGN_OR_RETURN(Position head, store_->LastPosition());
    if (head > read_only_head_.load(std::memory_order_acquire)) {
      read_only_head_.store(head, std::memory_order_release);
      NotifyHead();
    }
    return Status::Ok();
  }

  Result<std::optional<StreamState>> GetStreamState(std::string_view stream) {
    RETURN_IF_ERROR(ValidateStreamId(stream));
    ASSIGN_OR_RETURN(auto tip, store_->LastInStream(stream));
    if (!tip || tip->position > Head()) return std::optional<StreamState>();
    return std::optional<StreamState>(StreamState{tip->version, tip->position});
  }

  SubtreeSource Tree() {
    return [this](int level, uint64_t index) { return store_->Subtree(level, index); };
  }

  Result<std::string> LedgerId() {
    ASSIGN_OR_RETURN(std::string raw, store_->LedgerId());
    return ToHex(raw);  // Store::LedgerId checked its size
  }

  Status CheckSizes(uint64_t first, uint64_t second, std::string_view what) {
    Position head = Head();
    if (first == 0 || first > second || second > head) {
      return InvalidArgument(
          fmt::format("{} needs 1 <= {} <= {} <= {} (the head)", what, first, second, head));
    }
    return Status::Ok();
  }

  Result<SignedCheckpoint> MakeCheckpoint(const SigningKey& key) {
    if (!writer_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    Checkpoint checkpoint;
    ASSIGN_OR_RETURN(checkpoint.ledger_id, LedgerId());
    checkpoint.size = Head();
    ASSIGN_OR_RETURN(checkpoint.root, RootOfSize(checkpoint.size, Tree()));
    checkpoint.time_micros = clock_->NowMicros();
    SignedCheckpoint signed_checkpoint = key.Sign(checkpoint);
    RETURN_IF_ERROR(StoreLocked(signed_checkpoint, key.Public()));
    return signed_checkpoint;
  }

  Status StoreCheckpoint(const SignedCheckpoint& signed_checkpoint, const PublicKey& key) {
    if (!writer_) return Unavailable(fmt::format("ledger at {} is open read-only", dir_));
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    RETURN_IF_ERROR(key.Verify(signed_checkpoint));
    const Checkpoint& c = signed_checkpoint.checkpoint;
    ASSIGN_OR_RETURN(std::string ledger_id, LedgerId());
    if (c.ledger_id != ledger_id) {
      return InvalidArgument(fmt::format("the checkpoint is of ledger {}, not of this one ({})",
                                         c.ledger_id, ledger_id));
    }
    if (c.size > Head()) {
      return InvalidArgument(
          fmt::format("the checkpoint covers {} events; the log holds {}", c.size, Head()));
    }
    // A note dated far ahead would block every later checkpoint (they never go back).
    constexpr int64_t kMaxClockSkewMicros = 5LL * 60 * 1000 * 1000;
    if (c.time_micros > clock_->NowMicros() + kMaxClockSkewMicros) {
      return InvalidArgument(fmt::format("the checkpoint is dated {}, ahead of this ledger's clock",
                                         FormatMicros(c.time_micros)));
    }
    ASSIGN_OR_RETURN(Hash256 root, RootOfSize(c.size, Tree()));
    if (root != c.root) {
      return InvalidArgument(fmt::format(
          "the checkpoint's root is not this log's root at size {} ({})", c.size, ToHex(root)));
    }
    return StoreLocked(signed_checkpoint, key);
  }

  // Requires checkpoint_mu_.
  Status StoreLocked(const SignedCheckpoint& signed_checkpoint, const PublicKey& key) {
    const Checkpoint& checkpoint = signed_checkpoint.checkpoint;
    ASSIGN_OR_RETURN(auto stored, internal::LoadCheckpoints(*store_));
    uint64_t sequence = 1;
    if (!stored.empty()) {
      const Checkpoint& last = stored.back().signed_checkpoint.checkpoint;
      sequence = stored.back().sequence + 1;
      if (checkpoint.size < last.size || checkpoint.time_micros < last.time_micros) {
        return RuleViolation(fmt::format(
            "checkpoints never go back: the last one covers {} events at {}, this one would "
            "cover {} at {}",
            last.size, FormatMicros(last.time_micros), checkpoint.size,
            FormatMicros(checkpoint.time_micros)));
      }
    }
    RETURN_IF_ERROR(internal::SaveCheckpoint(*store_, sequence, signed_checkpoint, key));
    options_.logger->info("stored checkpoint #{} at size {} signed by key {}", sequence,
                          checkpoint.size, signed_checkpoint.key_id);
    return Status::Ok();
  }

  internal::Store& store() { return *store_; }
  const std::string& dir() const { return dir_; }
  bool read_only() const { return writer_ == nullptr; }

 private:
  std::string dir_;
  Options options_;
  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<internal::Store> store_;
  std::unique_ptr<internal::Writer> writer_;
  std::atomic<Position> read_only_head_{0};
  std::mutex checkpoint_mu_;
  std::mutex head_mu_;
  std::condition_variable head_cv_;
  uint64_t wake_epoch_ = 0;  // guarded by head_mu_
};

EventLog::EventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLog::~EventLog() = default;

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir, const Options& options) {
  auto impl = std::make_unique<Impl>(dir, options);
  RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
}

Result<AppendResult> EventLog::Append(std::string_view stream, ExpectedVersion expected,
                                      std::vector<NewEvent> events) {
  std::vector<StreamAppend> appends;
  appends.push_back(StreamAppend{std::string(stream), expected, std::move(events)});
  return impl_->Append(appends);
}

Result<AppendResult> EventLog::Append(std::vector<StreamAppend> appends) {
  return impl_->Append(appends);
}

Result<std::vector<RecordedEvent>> EventLog::ReadStream(std::string_view stream, StreamVersion from,
                                                        size_t max) {
  return impl_->ReadStream(stream, from, max);
}

Result<std::vector<RecordedEvent>> EventLog::ReadAll(Position from, size_t max) {
  return impl_->ReadAll(from, max);
}

Status EventLog::Scan(Position from, Position to,
                      const std::function<Status(const EventView&)>& visit) {
  return impl_->Scan(from, to, visit);
}

Position EventLog::Head() const { return impl_->Head(); }
bool EventLog::WaitForHead(Position position, std::chrono::milliseconds max_wait) {
  return impl_->WaitForHead(position, max_wait);
}
void EventLog::WakeWaiters() { impl_->WakeWaiters(); }
Status EventLog::CatchUpWithPrimary() { return impl_->CatchUpWithPrimary(); }

Result<std::optional<StreamState>> EventLog::GetStreamState(std::string_view stream) {
  return impl_->GetStreamState(stream);
}

Status EventLog::WriteTables(const TableBatch& batch) { return impl_->store().WriteTables(batch); }
Result<std::optional<std::string>> EventLog::GetRow(std::string_view table, std::string_view key) {
  return impl_->store().GetRow(table, key);
}
Status EventLog::ScanRows(std::string_view table, std::string_view from, std::string_view to,
                          const std::function<bool(std::string_view, std::string_view)>& visit) {
  return impl_->store().ScanRows(table, from, to, visit);
}
Status EventLog::ClearTable(std::string_view table) { return impl_->store().ClearTable(table); }
Status EventLog::IngestTable(std::string_view table,
                             const std::function<bool(std::string*, std::string*)>& next) {
  return impl_->store().IngestTable(table, next);
}
Result<Position> EventLog::GetCheckpoint(std::string_view name) {
  return impl_->store().GetCheckpoint(name);
}
Result<std::string> EventLog::LedgerId() { return impl_->LedgerId(); }

Result<TreeHead> EventLog::GetTreeHead() {
  TreeHead head;
  head.size = Head();
  ASSIGN_OR_RETURN(head.root, RootOfSize(head.size, impl_->Tree()));
  return head;
}

Result<Hash256> EventLog::RootAt(uint64_t size) {
  if (size > Head()) {
    return InvalidArgument(
        fmt::format("the log holds {} events; there is no tree of size {}", Head(), size));
  }
  return RootOfSize(size, impl_->Tree());
}

Result<std::vector<Hash256>> EventLog::InclusionProof(Position position, uint64_t tree_size) {
  RETURN_IF_ERROR(impl_->CheckSizes(position, tree_size, "an inclusion proof"));
  return secondment::InclusionProof(position - 1, tree_size, impl_->Tree());
}

Result<std::vector<Hash256>> EventLog::ConsistencyProof(uint64_t old_size, uint64_t new_size) {
  RETURN_IF_ERROR(impl_->CheckSizes(old_size, new_size, "a consistency proof"));
  return secondment::ConsistencyProof(old_size, new_size, impl_->Tree());
}

Status EventLog::ScanLeaves(Position first, Position last, std::vector<Hash256>* out) {
  RETURN_IF_ERROR(impl_->CheckSizes(first, last, "reading leaf hashes"));
  Position expected = first;
  RETURN_IF_ERROR(
      impl_->store().ScanMerkleLevel(0, first - 1, [&](uint64_t index, std::string_view hash) {
        if (index + 1 != expected || hash.size() != sizeof(Hash256)) return false;
        out->emplace_back();
        std::memcpy(out->back().data(), hash.data(), hash.size());
        return ++expected <= last;
      }));
  if (expected != last + 1) {
    return Corruption(
        fmt::format("the Merkle leaf of position {} is missing or malformed", expected));
  }
  return Status::Ok();
}

Result<VerifyReport> EventLog::Verify(const std::function<void(uint64_t, uint64_t)>& progress) {
  ASSIGN_OR_RETURN(std::string ledger_id, impl_->LedgerId());
  return internal::VerifyStore(impl_->store(), ledger_id, progress);
}

Result<SignedCheckpoint> EventLog::MakeCheckpoint(const SigningKey& key) {
  return impl_->MakeCheckpoint(key);
}

Status EventLog::StoreCheckpoint(const SignedCheckpoint& signed_checkpoint, const PublicKey& key) {
  return impl_->StoreCheckpoint(signed_checkpoint, key);
}

Result<std::vector<SignedCheckpoint>> EventLog::Checkpoints() {
  ASSIGN_OR_RETURN(auto stored, internal::LoadCheckpoints(impl_->store()));
  std::vector<SignedCheckpoint> out;
  for (auto& s : stored) out.push_back(std::move(s.signed_checkpoint));
  return out;
}

Result<std::vector<PublicKey>> EventLog::CheckpointKeys() {
  ASSIGN_OR_RETURN(auto stored, internal::LoadCheckpoints(impl_->store()));
  std::vector<PublicKey> keys;
  for (auto& s : stored) {
    if (!s.key) {
      return Corruption(fmt::format("the public key {} of checkpoint #{} is not stored",
                                    s.signed_checkpoint.key_id, s.sequence));
    }
    bool seen = std::any_of(keys.begin(), keys.end(),
                            [&](const PublicKey& k) { return k.raw() == s.key->raw(); });
    if (!seen) keys.push_back(*s.key);
  }
  return keys;
}

Status EventLog::Backup(const std::string& backup_dir) {
  if (impl_->read_only()) return Unavailable("a backup needs the ledger open for writing");
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
  RETURN_IF_ERROR(impl_->store().Backup(backup_dir));
  // Consumer positions live beside the database: they go in with it.
  fs::path consumers = fs::path(dir()) / "consumers";
  if (fs::exists(consumers, ec)) {
    fs::path target = fs::path(backup_dir) / "consumers";
    fs::remove_all(target, ec);
    fs::copy(consumers, target, fs::copy_options::recursive, ec);
    if (ec) return IOError(fmt::format("copying consumer positions: {}", ec.message()));
  }
  return Status::Ok();
}

Status EventLog::Restore(const std::string& backup_dir, const std::string& dir) {
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

Status EventLog::Settle() { return impl_->store().Settle(); }
Status EventLog::CompactAll() { return impl_->store().CompactAll(); }
const std::string& EventLog::dir() const { return impl_->dir(); }

}  // namespace secondment
