#include "projections/projector.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "ledger/base/hash.h"
#include "ledger/log/tables.h"
#include "projections/keys.h"
#include "projections/models.h"

namespace secondment::projections {

std::vector<std::string> ProjectionNames() {
  std::vector<std::string> names;
  for (const auto& p : MakeProjections()) names.emplace_back(p->name());
  return names;
}

std::vector<std::string> ProjectionTables() {
  std::vector<std::string> tables;
  for (const auto& p : MakeProjections()) {
    for (auto& t : p->tables()) tables.push_back(std::move(t));
  }
  return tables;
}

Result<std::string> TablesDigest(EventLog& log) {
  std::string all;
  for (const auto& table : ProjectionTables()) {
    all += fmt::format("table {}\n", table);
    RETURN_IF_ERROR(
        Tables(log).Scan(table, "", "", [&](std::string_view key, std::string_view value) {
          all += fmt::format("{}:{}:", key.size(), value.size());
          all.append(key);
          all.append(value);
          return true;
        }));
  }
  return ToHex(Sha256(all));
}

Projector::Projector(EventLog* log) : log_(log), projections_(MakeProjections()) {}
Projector::~Projector() = default;

Result<Projector::Entry*> Projector::StateOf(std::string_view id, bool from_status_table) {
  auto it = cache_.find(std::string(id));
  if (it != cache_.end()) return &it->second;
  Entry entry;
  entry.after.state.id = std::string(id);
  if (from_status_table) {
    ASSIGN_OR_RETURN(auto row, Tables(*log_).Get(kStatusTable, Key("s", id)));
    if (row) {
      ASSIGN_OR_RETURN(entry.after, DecodeSecondment(*row));
    }
  }
  return &cache_.emplace(std::string(id), std::move(entry)).first->second;
}

Result<uint64_t> Projector::CatchUp(const Progress& progress) {
  std::vector<Position> checkpoints;
  for (const auto& p : projections_) {
    ASSIGN_OR_RETURN(Position c, Tables(*log_).Checkpoint(p->name()));
    checkpoints.push_back(c);
  }
  Position low = *std::min_element(checkpoints.begin(), checkpoints.end());
  Position head = log_->Head();
  if (low >= head) return uint64_t{0};
  // States come from the status table when it stands where the catch-up starts; when it is
  // ahead (another projection is being rebuilt), every state is folded afresh from position 1.
  bool from_status_table = checkpoints[0] == low;
  Position from = from_status_table ? low + 1 : 1;
  cache_.clear();

  std::vector<Entry*> touched;
  for (Position first = from; first <= head; first += kBatchEvents) {
    Position last = std::min<Position>(head, first + kBatchEvents - 1);
    std::vector<bool> applying(projections_.size());
    for (size_t i = 0; i < projections_.size(); ++i) applying[i] = checkpoints[i] < first;
    TableBatch batch;
    touched.clear();
    Status scanned = log_->Scan(first, last, [&](const EventView& view) -> Status {
      auto id = SecondmentIdOf({view.event.getStreamId().cStr(), view.event.getStreamId().size()});
      if (!id) return Status::Ok();  // employee streams hold bookkeeping only
      ASSIGN_OR_RETURN(Entry * entry, StateOf(*id, from_status_table));
      if (!entry->touched) {
        entry->before = entry->after;
        entry->touched = true;
        touched.push_back(entry);
      }
      EvolveInPlace(entry->after.state, view.event);
      entry->after.last_position = view.position;
      entry->after.version = view.event.getStreamVersion();
      for (size_t i = 0; i < projections_.size(); ++i) {
        if (applying[i]) projections_[i]->OnEvent(view, entry->after, batch);
      }
      return Status::Ok();
    });
    RETURN_IF_ERROR(scanned);
    for (Entry* entry : touched) {
      for (size_t i = 0; i < projections_.size(); ++i) {
        if (applying[i]) projections_[i]->OnChanged(entry->before, entry->after, batch);
      }
      entry->touched = false;
    }
    for (size_t i = 0; i < projections_.size(); ++i) {
      if (!applying[i]) continue;
      batch.SetCheckpoint(projections_[i]->name(), last);
      checkpoints[i] = last;
    }
    RETURN_IF_ERROR(Tables(*log_).Write(batch));
    if (progress) progress(last - from + 1, head - from + 1);
  }
  cache_.clear();
  return uint64_t{head - from + 1};
}

Result<uint64_t> Projector::Rebuild(std::optional<std::string> name, const Progress& progress) {
  std::vector<Projection*> targets;
  TableBatch reset;
  for (const auto& p : projections_) {
    if (name && p->name() != *name) continue;
    targets.push_back(p.get());
    for (const auto& table : p->tables()) RETURN_IF_ERROR(Tables(*log_).Clear(table));
    reset.SetCheckpoint(p->name(), 0);  // a crash from here on leaves it to CatchUp
  }
  if (targets.empty()) {
    std::string names;
    for (const auto& n : ProjectionNames()) names += (names.empty() ? "" : ", ") + n;
    return InvalidArgument(
        fmt::format("no projection '{}'; the projections are: {}", name.value_or(""), names));
  }
  RETURN_IF_ERROR(Tables(*log_).Write(reset));
  Position head = log_->Head();
  if (head == 0) return uint64_t{0};

  // Fold the whole log once, in memory.
  struct Slot {
    Folded folded;
    std::vector<Position> positions;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Slot, Hash, std::equal_to<>> slots;
  std::unordered_map<std::string, BulkInput::Timeline, Hash, std::equal_to<>> timelines;
  RETURN_IF_ERROR(log_->Scan(1, head, [&](const EventView& view) -> Status {
    auto id = SecondmentIdOf({view.event.getStreamId().cStr(), view.event.getStreamId().size()});
    if (!id) return Status::Ok();
    auto it = slots.find(*id);
    if (it == slots.end()) {
      it = slots.emplace(std::string(*id), Slot()).first;
      it->second.folded.state.id = it->first;
      it->second.positions.reserve(12);  // a secondment has ~8-12 events
    }
    Folded& f = it->second.folded;
    EvolveInPlace(f.state, view.event);
    f.last_position = view.position;
    f.version = view.event.getStreamVersion();
    it->second.positions.push_back(view.position);
    if (!f.state.employee_id.empty()) {
      auto t = timelines.find(f.state.employee_id);
      if (t == timelines.end()) {
        t = timelines.emplace(f.state.employee_id, BulkInput::Timeline()).first;
        t->second.reserve(12);
      }
      t->second.emplace_back(view.position, it->first);
    }
    if (progress && view.position % kBatchEvents == 0) progress(view.position, head);
    return Status::Ok();
  }));

  BulkInput input;
  std::vector<const std::pair<const std::string, Slot>*> ordered;
  ordered.reserve(slots.size());
  for (const auto& entry : slots) ordered.push_back(&entry);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : ordered) {
    input.by_id.push_back(&entry->second.folded);
    input.positions.push_back(&entry->second.positions);
  }
  for (const auto& [employee, timeline] : timelines)
    input.employees.emplace_back(employee, &timeline);
  std::sort(input.employees.begin(), input.employees.end());

  // Each table's file is built on its own thread (history, the largest, alone on one core).
  std::vector<Status> results(targets.size());
  std::vector<std::thread> builders;
  for (size_t i = 0; i < targets.size(); ++i) {
    builders.emplace_back([&, i] { results[i] = targets[i]->Bulk(input, *log_); });
  }
  for (auto& builder : builders) builder.join();
  TableBatch done;
  for (size_t i = 0; i < targets.size(); ++i) {
    RETURN_IF_ERROR(results[i]);
    done.SetCheckpoint(targets[i]->name(), head);
  }
  RETURN_IF_ERROR(Tables(*log_).Write(done));
  if (progress) progress(head, head);
  ASSIGN_OR_RETURN(uint64_t later, CatchUp());  // anything appended meanwhile
  return uint64_t{head + later};
}

}  // namespace secondment::projections
