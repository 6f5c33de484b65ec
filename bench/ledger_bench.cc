// ledger_bench: the event log on the workload of ../shared/WORKLOAD.md (phases A to D), beside
// bare RocksDB writing the same keys in the same run.
//
//   build/bin/ledger_bench [--json] [--runs R] [--events N] [--streams S] [--prefix P] [--dir D]
//
// Every figure is the median over R runs (default 3); `spread` gives [min, max]. With --json
// it prints ONE JSON object on stdout; progress goes to stderr. Exit status: 0, 2 for bad
// arguments, 6 when the ledger fails or the replay does not give the expected result.

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "bench/audit_bench.h"
#include "bench/bench_util.h"
#include "bench/cli_bench.h"
#include "bench/http_bench.h"
#include "bench/import_bench.h"
#include "bench/peers/peer.h"
#include "bench/projection_bench.h"
#include "bench/raw_baseline.h"
#include "bench/relay_bench.h"
#include "bench/replay.h"
#include "bench/rpc_bench.h"
#include "bench/workload.h"
#include "ledger/log/event_log.h"
#include "ledger/log/maintenance.h"
#include "projections/projector.h"

namespace secondment::bench {
namespace {

struct Config {
  uint32_t streams = workload::kDefaultStreams;
  uint64_t events = 0;  // 0: the whole workload
  size_t prefix = 20000;
  int runs = 3;
  bool json = false;
  bool only_import = false;         // --only import: just the import and export phase
  bool sqlite = false, pg = false;  // --peers: the same phases on SQLite and PostgreSQL
  std::string dir;
};

constexpr char kUsage[] =
    "usage: ledger_bench [--json] [--runs R] [--events N] [--streams S] [--prefix P] [--dir D]\n"
    "                    [--peers [sqlite|pg|sqlite,pg]]\n"
    "  --events N   keep the first N events of the global order (scales the run down; with no\n"
    "               --streams, S becomes N / 8.3 rounded up)\n"
    "  --streams S  secondments in the workload (default 100000)\n"
    "  --prefix P   events in the one-event-per-append phases (default 20000)\n"
    "  --runs R     repetitions; figures are medians (default 3)\n"
    "  --only import  only the import and export of the workload (import_eps, export_eps)\n"
    "  --peers      also run the append, replay, stream-read and storage phases on SQLite and on\n"
    "               a PostgreSQL cluster started under --dir, and print their figures (sqlite_*,\n"
    "               pg_*) and the ledger's ratios to them (*_vs_sqlite, *_vs_pg); a list picks "
    "one\n"
    "  --dir D      where the stores are made (default: a new directory under $TMPDIR or /tmp;\n"
    "               kept afterwards when $LEDGER_BENCH_KEEP is set)\n";

uint64_t ParseCount(std::string_view flag, const char* text, uint64_t min, uint64_t max) {
  std::string_view s = text == nullptr ? "" : text;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min || v > max) {
    Die(2, fmt::format("{} takes a whole number from {} to {}, got '{}'", flag, min, max, s));
  }
  return v;
}

Config ParseArgs(int argc, char** argv) {
  Config config;
  bool streams_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--json") {
      config.json = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--events") {
      config.events = ParseCount(arg, next, 1, 100000000), ++i;
    } else if (arg == "--streams") {
      config.streams = static_cast<uint32_t>(ParseCount(arg, next, 1, 10000000)), ++i;
      streams_given = true;
    } else if (arg == "--prefix") {
      config.prefix = ParseCount(arg, next, 1, 100000000), ++i;
    } else if (arg == "--runs") {
      config.runs = static_cast<int>(ParseCount(arg, next, 1, 100)), ++i;
    } else if (arg == "--only") {
      if (next == nullptr || std::string_view(next) != "import") Die(2, "--only takes: import");
      config.only_import = true, ++i;
    } else if (arg == "--peers") {
      std::string_view list = next != nullptr && next[0] != '-' ? next : "sqlite,pg";
      if (list != "sqlite" && list != "pg" && list != "sqlite,pg" && list != "pg,sqlite")
        Die(2, fmt::format("--peers takes sqlite, pg or sqlite,pg, got '{}'", list));
      config.sqlite = list.find("sqlite") != std::string_view::npos;
      config.pg = list.find("pg") != std::string_view::npos;
      if (next != nullptr && next[0] != '-') ++i;
    } else if (arg == "--dir") {
      if (next == nullptr || *next == '\0') Die(2, "--dir takes a directory");
      config.dir = next, ++i;
    } else {
      Die(2, fmt::format("unknown argument '{}'\n{}", arg, kUsage));
    }
  }
  if (config.events != 0 && !streams_given) {
    config.streams = static_cast<uint32_t>(
        std::min<uint64_t>(workload::kDefaultStreams, (config.events * 10 + 82) / 83));
  }
  if (config.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    config.dir = fmt::format("{}/ledger-bench-{}", tmp && *tmp ? tmp : "/tmp", ::getpid());
  }
  return config;
}

std::unique_ptr<EventLog> OpenFresh(const std::string& dir) {
  std::filesystem::remove_all(dir);
  Options options;
  options.tables = projections::ProjectionTables();
  auto log = EventLog::Open(dir, options);
  Check(log.status(), "opening the ledger");
  return std::move(log).value();
}

ExpectedVersion ExpectedBefore(const workload::Event& e) {
  return e.version == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exactly(e.version - 1);
}

// The ledger seals each event's personal fields (docs/privacy.md); `sealed` false measures the
// same work stored in clear, for the cost of the encryption.
constexpr bool kSealed = true;

// A(a), A(b) and 16 writers: one durable event per append, writers on their own streams.
double LedgerAppendEach(const std::string& dir, const workload::Workload& w, size_t count,
                        int writers, bool sealed = kSealed) {
  auto log = OpenFresh(dir);
  auto parts = PartitionByStream(w.events(), count, writers);
  std::vector<std::vector<NewEvent>> built(count);
  std::vector<std::string> streams(count);
  for (size_t i = 0; i < count; ++i) {
    built[i].push_back(w.ToLedgerEvent(w.events()[i], sealed));
    streams[i] = w.StreamId(w.events()[i]);
  }
  double seconds = TimeWriters(writers, [&](int writer) {
    for (size_t i : parts[writer]) {
      auto result = log->Append(streams[i], ExpectedBefore(w.events()[i]), std::move(built[i]));
      Check(result.status(), "append");
    }
  });
  return static_cast<double>(count) / seconds;
}

// A(c): every event, in durable appends of `batch` consecutive events of several streams.
double LedgerLoadBatched(EventLog& log, const workload::Workload& w, size_t batch,
                         bool sealed = kSealed) {
  const auto& events = w.events();
  std::vector<std::vector<StreamAppend>> appends;
  for (size_t begin = 0; begin < events.size(); begin += batch) {
    std::vector<StreamAppend> parts;
    for (const Run& run : StreamRuns(events, begin, std::min(events.size(), begin + batch))) {
      StreamAppend part{w.StreamId(events[run.begin]), ExpectedBefore(events[run.begin]), {}};
      for (size_t i = run.begin; i < run.end; ++i)
        part.events.push_back(w.ToLedgerEvent(events[i], sealed));
      parts.push_back(std::move(part));
    }
    appends.push_back(std::move(parts));
  }
  double seconds = TimeWriters(1, [&](int) {
    for (auto& parts : appends) Check(log.Append(std::move(parts)).status(), "batched append");
  });
  return static_cast<double>(events.size()) / seconds;
}

// B: the median of three replays of every event, after one that warms the cache ("warm"
// replay reads what was just read).
double WarmReplayEps(EventLog& log, size_t total) {
  DecodeAll(log);
  std::vector<double> passes;
  for (int pass = 0; pass < 3; ++pass) {
    auto start = std::chrono::steady_clock::now();
    DecodeAll(log);
    passes.push_back(static_cast<double>(total) / Seconds(start));
  }
  return Median(passes);
}

struct StreamReadFigures {
  double p50_us, p99_us;
};

// C: whole histories of 10,000 secondments drawn by the phase-C generator.
StreamReadFigures ReadStreams(EventLog& log, const workload::Workload& w) {
  std::vector<double> micros;
  for (uint32_t n : w.PhaseCStreams(10000)) {
    std::string stream = fmt::format("secondment-{}", n);
    auto start = std::chrono::steady_clock::now();
    auto events = log.ReadStream(stream, 0, 1000);
    Check(events.status(), "stream read");
    for (size_t v = 0; v < events->size(); ++v) {
      if ((*events)[v].Get().getStreamVersion() != v) Die(6, "stream read: version out of order");
    }
    micros.push_back(Seconds(start) * 1e6);
    if (events->empty()) Die(6, fmt::format("stream {} is empty", stream));
  }
  return {Quantile(micros, 0.50), Quantile(micros, 0.99)};
}

struct Series {
  std::vector<double> values;
  double median() const { return Median(values); }
  double min() const { return *std::min_element(values.begin(), values.end()); }
  double max() const { return *std::max_element(values.begin(), values.end()); }
};

// A peer's figures of this run as `<peer>_<key>`, and the ledger's figure of the same run over
// the peer's as `<key>_vs_<peer>` (above 1: the ledger is faster, or for latencies and bytes,
// larger). The peer's replay is phase B, so it is compared both with the ledger's B
// (replay_projection_eps) and with the ledger's decoding of every field (replay_eps).
void RecordPeer(std::map<std::string, Series>& figures, std::string_view peer,
                const peers::Figures& f) {
  const std::pair<const char*, double> keys[] = {
      {"append_1w_eps", f.append_1w_eps},
      {"append_4w_eps", f.append_4w_eps},
      {"append_16w_eps", f.append_16w_eps},
      {"append_batch100_eps", f.append_batch100_eps},
      {"replay_eps", f.replay_eps},
      {"stream_read_p50_us", f.stream_read_p50_us},
      {"stream_read_p99_us", f.stream_read_p99_us},
      {"bytes_per_event", f.bytes_per_event},
  };
  for (const auto& [key, value] : keys) {
    figures[fmt::format("{}_{}", peer, key)].values.push_back(value);
    figures[fmt::format("{}_vs_{}", key, peer)].values.push_back(figures[key].values.back() /
                                                                 value);
  }
  figures[fmt::format("replay_projection_eps_vs_{}", peer)].values.push_back(
      figures["replay_projection_eps"].values.back() / f.replay_eps);
}

}  // namespace

int Main(int argc, char** argv) {
  Config config = ParseArgs(argc, argv);
  StartSpawner();
  std::filesystem::create_directories(config.dir);
  auto progress = [&](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };

  progress(fmt::format("generating workload v1: S={}", config.streams));
  workload::Workload w = workload::Workload::Generate(config.streams, config.events);
  size_t total = w.events().size();
  size_t prefix = std::min(config.prefix, total);
  std::vector<std::string> values = StoredValues(w, total);

  std::map<std::string, Series> figures;
  ReplayResult replay_result;
  std::vector<peers::Row> peer_rows;
  std::vector<std::unique_ptr<peers::Peer>> peer_stores;
  if (config.sqlite) peer_stores.push_back(peers::OpenSqlite(config.dir + "/sqlite"));
  if (config.pg) peer_stores.push_back(peers::StartPostgres(config.dir + "/pg"));
  if (!peer_stores.empty()) peer_rows = peers::Rows(w);
  for (int run = 1; run <= config.runs; ++run) {
    progress(fmt::format("run {}/{}: the workload as commands, imported and exported", run,
                         config.runs));
    ImportFigures imported = ImportExport(config.dir + "/import", w);
    figures["import_eps"].values.push_back(imported.import_eps);
    figures["export_eps"].values.push_back(imported.export_eps);
    figures["import_events"].values.push_back(static_cast<double>(imported.events));
    figures["cli_step_ms"].values.push_back(imported.cli.step_ms);
    figures["cli_show_ms"].values.push_back(imported.cli.show_ms);
    figures["rebuild_max_rss_mb"].values.push_back(imported.cli.rebuild_max_rss_mb);
    figures["verify_max_rss_mb"].values.push_back(imported.cli.verify_max_rss_mb);
    if (config.only_import) continue;
    progress(
        fmt::format("run {}/{}: appends of {} events, one per append", run, config.runs, prefix));
    for (int writers : {1, 4, 16}) {
      double ledger = LedgerAppendEach(config.dir + "/ledger-each", w, prefix, writers);
      double raw = RawAppendEach(config.dir + "/raw-each", w, values, prefix, writers);
      figures[fmt::format("append_{}w_eps", writers)].values.push_back(ledger);
      figures[fmt::format("raw_append_{}w_eps", writers)].values.push_back(raw);
      figures[fmt::format("append_{}w_vs_raw", writers)].values.push_back(ledger / raw);
      if (writers == 16) {
        double plain = LedgerAppendEach(config.dir + "/ledger-each-plain", w, prefix, writers,
                                        /*sealed=*/false);
        figures["append_16w_unsealed_eps"].values.push_back(plain);
        figures["append_16w_sealed_vs_unsealed"].values.push_back(ledger / plain);
        std::filesystem::remove_all(config.dir + "/ledger-each-plain");
      }
    }
    std::filesystem::remove_all(config.dir + "/ledger-each");

    progress(fmt::format("run {}/{}: {} events in appends of 100", run, config.runs, total));
    std::string loaded = config.dir + "/ledger-loaded";
    auto log = OpenFresh(loaded);
    double batched = LedgerLoadBatched(*log, w, 100);
    double raw_batched = RawAppendBatched(config.dir + "/raw-batched", w, values, 100);
    figures["append_batch100_eps"].values.push_back(batched);
    figures["raw_append_batch100_eps"].values.push_back(raw_batched);
    figures["append_batch100_vs_raw"].values.push_back(batched / raw_batched);

    Check(SettleLedger(*log), "settle");
    progress(fmt::format("run {}/{}: replay and stream reads", run, config.runs));
    double replay = WarmReplayEps(*log, total);
    figures["replay_eps"].values.push_back(replay);
    {
      // The same replay of the same events stored in clear: the cost of opening sealed ones.
      auto plain = OpenFresh(config.dir + "/ledger-plain");
      LedgerLoadBatched(*plain, w, 100, /*sealed=*/false);
      double plain_replay = WarmReplayEps(*plain, total);
      figures["replay_unsealed_eps"].values.push_back(plain_replay);
      figures["replay_sealed_vs_unsealed"].values.push_back(replay / plain_replay);
      plain.reset();
      std::filesystem::remove_all(config.dir + "/ledger-plain");
    }
    auto start = std::chrono::steady_clock::now();
    replay_result = ReplayFull(*log, w);
    figures["replay_projection_eps"].values.push_back(static_cast<double>(total) / Seconds(start));
    start = std::chrono::steady_clock::now();
    ReplayWithReadAll(*log);
    figures["replay_readall_eps"].values.push_back(static_cast<double>(total) / Seconds(start));
    StreamReadFigures reads = ReadStreams(*log, w);
    figures["stream_read_p50_us"].values.push_back(reads.p50_us);
    figures["stream_read_p99_us"].values.push_back(reads.p99_us);

    progress(fmt::format("run {}/{}: verify and proofs", run, config.runs));
    figures["verify_eps"].values.push_back(VerifyEps(*log));
    figures["subscribe_catchup_eps"].values.push_back(SubscribeCatchupEps(*log));
    progress(fmt::format("run {}/{}: relay into JetStream", run, config.runs));
    figures["relay_eps"].values.push_back(RelayEps(*log, config.dir + "/nats"));
    progress(fmt::format("run {}/{}: appends through the RPC server", run, config.runs));
    RpcFigures rpc = RpcAppend(config.dir + "/rpc", 500);
    figures["rpc_append_p50_us"].values.push_back(rpc.p50_us);
    figures["rpc_append_p99_us"].values.push_back(rpc.p99_us);
    figures["rpc_append_1s_eps"].values.push_back(rpc.eps_1s);
    figures["rpc_append_16s_eps"].values.push_back(rpc.eps_16s);
    figures["feed_lag_p99_ms"].values.push_back(rpc.feed_lag_p99_ms);
    progress(fmt::format("run {}/{}: the HTTP API", run, config.runs));
    HttpFigures http = HttpServe(config.dir + "/http", 200, 4000);
    figures["http_append_16c_eps"].values.push_back(http.append_16c_eps);
    figures["http_append_16c_vs_rpc"].values.push_back(http.append_16c_eps / rpc.eps_16s);
    figures["http_placements_p50_ms"].values.push_back(http.placements_p50_ms);
    figures["http_placements_p99_ms"].values.push_back(http.placements_p99_ms);
    figures["sse_catchup_eps"].values.push_back(http.sse_catchup_eps);
    ProveFigures prove = ProveMicros(*log, 200);
    figures["prove_us"].values.push_back(prove.p50_us);
    figures["prove_p99_us"].values.push_back(prove.p99_us);

    // The event log alone, before any projection is built.
    figures["bytes_per_event_settled"].values.push_back(static_cast<double>(LiveDataBytes(loaded)) /
                                                        static_cast<double>(total));
    Check(CompactLedger(*log), "compaction");
    figures["bytes_per_event"].values.push_back(static_cast<double>(LiveDataBytes(loaded)) /
                                                static_cast<double>(total));

    progress(fmt::format("run {}/{}: projections", run, config.runs));
    figures["rebuild_eps"].values.push_back(RebuildEps(*log));
    figures["as_of_replay_s"].values.push_back(AsOfReplaySeconds(*log));
    QueryFigures query = PlacementsQuery(config.dir + "/query", 1000, 1000);
    figures["placements_query_p50_us"].values.push_back(query.p50_us);
    figures["placements_query_p99_us"].values.push_back(query.p99_us);
    if (query.active != 1000) Die(6, fmt::format("placements query found {}", query.active));
    log.reset();
    std::filesystem::remove_all(loaded);

    for (auto& peer : peer_stores) {
      progress(fmt::format("run {}/{}: the same phases on {}", run, config.runs, peer->name()));
      RecordPeer(figures, peer->name(), peers::Measure(*peer, w, peer_rows, prefix));
    }
  }
  peer_stores.clear();
  if (std::getenv("LEDGER_BENCH_KEEP") == nullptr) std::filesystem::remove_all(config.dir);

  std::string replay_check =
      config.only_import ? "" : ReplayCheck(replay_result, w, /*in_global_order=*/true);
  if (config.json) {
    std::string out =
        fmt::format("{{\"workload\":\"v1\",\"streams\":{},\"events\":{},\"prefix\":{},\"runs\":{}",
                    config.streams, total, prefix, config.runs);
    for (const auto& [key, series] : figures)
      out += fmt::format(",\"{}\":{:.3f}", key, series.median());
    out += ",\"spread\":{";
    bool first = true;
    for (const auto& [key, series] : figures) {
      out += fmt::format("{}\"{}\":[{:.3f},{:.3f}]", first ? "" : ",", key, series.min(),
                         series.max());
      first = false;
    }
    out += config.only_import ? "}}" : fmt::format("}},\"replay\":{}}}", ReplayJson(replay_result));
    std::printf("%s\n", out.c_str());
  } else {
    std::printf("workload v1, S=%u, %zu events, prefix %zu, median of %d runs (min..max)\n",
                config.streams, total, prefix, config.runs);
    for (const auto& [key, series] : figures) {
      std::printf("  %-26s %14.2f   (%.2f .. %.2f)\n", key.c_str(), series.median(), series.min(),
                  series.max());
    }
    if (!config.only_import) std::printf("  replay: %s\n", ReplayJson(replay_result).c_str());
  }
  if (!replay_check.empty()) Die(6, "replay result is wrong: " + replay_check);
  return 0;
}

}  // namespace secondment::bench

int main(int argc, char** argv) { return secondment::bench::Main(argc, argv); }
