#include "bench/peers/peer.h"

#include <fmt/format.h>

#include <chrono>
#include <unordered_map>
#include <unordered_set>

#include "bench/bench_util.h"

namespace secondment::bench::peers {
namespace {

// B of WORKLOAD.md on a peer's rows: status per secondment by event type, active placements
// per host org, each payload's hostOrg read, versions and positions checked on the way.
class RowReplay {
 public:
  explicit RowReplay(size_t streams) { index_of_.reserve(streams * 2); }

  void Add(const RowView& row) {
    if (row.position <= last_position_) Die(6, "peer replay: positions do not increase");
    last_position_ = row.position;
    ++result_.events;
    auto it = index_of_.find(row.stream_id);
    if (it == index_of_.end()) {
      it = index_of_.emplace(std::string(row.stream_id), streams_.size()).first;
      streams_.emplace_back();
    }
    uint32_t id = it->second;
    Stream& s = streams_[id];
    if (row.version != s.next_version++) {
      Die(6, fmt::format("peer replay: stream {} skips to version {}", row.stream_id, row.version));
    }
    std::string_view host = HostOrg(row.payload);
    result_.payload_text_bytes += row.payload.size();
    std::string_view type =
        row.type.substr(std::string_view("Secondment").size() * row.type.starts_with("Secondment"));
    if (type == "Proposed") {
      s.status = "proposed";
      auto [h, added] = host_index_.try_emplace(std::string(host), active_by_host_.size());
      if (added) active_by_host_.emplace_back();
      s.host = h->second;
    } else if (type == "ApprovedByHome") {
      s.status = "home_approved";
    } else if (type == "ApprovedByHost") {
      s.status = "approved";
    } else if (type == "Started") {
      s.status = "active";
      if (active_by_host_[s.host].insert(id).second) {
        result_.peak_active = std::max(result_.peak_active, ++active_);
      }
    } else if (type == "Extended") {
      s.status = "extended";
    } else if (type == "Returned" || type == "ConvertedToPermanent") {
      s.status = type == "Returned" ? "returned" : "converted";
      if (active_by_host_[s.host].erase(id) != 0) --active_;
    }
  }

  ReplayResult Finish() {
    result_.secondments = streams_.size();
    result_.active_at_end = active_;
    for (const Stream& s : streams_) result_.by_status[s.status]++;
    return result_;
  }

 private:
  struct Stream {
    const char* status = "proposed";
    uint32_t host = 0;
    int32_t next_version = 0;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  static std::string_view HostOrg(std::string_view payload) {
    // PostgreSQL's jsonb hands it back as `"hostOrg": "…"`, SQLite as it was written.
    constexpr std::string_view kKey = R"("hostOrg":)";
    size_t at = payload.find(kKey);
    if (at != std::string_view::npos) at = payload.find('"', at + kKey.size());
    if (at == std::string_view::npos) Die(6, "peer replay: a payload without hostOrg");
    ++at;
    return payload.substr(at, payload.find('"', at) - at);
  }

  ReplayResult result_;
  int64_t last_position_ = 0;
  uint64_t active_ = 0;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> index_of_;
  std::vector<Stream> streams_;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> host_index_;
  std::vector<std::unordered_set<uint32_t>> active_by_host_;
};

double AppendEach(Peer& peer, const std::vector<Row>& rows,
                  const std::vector<workload::Event>& events, size_t count, int writers) {
  peer.Recreate();
  auto parts = PartitionByStream(events, count, writers);
  std::vector<std::unique_ptr<Session>> sessions;
  for (int w = 0; w < writers; ++w) sessions.push_back(peer.Connect());
  double seconds = TimeWriters(writers, [&](int w) {
    for (size_t i : parts[w]) {
      const Row* row = &rows[i];
      sessions[w]->Append(std::span<const Row* const>(&row, 1));
    }
  });
  return static_cast<double>(count) / seconds;
}

double AppendBatched(Peer& peer, const std::vector<Row>& rows, size_t batch) {
  peer.Recreate();
  auto session = peer.Connect();
  std::vector<const Row*> pointers;
  pointers.reserve(rows.size());
  for (const Row& row : rows) pointers.push_back(&row);
  auto start = std::chrono::steady_clock::now();
  for (size_t begin = 0; begin < pointers.size(); begin += batch) {
    size_t n = std::min(batch, pointers.size() - begin);
    session->Append(std::span<const Row* const>(pointers.data() + begin, n));
  }
  return static_cast<double>(rows.size()) / Seconds(start);
}

}  // namespace

std::vector<Row> Rows(const workload::Workload& workload) {
  std::vector<Row> rows;
  rows.reserve(workload.events().size());
  for (size_t i = 0; i < workload.events().size(); ++i) {
    const workload::Event& e = workload.events()[i];
    rows.push_back(Row{
        .stream_id = workload.StreamId(e),
        .version = static_cast<int32_t>(e.version),
        .type = workload::TypeName(e.type),
        .event_id = workload.EventIdText(e),
        .recorded_at_micros =
            (workload::kT0Millis + static_cast<int64_t>(i) * workload::kStepMillis) * 1000,
        .actor = fmt::format("user-{:05d}", e.actor),
        .payload = workload.PayloadJson(e),
    });
  }
  return rows;
}

Figures Measure(Peer& peer, const workload::Workload& workload, const std::vector<Row>& rows,
                size_t prefix) {
  auto progress = [&](std::string_view what) {
    std::fprintf(stderr, "  %.*s: %.*s\n", static_cast<int>(peer.name().size()), peer.name().data(),
                 static_cast<int>(what.size()), what.data());
  };
  Figures f;
  progress(fmt::format("appends of {} events, one per transaction", prefix));
  f.append_1w_eps = AppendEach(peer, rows, workload.events(), prefix, 1);
  f.append_4w_eps = AppendEach(peer, rows, workload.events(), prefix, 4);
  f.append_16w_eps = AppendEach(peer, rows, workload.events(), prefix, 16);
  progress(fmt::format("{} events in transactions of 100", rows.size()));
  f.append_batch100_eps = AppendBatched(peer, rows, 100);
  peer.Settle();
  f.bytes_per_event = static_cast<double>(peer.Bytes()) / static_cast<double>(rows.size());

  progress("replay and stream reads");
  auto session = peer.Connect();
  session->ScanAll([](const RowView&) {});  // warm: B is measured on data just read
  RowReplay replay(workload.stream_count());
  auto start = std::chrono::steady_clock::now();
  session->ScanAll([&](const RowView& row) { replay.Add(row); });
  f.replay_eps = static_cast<double>(rows.size()) / Seconds(start);
  ReplayResult result = replay.Finish();
  if (std::string wrong = ReplayCheck(result, workload, /*in_global_order=*/true); !wrong.empty())
    Die(6, fmt::format("{} replay is wrong: {}", peer.name(), wrong));

  std::vector<double> micros;
  for (uint32_t n : workload.PhaseCStreams(10000)) {
    std::string stream = fmt::format("secondment-{}", n);
    int32_t next = 0;
    uint64_t seen = 0;
    start = std::chrono::steady_clock::now();
    session->ReadStream(stream, [&](const RowView& row) {
      if (row.version != next++) Die(6, "peer stream read: version out of order");
      seen += row.payload.size() + row.event_id.size() + row.actor.size() + row.type.size();
    });
    micros.push_back(Seconds(start) * 1e6);
    if (seen == 0) Die(6, fmt::format("{}: stream {} is empty", peer.name(), stream));
  }
  f.stream_read_p50_us = Quantile(micros, 0.50);
  f.stream_read_p99_us = Quantile(micros, 0.99);
  return f;
}

}  // namespace secondment::bench::peers
