#include "ledger/log/internal/verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "ledger/log/internal/checkpoint_store.h"
#include "ledger/log/internal/keys.h"
#include "ledger/log/internal/merkle.h"

namespace secondment::internal {
namespace {

constexpr uint64_t kProgressEvery = 1 << 16;
constexpr Position kNoProblem = UINT64_MAX;

std::string_view View(const Hash256& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

class Verifier {
 public:
  Verifier(Store& store, std::string ledger_id,
           const std::function<void(uint64_t, uint64_t)>& progress)
      : store_(store), ledger_id_(std::move(ledger_id)), progress_(progress) {}

  Result<StoreReport> Run() {
    // Every read below is at one point, so appends made meanwhile are not half seen.
    at_ = store_.TakeReadPoint();
    ASSIGN_OR_RETURN(last_, store_.LastPosition(at_.get()));
    // Streams hold a few events each: enough buckets up front spares the rehashes.
    streams_.reserve(last_ / 4);
    ids_.reserve(last_);
    slots_.reserve(last_);
    ASSIGN_OR_RETURN(checkpoints_, LoadCheckpoints(store_, at_.get()));
    for (const auto& stored : checkpoints_) roots_wanted_[stored.signed_checkpoint.checkpoint.size];
    RETURN_IF_ERROR(ScanEvents());
    if (first_bad_ == kNoProblem) RETURN_IF_ERROR(CheckTreeEnd());
    RETURN_IF_ERROR(CheckIdIndex());
    RETURN_IF_ERROR(CheckStreamIndex());
    CheckCheckpoints();
    if (first_bad_ != kNoProblem) return Corruption(problem_);
    if (!other_problem_.empty()) return Corruption(other_problem_);
    if (progress_) progress_(checked_, last_);
    return StoreReport{checked_, tree_.Root(), streams_.size(), checkpoints_.size()};
  }

 private:
  struct Chain {
    uint32_t index;  // into names_
    StreamVersion version;
    Hash256 leaf;
    Position position;
  };
  struct Slot {
    uint32_t stream;
    StreamVersion version;
  };
  using EventIdBytes = std::array<uint8_t, EventId::kSize>;

  // Keeps the lowest bad position seen.
  void Report(Position position, std::string what) {
    if (position >= first_bad_) return;
    first_bad_ = position;
    problem_ = fmt::format("position {}: {}", position, what);
  }
  // A problem that belongs to no position (a malformed index key, a checkpoint's signature).
  void ReportOther(std::string what) {
    if (other_problem_.empty()) other_problem_ = std::move(what);
  }
  // Positions below this are still worth checking.
  Position Limit() const { return std::min(first_bad_, checked_ + 1); }

  Status ScanEvents() {
    auto events = store_.OpenCursor(Store::Family::kEvents, "", at_.get());
    auto leaves = store_.OpenCursor(Store::Family::kMerkle, MerkleKey(0, 0), at_.get());
    std::array<std::unique_ptr<Store::Cursor>, 64> upper;
    kj::Array<capnp::word> scratch;
    auto next_root = roots_wanted_.begin();
    if (next_root != roots_wanted_.end() && next_root->first == 0) {
      next_root->second = tree_.Root();
      ++next_root;
    }
    for (Position expected = 1; events->Valid(); events->Next(), ++expected) {
      std::string_view key = events->key();
      if (key.size() != 8) {
        Report(expected, fmt::format("an events key of {} bytes follows", key.size()));
        break;
      }
      Position position = GetBigEndian(key);
      if (position != expected) {
        Report(expected,
               fmt::format("the event is missing (the log goes on at position {})", position));
        break;
      }
      if (!CheckEvent(position, events->value(), *leaves, upper, scratch)) break;
      checked_ = position;
      while (next_root != roots_wanted_.end() && next_root->first == tree_.size()) {
        next_root->second = tree_.Root();
        ++next_root;
      }
      if (progress_ && position % kProgressEvery == 0) progress_(position, last_);
    }
    RETURN_IF_ERROR(events->status());
    return leaves->status();
  }

  // False when the event is bad (reported).
  bool CheckEvent(Position position, std::string_view bytes, Store::Cursor& leaves,
                  std::array<std::unique_ptr<Store::Cursor>, 64>& upper,
                  kj::Array<capnp::word>& scratch) {
    std::string_view stream;
    StreamVersion version = 0;
    std::optional<Hash256> prev;
    bool prev_malformed = false;
    EventIdBytes id{};
    Status decoded = VisitStoredEvent(position, bytes, scratch, [&](const EventView& view) {
      auto event = view.event;
      auto stream_id = event.getStreamId();
      stream = std::string_view(stream_id.cStr(), stream_id.size());
      version = event.getStreamVersion();
      if (event.hasPrevHash()) {
        auto hash = event.getPrevHash();
        prev_malformed = hash.size() != sizeof(Hash256);
        if (!prev_malformed) std::memcpy(prev.emplace().data(), hash.begin(), hash.size());
      }
      auto event_id = event.getEventId();
      if (event_id.size() == id.size()) std::memcpy(id.data(), event_id.begin(), id.size());
      return Status::Ok();
    });
    if (!decoded.ok()) {
      Report(position, std::string(decoded.message()));
      return false;
    }
    Hash256 leaf = LeafHash(bytes);
    if (!leaves.Valid() || leaves.key() != MerkleKey(0, position - 1)) {
      Report(position, "its Merkle leaf is missing");
      return false;
    }
    if (leaves.value() != View(leaf)) {
      Report(position,
             "its stored bytes do not match the leaf hash recorded when it was appended: the "
             "event was altered");
      return false;
    }
    leaves.Next();
    if (prev_malformed) {
      Report(position, "its previous-event hash is not 32 bytes");
      return false;
    }
    auto chain = streams_.find(stream);
    bool is_new = chain == streams_.end();
    if (is_new) {
      chain = streams_.emplace(std::string(stream), Chain{0, 0, {}, 0}).first;
      chain->second.index = static_cast<uint32_t>(names_.size());
      names_.push_back(&chain->first);
      if (version != 0 || prev) {
        Report(position, fmt::format("it is version {} of stream {}, whose earlier events are "
                                     "missing",
                                     version, stream));
        return false;
      }
    } else {
      if (version != chain->second.version + 1) {
        Report(position, fmt::format("it is version {} of stream {}, which was at version {}",
                                     version, stream, chain->second.version));
        return false;
      }
      if (!prev || *prev != chain->second.leaf) {
        // Either this event's link or the event it links to was altered: name the earlier.
        Report(chain->second.position,
               fmt::format("its hash is not the one position {}, the next event of stream {}, "
                           "names: one of the two was altered and the stream's chain is broken",
                           position, stream));
        return false;
      }
    }
    chain->second.version = version;
    chain->second.leaf = leaf;
    chain->second.position = position;

    std::optional<std::pair<int, uint64_t>> bad_node;
    tree_.Append(leaf, [&](int level, uint64_t index, const Hash256& node) {
      if (level < Store::kFirstUpperLevel || bad_node) return;
      auto& cursor = upper[level];
      if (!cursor)
        cursor = store_.OpenCursor(Store::Family::kMerkle, MerkleKey(level, index), at_.get());
      if (!cursor->Valid() || cursor->key() != MerkleKey(level, index) ||
          cursor->value() != View(node)) {
        bad_node.emplace(level, index);
        return;
      }
      cursor->Next();
    });
    if (bad_node) {
      auto [level, index] = *bad_node;
      Position first = (index << level) + 1;
      Report(first, fmt::format("the Merkle node at level {} index {} (positions {} to {}) is "
                                "missing or does not match those events",
                                level, index, first, first + (uint64_t{1} << level) - 1));
      return false;
    }
    ids_.push_back(id);
    slots_.push_back(Slot{chain->second.index, version});
    return true;
  }

  // Nodes stored past the end of the log mean its tail was removed.
  Status CheckTreeEnd() {
    for (int level = 0; level < 64; ++level) {
      if (level != 0 && !Store::KeepsLevel(level)) continue;
      uint64_t first_beyond = level == 0 ? checked_ : checked_ >> level;
      auto cursor =
          store_.OpenCursor(Store::Family::kMerkle, MerkleKey(level, first_beyond), at_.get());
      RETURN_IF_ERROR(cursor->status());
      if (cursor->Valid() && cursor->key()[0] == static_cast<char>(level)) {
        Report(checked_ + 1,
               "the event is missing, but the Merkle tree holds a hash for it: the log's tail "
               "was removed");
        break;
      }
    }
    return Status::Ok();
  }

  // Each entry must name the position of the event with that id, and every event must be
  // named once: ids used twice leave one of their events unnamed.
  Status CheckIdIndex() {
    Position limit = Limit();
    std::vector<bool> covered(limit, false);
    auto id_text = [](std::string_view id) -> std::string {
      auto parsed = EventId::FromBytes(id);
      return parsed.ok() ? parsed->ToString() : "(malformed)";
    };
    auto cursor = store_.OpenCursor(Store::Family::kEventIds, "", at_.get());
    for (; cursor->Valid(); cursor->Next()) {
      std::string_view key = cursor->key(), value = cursor->value();
      if (key.size() != EventId::kSize || value.size() != 8) {
        ReportOther("the id index holds a malformed entry");
        continue;
      }
      Position at = GetBigEndian(value);
      if (at > checked_ && first_bad_ == kNoProblem) {
        Report(checked_ + 1,
               fmt::format("the event is missing, but the id index maps event id {} to position "
                           "{}: the log's tail was removed",
                           id_text(key), at));
        continue;
      }
      if (at == 0 || at >= limit) continue;
      if (std::memcmp(ids_[at - 1].data(), key.data(), EventId::kSize) != 0) {
        Report(at,
               fmt::format(
                   "the id index maps event id {} here, but this event has id {}", id_text(key),
                   id_text({reinterpret_cast<const char*>(ids_[at - 1].data()), EventId::kSize})));
        continue;
      }
      covered[at] = true;
    }
    for (Position p = 1; p < limit; ++p) {
      if (!covered[p]) {
        Report(p, "its event id is missing from the id index, or another event uses it too");
        break;
      }
    }
    return cursor->status();
  }

  Status CheckStreamIndex() {
    Position limit = Limit();
    std::vector<bool> covered(limit, false);
    std::string last_stream;
    auto last_stream_chain = streams_.end();
    auto cursor = store_.OpenCursor(Store::Family::kStreams, "", at_.get());
    for (; cursor->Valid(); cursor->Next()) {
      std::string_view stream;
      StreamVersion version;
      if (!ParseStreamKey(cursor->key(), &stream, &version) || cursor->value().size() != 8) {
        ReportOther("the stream index holds a malformed entry");
        continue;
      }
      Position at = GetBigEndian(cursor->value());
      if (at == 0 || at >= limit) continue;
      const Slot& slot = slots_[at - 1];
      // Entries come in stream order: look each stream up once.
      if (stream != last_stream) {
        last_stream_chain = streams_.find(stream);
        last_stream.assign(stream);
      }
      auto chain = last_stream_chain;
      if (chain == streams_.end() || chain->second.index != slot.stream ||
          version != slot.version) {
        Report(at, fmt::format("the stream index names version {} of stream {} here, but this "
                               "is version {} of stream {}",
                               version, stream, slot.version, *names_[slot.stream]));
        continue;
      }
      if (covered[at]) {
        Report(at, "the stream index names it twice");
        continue;
      }
      covered[at] = true;
    }
    for (Position p = 1; p < limit; ++p) {
      if (!covered[p]) {
        Report(p, "it is missing from the stream index");
        break;
      }
    }
    return cursor->status();
  }

  void CheckCheckpoints() {
    uint64_t matched = 0;  // the size of the last checkpoint that matched the log
    const SignedCheckpoint* previous = nullptr;
    for (const StoredCheckpoint& stored : checkpoints_) {
      const SignedCheckpoint& sc = stored.signed_checkpoint;
      const Checkpoint& c = sc.checkpoint;
      std::string name = fmt::format("checkpoint #{} (size {})", stored.sequence, c.size);
      if (c.ledger_id != ledger_id_) {
        ReportOther(
            fmt::format("{} names ledger {}, not this ledger ({})", name, c.ledger_id, ledger_id_));
      }
      if (!stored.key) {
        ReportOther(fmt::format("{}: its public key {} is not stored", name, sc.key_id));
      } else if (Status s = stored.key->Verify(sc); !s.ok()) {
        ReportOther(fmt::format("{}: {}", name, s.message()));
      }
      if (previous && (c.size < previous->checkpoint.size ||
                       c.time_micros < previous->checkpoint.time_micros)) {
        ReportOther(fmt::format("{} is older or smaller than the checkpoint before it", name));
      }
      previous = &sc;
      if (c.size > checked_) {
        if (first_bad_ == kNoProblem) {
          Report(checked_ + 1, fmt::format("the event is missing, but {} covers {} events: "
                                           "the log's tail was removed",
                                           name, c.size));
        }
        continue;
      }
      if (roots_wanted_.at(c.size) != c.root) {
        Report(matched + 1,
               fmt::format("the log no longer matches {}: its first {} events give root {}, the "
                           "checkpoint signed root {}; an event between positions {} and {} "
                           "was altered, removed or reordered",
                           name, c.size, ToHex(roots_wanted_.at(c.size)), ToHex(c.root),
                           matched + 1, c.size));
        continue;
      }
      matched = std::max(matched, c.size);
    }
  }

  Store& store_;
  std::unique_ptr<Store::ReadPoint> at_;
  const std::string ledger_id_;
  const std::function<void(uint64_t, uint64_t)>& progress_;

  Position last_ = 0;
  Position checked_ = 0;  // events 1..checked_ passed every check of the scan
  MerkleFrontier tree_;
  std::unordered_map<std::string, Chain, StringHash, std::equal_to<>> streams_;
  std::vector<const std::string*> names_;  // stream names by Chain::index
  std::vector<Slot> slots_;                // by position - 1
  std::vector<EventIdBytes> ids_;          // by position - 1
  std::vector<StoredCheckpoint> checkpoints_;
  std::map<uint64_t, Hash256> roots_wanted_;  // checkpoint size -> the log's root at it

  Position first_bad_ = kNoProblem;
  std::string problem_;
  std::string other_problem_;
};

}  // namespace

Result<StoreReport> VerifyStore(Store& store, const std::string& ledger_id,
                                const std::function<void(uint64_t, uint64_t)>& progress) {
  return Verifier(store, ledger_id, progress).Run();
}

}  // namespace secondment::internal
