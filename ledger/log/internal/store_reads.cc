// The Store's reads of the log's own families: read points, positions, streams, events, the
// event id index, the Merkle tree, cursors and the meta family.

#include <fmt/format.h>

#include "ledger/log/internal/keys.h"
#include "ledger/log/internal/store.h"
#include "ledger/log/internal/store_options.h"

namespace secondment::internal {

Store::ReadPoint::~ReadPoint() {
  if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
}

std::unique_ptr<Store::ReadPoint> Store::TakeReadPoint() {
  // A secondary instance has no snapshots, and needs none: its view changes only when it is
  // asked to catch up with the primary.
  const rocksdb::Snapshot* snapshot = secondary_dir_.empty() ? db_->GetSnapshot() : nullptr;
  return std::unique_ptr<ReadPoint>(new ReadPoint(db_.get(), snapshot));
}

namespace {

rocksdb::ReadOptions ReadAt(const Store::ReadPoint* at, const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions read;
  if (at != nullptr) read.snapshot = snapshot;
  return read;
}

}  // namespace

Result<Position> Store::LastPosition(const ReadPoint* at) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ReadAt(at, at ? at->snapshot_ : nullptr), events_));
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocks(it->status(), "finding the last position"));
  if (!it->Valid()) return Position{0};
  if (it->key().size() != 8) {
    return Corruption(fmt::format("events key of {} bytes, expected 8", it->key().size()));
  }
  return GetBigEndian(View(it->key()));
}

Result<std::optional<StreamTip>> Store::LastInStream(std::string_view stream) {
  std::string first_version;
  auto first = db_->Get(rocksdb::ReadOptions(), streams_, StreamKey(stream, 0), &first_version);
  if (first.IsNotFound()) return std::optional<StreamTip>();
  RETURN_IF_ERROR(FromRocks(first, fmt::format("reading stream {}", stream)));
  std::string last_key = StreamKey(stream, UINT32_MAX);
  std::string lower = StreamKey(stream, 0);
  rocksdb::ReadOptions read;
  rocksdb::Slice lower_bound(lower);
  read.iterate_lower_bound = &lower_bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, streams_));
  it->SeekForPrev(last_key);
  RETURN_IF_ERROR(FromRocks(it->status(), fmt::format("reading stream {}", stream)));
  if (!it->Valid()) return std::optional<StreamTip>();
  std::string_view key_stream;
  StreamTip tip;
  if (!ParseStreamKey(View(it->key()), &key_stream, &tip.version) || key_stream != stream ||
      it->value().size() != 8) {
    return Corruption(fmt::format("malformed streams entry for stream {}", stream));
  }
  tip.position = GetBigEndian(View(it->value()));
  return std::optional<StreamTip>(tip);
}

Status Store::StreamPositions(std::string_view stream, StreamVersion from, size_t max,
                              std::vector<Position>* out) {
  std::string upper = StreamUpperBound(stream);
  rocksdb::Slice upper_bound(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, streams_));
  StreamVersion expected = from;
  size_t taken = 0;
  for (it->Seek(StreamKey(stream, from)); it->Valid() && taken < max; it->Next(), ++taken) {
    std::string_view key_stream;
    StreamVersion version;
    if (!ParseStreamKey(View(it->key()), &key_stream, &version) || key_stream != stream ||
        it->value().size() != 8) {
      return Corruption(fmt::format("malformed streams entry for stream {}", stream));
    }
    if (version != expected) {
      return Corruption(
          fmt::format("stream {} skips from version {} to {}", stream, expected, version));
    }
    ++expected;
    out->push_back(GetBigEndian(View(it->value())));
  }
  return FromRocks(it->status(), fmt::format("reading stream {}", stream));
}

Status Store::GetEvents(const std::vector<Position>& positions, const ValueVisitor& visit) {
  if (positions.empty()) return Status::Ok();
  std::vector<std::string> keys;
  keys.reserve(positions.size());
  for (Position p : positions) keys.push_back(EventKey(p));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), events_, slices.size(), slices.data(), values.data(),
                statuses.data(), /*sorted_input=*/true);
  for (size_t i = 0; i < positions.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return Corruption(fmt::format("event at position {} is missing", positions[i]));
    }
    RETURN_IF_ERROR(FromRocks(statuses[i], fmt::format("reading position {}", positions[i])));
    RETURN_IF_ERROR(visit(positions[i], View(values[i])));
  }
  return Status::Ok();
}

Status Store::ScanEvents(Position first, Position last, const ValueVisitor& visit) {
  if (first > last) return Status::Ok();
  std::string upper = EventKey(last + 1);
  rocksdb::Slice upper_bound(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_bound;
  read.readahead_size = 2 << 20;
  read.adaptive_readahead = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, events_));
  Position expected = first;
  for (it->Seek(EventKey(first)); it->Valid(); it->Next()) {
    if (it->key().size() != 8) {
      return Corruption(
          fmt::format("events key of {} bytes after position {}", it->key().size(), expected - 1));
    }
    Position position = GetBigEndian(View(it->key()));
    if (position != expected) {
      return Corruption(fmt::format("event at position {} is missing", expected));
    }
    RETURN_IF_ERROR(visit(position, View(it->value())));
    ++expected;
  }
  RETURN_IF_ERROR(FromRocks(it->status(), fmt::format("reading position {}", expected)));
  if (expected != last + 1) {
    return Corruption(fmt::format("event at position {} is missing", expected));
  }
  return Status::Ok();
}

Status Store::LookupEventIds(const std::vector<EventId>& ids,
                             std::vector<std::optional<Position>>* out) {
  out->assign(ids.size(), std::nullopt);
  if (ids.empty()) return Status::Ok();
  std::vector<rocksdb::Slice> keys;
  keys.reserve(ids.size());
  for (const auto& id : ids) keys.emplace_back(id.AsStringView().data(), EventId::kSize);
  std::vector<rocksdb::PinnableSlice> values(ids.size());
  std::vector<rocksdb::Status> statuses(ids.size());
  db_->MultiGet(rocksdb::ReadOptions(), event_ids_, keys.size(), keys.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocks(statuses[i], "looking up event ids"));
    if (values[i].size() != 8) {
      return Corruption(fmt::format("event id index entry of {} bytes for {}", values[i].size(),
                                    ids[i].ToString()));
    }
    (*out)[i] = GetBigEndian(View(values[i]));
  }
  return Status::Ok();
}

Result<Hash256> Store::Subtree(int level, uint64_t index) {
  if (KeepsLevel(level)) {
    rocksdb::PinnableSlice value;
    auto s = db_->Get(rocksdb::ReadOptions(), merkle_, MerkleKey(level, index), &value);
    if (s.IsNotFound()) {
      return Corruption(fmt::format("Merkle node at level {} index {} is missing", level, index));
    }
    RETURN_IF_ERROR(FromRocks(s, "reading the Merkle tree"));
    if (value.size() != sizeof(Hash256)) {
      return Corruption(fmt::format("Merkle node at level {} index {} is {} bytes, not 32", level,
                                    index, value.size()));
    }
    Hash256 hash;
    std::memcpy(hash.data(), value.data(), hash.size());
    return hash;
  }
  uint64_t first = index << level;
  uint64_t count = uint64_t{1} << level;
  std::vector<Hash256> nodes;
  nodes.reserve(count);
  Status malformed = Status::Ok();
  RETURN_IF_ERROR(ScanMerkleLevel(0, first, [&](uint64_t leaf, std::string_view hash) {
    if (leaf != first + nodes.size() || hash.size() != sizeof(Hash256)) {
      malformed =
          Corruption(fmt::format("Merkle leaf {} is missing or malformed", first + nodes.size()));
      return false;
    }
    nodes.emplace_back();
    std::memcpy(nodes.back().data(), hash.data(), hash.size());
    return nodes.size() < count;
  }));
  RETURN_IF_ERROR(malformed);
  if (nodes.size() != count) {
    return Corruption(fmt::format("Merkle leaf {} is missing", first + nodes.size()));
  }
  for (; count > 1; count /= 2) {
    for (uint64_t i = 0; i < count / 2; ++i) nodes[i] = NodeHash(nodes[2 * i], nodes[2 * i + 1]);
  }
  return nodes[0];
}

Status Store::ScanMerkleLevel(
    int level, uint64_t first_index,
    const std::function<bool(uint64_t index, std::string_view hash)>& visit) {
  std::string upper(1, static_cast<char>(level + 1));
  rocksdb::Slice upper_bound(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_bound;
  read.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, merkle_));
  for (it->Seek(MerkleKey(level, first_index)); it->Valid(); it->Next()) {
    if (it->key().size() != 9) {
      return Corruption(fmt::format("Merkle key of {} bytes at level {}", it->key().size(), level));
    }
    if (!visit(GetBigEndian(View(it->key()).substr(1)), View(it->value()))) break;
  }
  return FromRocks(it->status(), "reading the Merkle tree");
}

namespace {

class RocksCursor final : public Store::Cursor {
 public:
  RocksCursor(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, std::string_view start,
              const rocksdb::Snapshot* snapshot) {
    rocksdb::ReadOptions read;
    read.snapshot = snapshot;
    read.readahead_size = 2 << 20;
    read.adaptive_readahead = true;
    read.total_order_seek = true;  // the id family has a prefix extractor; walk all of it
    it_.reset(db->NewIterator(read, family));
    it_->Seek(rocksdb::Slice(start.data(), start.size()));
  }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override { return View(it_->key()); }
  std::string_view value() const override { return View(it_->value()); }
  void Next() override { it_->Next(); }
  Status status() const override { return FromRocks(it_->status(), "reading the ledger"); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

std::unique_ptr<Store::Cursor> Store::OpenCursor(Family family, std::string_view start,
                                                 const ReadPoint* at) {
  rocksdb::ColumnFamilyHandle* handle = events_;
  switch (family) {
    case Family::kEvents:
      handle = events_;
      break;
    case Family::kStreams:
      handle = streams_;
      break;
    case Family::kEventIds:
      handle = event_ids_;
      break;
    case Family::kMerkle:
      handle = merkle_;
      break;
  }
  return std::make_unique<RocksCursor>(db_.get(), handle, start, at ? at->snapshot_ : nullptr);
}

Result<std::optional<std::string>> Store::GetMeta(std::string_view key, const ReadPoint* at) {
  std::string value;
  auto s = db_->Get(ReadAt(at, at ? at->snapshot_ : nullptr), meta_,
                    rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocks(s, "reading the meta family"));
  return std::optional<std::string>(std::move(value));
}

Status Store::ScanMeta(std::string_view prefix,
                       const std::function<Status(std::string_view, std::string_view)>& visit,
                       const ReadPoint* at) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(ReadAt(at, at ? at->snapshot_ : nullptr), meta_));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() && View(it->key()).substr(0, prefix.size()) == prefix; it->Next()) {
    RETURN_IF_ERROR(visit(View(it->key()), View(it->value())));
  }
  return FromRocks(it->status(), "reading the meta family");
}

}  // namespace secondment::internal
