// PostgreSQL as the ledger's peer: a cluster of its own, made by initdb under the bench's
// directory and started with stock settings (fsync and synchronous_commit on, as shipped),
// listening on a unix socket only. The events table holds the seven fields with the indexes
// WORKLOAD.md names; the payload is jsonb, the type PostgreSQL's documentation recommends for
// JSON. Each writer thread has its own connection, as an application's pool would give it.

#include <fmt/format.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "bench/bench_util.h"
#include "bench/peers/peer.h"

namespace secondment::bench::peers {
namespace {

constexpr char kSchema[] = R"(
DROP TABLE IF EXISTS events;
CREATE TABLE events (
  position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id   text        NOT NULL,
  version     integer     NOT NULL,
  event_type  text        NOT NULL,
  event_id    uuid        NOT NULL UNIQUE,
  recorded_at timestamptz NOT NULL,
  actor       text        NOT NULL,
  payload     jsonb       NOT NULL,
  UNIQUE (stream_id, version)
))";

// Inserts the row only when the stream stands at version - 1 (-1: no stream yet); the unique
// (stream_id, version) index refuses the loser of a race.
constexpr char kInsert[] = R"(
INSERT INTO events (stream_id, version, event_type, event_id, recorded_at, actor, payload)
SELECT $1, $2::integer, $3, $4::uuid, to_timestamp($5::bigint / 1000000.0), $6, $7::jsonb
WHERE (SELECT coalesce(max(version), -1) FROM events WHERE stream_id = $1) = $2::integer - 1)";

constexpr char kColumns[] =
    "position, stream_id, version, event_type, event_id::text, actor, payload::text";

std::string Quote(const std::string& s) {  // for a shell command line
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The newest installed server's programs: $PG_BINDIR, else /usr/lib/postgresql/<major>/bin.
std::string ServerBinDir() {
  if (const char* dir = std::getenv("PG_BINDIR"); dir != nullptr && *dir != '\0') return dir;
  std::string best;
  int best_major = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    int major = std::atoi(entry.path().filename().c_str());
    if (major > best_major && std::filesystem::exists(entry.path() / "bin/initdb")) {
      best_major = major;
      best = (entry.path() / "bin").string();
    }
  }
  if (best.empty()) {
    Die(6,
        "postgres: no server found under /usr/lib/postgresql (scripts/bench installs the "
        "Debian package postgresql; or set PG_BINDIR)");
  }
  return best;
}

std::string_view Value(PGresult* result, int row, int column) {
  return {PQgetvalue(result, row, column), static_cast<size_t>(PQgetlength(result, row, column))};
}

class PgSession final : public Session {
 public:
  // `prepare`: the statements on the events table, which the control session makes.
  PgSession(const std::string& conninfo, bool prepare) : conn_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) Fail("connect");
    if (!prepare) return;
    Check(PQprepare(conn_, "insert", kInsert, 0, nullptr), PGRES_COMMAND_OK, "prepare");
    Check(PQprepare(
              conn_, "read",
              fmt::format("SELECT {} FROM events WHERE stream_id = $1 ORDER BY version", kColumns)
                  .c_str(),
              0, nullptr),
          PGRES_COMMAND_OK, "prepare");
  }
  ~PgSession() override { PQfinish(conn_); }

  void Exec(const char* sql) { Check(PQexec(conn_, sql), PGRES_COMMAND_OK, sql); }

  PGresult* Query(const char* sql) {
    PGresult* result = PQexec(conn_, sql);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) Fail(sql);
    return result;
  }

  void Append(std::span<const Row* const> rows) override {
    if (rows.size() > 1) Exec("BEGIN");
    for (const Row* row : rows) {
      std::string version = std::to_string(row->version);
      std::string micros = std::to_string(row->recorded_at_micros);
      // row->type views a name of workload::TypeName, which ends with a NUL.
      const char* values[] = {row->stream_id.c_str(), version.c_str(), row->type.data(),
                              row->event_id.c_str(),  micros.c_str(),  row->actor.c_str(),
                              row->payload.c_str()};
      PGresult* result =
          PQexecPrepared(conn_, "insert", 7, values, nullptr, nullptr, /*resultFormat=*/0);
      if (PQresultStatus(result) != PGRES_COMMAND_OK) Fail("insert");
      if (std::string_view(PQcmdTuples(result)) != "1") {
        Die(6, fmt::format("postgres: {} is not at version {}", row->stream_id, row->version - 1));
      }
      PQclear(result);
    }
    if (rows.size() > 1) Exec("COMMIT");
  }

  // Through a cursor, 10,000 rows a fetch, so that memory stays flat on any log.
  void ScanAll(const RowFn& fn) override {
    Exec("BEGIN");
    Exec(fmt::format("DECLARE scan NO SCROLL CURSOR FOR SELECT {} FROM events ORDER BY position",
                     kColumns)
             .c_str());
    for (;;) {
      PGresult* result = Query("FETCH 10000 FROM scan");
      int rows = PQntuples(result);
      Deliver(result, fn);
      PQclear(result);
      if (rows == 0) break;
    }
    Exec("COMMIT");
  }

  void ReadStream(const std::string& stream_id, const RowFn& fn) override {
    const char* values[] = {stream_id.c_str()};
    PGresult* result = PQexecPrepared(conn_, "read", 1, values, nullptr, nullptr, 0);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) Fail("read");
    Deliver(result, fn);
    PQclear(result);
  }

 private:
  static void Deliver(PGresult* result, const RowFn& fn) {
    for (int i = 0, n = PQntuples(result); i < n; ++i) {
      fn(RowView{.position = std::atoll(PQgetvalue(result, i, 0)),
                 .stream_id = Value(result, i, 1),
                 .version = std::atoi(PQgetvalue(result, i, 2)),
                 .type = Value(result, i, 3),
                 .event_id = Value(result, i, 4),
                 .actor = Value(result, i, 5),
                 .payload = Value(result, i, 6)});
    }
  }

  void Check(PGresult* result, ExecStatusType want, std::string_view what) {
    if (PQresultStatus(result) != want) Fail(what);
    PQclear(result);
  }

  [[noreturn]] void Fail(std::string_view what) {
    Die(6, fmt::format("postgres: {}: {}", what, PQerrorMessage(conn_)));
  }

  PGconn* conn_;
};

// A measurement that dies (bench_util's Die exits) must not leave the cluster running: the
// command that stops it runs at exit unless the peer stopped it.
void StopAtExit(std::string command) {
  static std::string pending;
  static bool registered = false;
  pending = std::move(command);
  if (!registered) {
    registered = true;
    std::atexit([] {
      if (!pending.empty()) (void)std::system(pending.c_str());
    });
  }
}

class PgPeer final : public Peer {
 public:
  explicit PgPeer(std::string dir) : dir_(std::move(dir)), bin_(ServerBinDir()) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/socket");
    // PostgreSQL refuses to run as root: as root, the cluster belongs to the user postgres
    // that the Debian package creates.
    if (::geteuid() == 0) {
      struct passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr) Die(6, "postgres: running as root, and there is no user postgres");
      as_ = "runuser -u postgres -- ";
      Shell(fmt::format("chown -R postgres {}", Quote(dir_)));
    }
    stop_ = fmt::format("{}{}/pg_ctl -D {} -m fast -w stop >/dev/null 2>&1", as_, bin_,
                        Quote(dir_ + "/data"));
    Shell(
        fmt::format("{}{}/initdb -D {} -U bench -A trust -E UTF8 --locale=C.UTF-8 --no-sync "
                    ">{} 2>&1",
                    as_, bin_, Quote(dir_ + "/data"), Quote(dir_ + "/initdb.log")));
    Shell(fmt::format("{}{}/pg_ctl -D {} -l {} -w -o {} start >/dev/null", as_, bin_,
                      Quote(dir_ + "/data"), Quote(dir_ + "/server.log"),
                      Quote(fmt::format("-k {} -c listen_addresses=''", dir_ + "/socket"))));
    started_ = true;
    StopAtExit(stop_);
    conninfo_ =
        fmt::format("host={} dbname=postgres user=bench options='-c client_min_messages=warning'",
                    dir_ + "/socket");
    control_ = std::make_unique<PgSession>(conninfo_, /*prepare=*/false);
    PGresult* version = control_->Query("SHOW server_version");
    std::fprintf(stderr, "  pg: PostgreSQL %s under %s\n", PQgetvalue(version, 0, 0), dir_.c_str());
    PQclear(version);
  }

  ~PgPeer() override {
    control_.reset();
    if (started_) {
      StopAtExit("");
      Shell(stop_);
    }
    std::filesystem::remove_all(dir_);
  }

  std::string_view name() const override { return "pg"; }
  void Recreate() override { control_->Exec(kSchema); }
  std::unique_ptr<Session> Connect() override {
    return std::make_unique<PgSession>(conninfo_, true);
  }
  void Settle() override {
    control_->Exec("VACUUM (ANALYZE) events");
    control_->Exec("CHECKPOINT");
  }
  uint64_t Bytes() override {
    PGresult* result = control_->Query("SELECT pg_total_relation_size('events')");
    uint64_t bytes = std::strtoull(PQgetvalue(result, 0, 0), nullptr, 10);
    PQclear(result);
    return bytes;
  }

 private:
  void Shell(const std::string& command) {
    if (std::system(command.c_str()) != 0) {
      Die(6, fmt::format("postgres: failed: {} (logs under {})", command, dir_));
    }
  }

  std::string dir_, bin_, as_, conninfo_, stop_;
  bool started_ = false;
  std::unique_ptr<PgSession> control_;
};

}  // namespace

std::unique_ptr<Peer> StartPostgres(const std::string& dir) {
  return std::make_unique<PgPeer>(dir);
}

}  // namespace secondment::bench::peers
