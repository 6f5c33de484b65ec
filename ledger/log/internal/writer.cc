#include "ledger/log/internal/writer.h"

#include <capnp/any.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <unordered_set>

#include "ledger/base/assert.h"
#include "ledger/log/stats.h"

namespace secondment::internal {
namespace {

// Bounds one group commit, so that a burst does not delay the first caller for long.
constexpr size_t kMaxGroupEvents = 8192;
// Bounds the stream-tip cache; past it the cache starts over (tips are re-read on demand).
constexpr size_t kMaxCachedTips = 1 << 20;
// The longest a new leader waits for the writers of the last group to come back.
constexpr auto kGather = std::chrono::microseconds(100);

std::string_view AsBytes(const kj::Array<capnp::word>& words) {
  return {reinterpret_cast<const char*>(words.begin()), words.size() * sizeof(capnp::word)};
}

kj::Array<capnp::word> Canonicalize(schema::Event::Builder event) {
  return capnp::AnyStruct::Reader(event.asReader()).canonicalize();
}

void SetPrevHash(schema::Event::Builder event, const Hash256* prev) {
  if (prev == nullptr) {
    if (event.hasPrevHash()) event.disownPrevHash();
  } else {
    event.setPrevHash(kj::arrayPtr(prev->data(), prev->size()));
  }
}

void Notify(std::atomic<int>& signal, int value) {
  signal.store(value, std::memory_order_release);
  signal.notify_one();
}

}  // namespace

Writer::Writer(Store* store, WriterOptions options, MerkleFrontier tree, int64_t last_recorded_at)
    : store_(store),
      options_(options),
      head_(tree.size()),
      last_recorded_at_(last_recorded_at),
      tree_(std::move(tree)) {}

Writer::~Writer() { Stop(); }

void Writer::Stop() {
  MutexLock lock(&mu_);
  stopping_ = true;
  while (leading_ || !queue_.empty()) idle_cv_.Wait();
}

Result<AppendResult> Writer::Submit(std::vector<StreamAppend>& appends, size_t event_count,
                                    std::optional<Position> expected_head,
                                    const VaultRecords* vault_records) {
  Request request{&appends, event_count, expected_head, vault_records, std::nullopt};
  mu_.Lock();
  if (stopping_) {
    mu_.Unlock();
    return Unavailable("the ledger is closing");
  }
  queue_.push_back(&request);
  if (leading_) {
    arrival_cv_.Signal();
    mu_.Unlock();
    request.signal.wait(kWait, std::memory_order_acquire);
    if (request.signal.load(std::memory_order_acquire) == kDone) return std::move(*request.result);
    mu_.Lock();  // kLead: the previous leader handed its turn to this request
  }
  leading_ = true;
  Lead(request);
  return std::move(*request.result);
}

void Writer::Lead(Request& own) {
  for (;;) {
    auto gather_until = std::chrono::steady_clock::now() + kGather;
    while (queue_.size() < last_group_size_) {
      if (!arrival_cv_.WaitUntil(gather_until)) break;
    }
    std::vector<Request*> group = TakeGroup();
    last_group_size_ = group.size();
    mu_.Unlock();
    std::vector<Request*> deferred;
    CommitGroup(group, &deferred);
    auto is_deferred = [&](Request* r) {
      return std::find(deferred.begin(), deferred.end(), r) != deferred.end();
    };
    bool own_done = !is_deferred(&own);

    mu_.Lock();
    for (auto it = deferred.rbegin(); it != deferred.rend(); ++it) queue_.push_front(*it);
    Request* next_leader = nullptr;
    if (own_done) {
      if (queue_.empty()) {
        leading_ = false;
        idle_cv_.SignalAll();
      } else {
        next_leader = queue_.front();  // it takes itself into its own group
      }
    }
    mu_.Unlock();
    // The next group starts before the callers of this one are woken: waking them is off the
    // critical path of commits.
    if (next_leader != nullptr) Notify(next_leader->signal, kLead);
    for (Request* r : group) {
      if (r != &own && !is_deferred(r)) Notify(r->signal, kDone);
    }
    if (own_done) return;
    mu_.Lock();  // this request waits for the next group: keep leading
  }
}

std::vector<Writer::Request*> Writer::TakeGroup() {
  std::vector<Request*> group;
  size_t events = 0;
  while (!queue_.empty() &&
         (group.empty() || events + queue_.front()->event_count <= kMaxGroupEvents)) {
    events += queue_.front()->event_count;
    group.push_back(queue_.front());
    queue_.pop_front();
  }
  return group;
}

void Writer::CommitGroup(const std::vector<Request*>& group, std::vector<Request*>* deferred) {
  // A request that shares an event id with an earlier request of the group waits for the
  // next group, where it is answered as a retry or a conflict against what is then stored.
  std::unordered_set<EventId, EventIdHash> claimed;
  std::vector<Request*> active;
  std::vector<EventId> ids;
  for (Request* request : group) {
    bool shares_id = false;
    for (const auto& append : *request->appends) {
      for (const auto& event : append.events) shares_id |= claimed.count(event.id()) != 0;
    }
    if (shares_id) {
      deferred->push_back(request);
      continue;
    }
    active.push_back(request);
    for (const auto& append : *request->appends) {
      for (const auto& event : append.events) {
        claimed.insert(event.id());
        ids.push_back(event.id());
      }
    }
  }

  std::vector<std::optional<Position>> found;
  Status lookup = store_->LookupEventIds(ids, &found);
  if (!lookup.ok()) {
    for (Request* request : active) request->result = lookup;
    return;
  }

  Store::Batch batch = store_->NewBatch();
  MerkleFrontier tree = tree_;
  TipMap staged;
  Position next = Head() + 1;
  int64_t recorded_at = std::max(options_.clock->NowMicros(), last_recorded_at_);
  std::vector<std::pair<Request*, std::vector<Position>>> staged_requests;
  size_t id_offset = 0;
  for (Request* request : active) {
    std::vector<Position> stored;
    for (size_t i = 0; i < request->event_count; ++i) {
      if (found[id_offset + i]) stored.push_back(*found[id_offset + i]);
    }
    id_offset += request->event_count;
    if (stored.size() == request->event_count) {
      request->result = AnswerRetry(*request, stored);
      continue;
    }
    if (!stored.empty()) {
      request->result = Conflict(fmt::format(
          "{} of the {} event ids of this append are already stored (one at position {}); a "
          "retry must resend exactly the original events",
          stored.size(), request->event_count, stored.front()));
      continue;
    }
    if (request->expected_head && *request->expected_head != next - 1) {
      request->result = Conflict(fmt::format("the log has moved on from position {} (it is at {})",
                                             *request->expected_head, next - 1));
      continue;
    }
    batch.SetSavePoint();
    MerkleFrontier tree_before = tree;
    std::vector<Position> positions;
    Status status = Stage(*request, batch, recorded_at, &next, &staged, &tree, &positions);
    if (!status.ok()) {
      batch.RollbackToSavePoint();
      tree = std::move(tree_before);
      request->result = status;
      continue;
    }
    staged_requests.emplace_back(request, std::move(positions));
  }
  if (staged_requests.empty()) return;

  auto commit_began = std::chrono::steady_clock::now();
  Status commit = store_->Commit(batch, options_.sync);
  if (commit.ok() && options_.stats != nullptr) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - commit_began)
                      .count();
    uint64_t events = 0;
    for (auto& [request, positions] : staged_requests) events += positions.size();
    options_.stats->RecordCommit(staged_requests.size(), events, static_cast<uint64_t>(micros));
  }
  if (!commit.ok()) {
    options_.logger->error("group commit of {} appends failed: {}", staged_requests.size(),
                           commit.ToString());
    for (auto& [request, positions] : staged_requests) request->result = commit;
    return;
  }
  LEDGER_ASSERT(next - 1 > Head() && tree.size() == next - 1, next, Head(), tree.size());
  tree_ = std::move(tree);
  head_.store(next - 1, std::memory_order_release);
  if (options_.on_commit) options_.on_commit();
  last_recorded_at_ = recorded_at;
  if (tips_.size() + staged.size() > kMaxCachedTips) tips_.clear();
  for (auto& [stream, tip] : staged) tips_[stream] = tip;
  for (auto& [request, positions] : staged_requests) {
    request->result = AppendResult{std::move(positions), false};
  }
  options_.logger->debug("committed {} appends up to position {}", staged_requests.size(),
                         next - 1);
}

Status Writer::Stage(Request& request, Store::Batch& batch, int64_t recorded_at, Position* next,
                     TipMap* staged, MerkleFrontier* tree, std::vector<Position>* positions) {
  auto keep_node = [&](int level, uint64_t index, const Hash256& hash) {
    if (Store::KeepsLevel(level)) batch.PutMerkleNode(level, index, hash);
  };
  Position position = *next;
  TipMap tips;  // this request's stream tips, merged into `staged` on success
  for (StreamAppend& append : *request.appends) {
    std::optional<Tip> tip;
    if (auto it = tips.find(append.stream); it != tips.end()) {
      tip = it->second;  // an earlier part of this same call appended to the stream
    } else {
      ASSIGN_OR_RETURN(tip, FindTip(append.stream, *staged));
    }
    const ExpectedVersion& expected = append.expected;
    if (expected.IsNoStream() && tip) {
      return Conflict(fmt::format("stream {} already exists at version {}; expected no stream",
                                  append.stream, tip->version));
    }
    if (expected.exact() && !tip) {
      return Conflict(fmt::format("stream {} does not exist; expected version {}", append.stream,
                                  *expected.exact()));
    }
    if (expected.exact() && tip->version != *expected.exact()) {
      return Conflict(fmt::format("stream {} is at version {}; expected version {}", append.stream,
                                  tip->version, *expected.exact()));
    }
    for (NewEvent& event : append.events) {
      StreamVersion version = tip ? tip->version + 1 : 0;
      auto builder = event.Mutable();
      builder.setPosition(position);
      builder.setStreamVersion(version);
      builder.setRecordedAtMicros(recorded_at);
      SetPrevHash(builder, tip ? &tip->leaf_hash : nullptr);
      kj::Array<capnp::word> canonical = Canonicalize(builder);
      std::string_view bytes = AsBytes(canonical);
      if (bytes.size() > kMaxEventBytes) {
        return InvalidArgument(
            fmt::format("event {} for stream {} encodes to {} bytes; the limit is {} bytes",
                        event.id().ToString(), append.stream, bytes.size(), kMaxEventBytes));
      }
      batch.PutEvent(position, bytes);
      batch.PutStreamEntry(append.stream, version, position);
      batch.PutEventId(event.id(), position);
      tip = Tip{version, position, LeafHash(bytes)};
      tree->Append(tip->leaf_hash, keep_node);
      positions->push_back(position);
      ++position;
    }
    tips[append.stream] = *tip;
  }
  if (request.vault_records != nullptr) {
    for (const auto& [key, value] : *request.vault_records) batch.PutVaultRecord(key, value);
  }
  for (auto& [stream, tip] : tips) (*staged)[stream] = tip;
  *next = position;
  return Status::Ok();
}

Result<std::optional<Writer::Tip>> Writer::FindTip(const std::string& stream,
                                                   const TipMap& staged) {
  if (auto it = staged.find(stream); it != staged.end()) return std::optional<Tip>(it->second);
  if (auto it = tips_.find(stream); it != tips_.end()) return std::optional<Tip>(it->second);
  ASSIGN_OR_RETURN(std::optional<StreamTip> stored, store_->LastInStream(stream));
  if (!stored) return std::optional<Tip>();
  Hash256 leaf{};
  RETURN_IF_ERROR(store_->GetEvents({stored->position}, [&](Position, std::string_view bytes) {
    leaf = LeafHash(bytes);
    return Status::Ok();
  }));
  Tip tip{stored->version, stored->position, leaf};
  tips_[stream] = tip;
  return std::optional<Tip>(tip);
}

Result<AppendResult> Writer::AnswerRetry(const Request& request,
                                         const std::vector<Position>& stored_positions) {
  std::vector<Position> sorted = stored_positions;
  std::sort(sorted.begin(), sorted.end());
  std::unordered_map<Position, RecordedEvent> stored;
  RETURN_IF_ERROR(store_->GetEvents(sorted, [&](Position position, std::string_view bytes) {
    ASSIGN_OR_RETURN(RecordedEvent event, RecordedEvent::Decode(position, bytes));
    stored.emplace(position, std::move(event));
    return Status::Ok();
  }));
  size_t i = 0;
  for (StreamAppend& append : *request.appends) {
    for (NewEvent& event : append.events) {
      const RecordedEvent& original = stored.at(stored_positions[i++]);
      auto was = original.Get();
      // Give the new event the ledger-assigned fields of the original, then compare bytes.
      auto builder = event.Mutable();
      builder.setPosition(was.getPosition());
      builder.setStreamVersion(was.getStreamVersion());
      builder.setRecordedAtMicros(was.getRecordedAtMicros());
      if (was.hasPrevHash()) {
        builder.setPrevHash(was.getPrevHash());
      } else if (builder.hasPrevHash()) {
        builder.disownPrevHash();
      }
      if (AsBytes(Canonicalize(builder)) != original.bytes()) {
        return Conflict(
            fmt::format("event id {} is already stored at position {} with other content",
                        event.id().ToString(), original.position()));
      }
    }
  }
  return AppendResult{stored_positions, true};
}

}  // namespace secondment::internal
