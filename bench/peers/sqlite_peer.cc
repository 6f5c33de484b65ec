// SQLite as the ledger's peer: WAL journal, synchronous=FULL (every commit fsyncs the WAL), one
// events table with the indexes WORKLOAD.md names. Each writer thread has its own connection;
// SQLite lets one write transaction in at a time (BEGIN IMMEDIATE, waiting when busy).

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "bench/bench_util.h"
#include "bench/peers/peer.h"

namespace secondment::bench::peers {
namespace {

constexpr char kSchema[] = R"(
CREATE TABLE events (
  position    INTEGER PRIMARY KEY,
  stream_id   TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  event_type  TEXT    NOT NULL,
  event_id    TEXT    NOT NULL UNIQUE,
  recorded_at INTEGER NOT NULL,
  actor       TEXT    NOT NULL,
  payload     TEXT    NOT NULL,
  UNIQUE (stream_id, version)
))";

// Inserts the row only when the stream stands at version - 1 (-1: no stream yet).
constexpr char kInsert[] = R"(
INSERT INTO events (stream_id, version, event_type, event_id, recorded_at, actor, payload)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
WHERE (SELECT coalesce(max(version), -1) FROM events WHERE stream_id = ?1) = ?2 - 1)";

std::string_view Column(sqlite3_stmt* stmt, int i) {
  auto text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
  return {text == nullptr ? "" : text, static_cast<size_t>(sqlite3_column_bytes(stmt, i))};
}

class SqliteSession final : public Session {
 public:
  explicit SqliteSession(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      Fail("open");
    }
    sqlite3_busy_timeout(db_, 60000);
    Exec("PRAGMA synchronous=FULL");
    insert_ = Prepare(kInsert);
    scan_ = Prepare(
        "SELECT position, stream_id, version, event_type, event_id, actor, payload "
        "FROM events ORDER BY position");
    read_ = Prepare(
        "SELECT position, stream_id, version, event_type, event_id, actor, payload "
        "FROM events WHERE stream_id = ?1 ORDER BY version");
  }
  ~SqliteSession() override {
    for (sqlite3_stmt* s : {insert_, scan_, read_}) sqlite3_finalize(s);
    sqlite3_close(db_);
  }

  void Exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) Fail(sql);
  }

  void Append(std::span<const Row* const> rows) override {
    Exec("BEGIN IMMEDIATE");
    for (const Row* row : rows) {
      sqlite3_bind_text(insert_, 1, row->stream_id.data(), static_cast<int>(row->stream_id.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int(insert_, 2, row->version);
      sqlite3_bind_text(insert_, 3, row->type.data(), static_cast<int>(row->type.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(insert_, 4, row->event_id.data(), static_cast<int>(row->event_id.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(insert_, 5, row->recorded_at_micros);
      sqlite3_bind_text(insert_, 6, row->actor.data(), static_cast<int>(row->actor.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(insert_, 7, row->payload.data(), static_cast<int>(row->payload.size()),
                        SQLITE_STATIC);
      if (sqlite3_step(insert_) != SQLITE_DONE) Fail("insert");
      if (sqlite3_changes(db_) != 1) {
        Die(6, fmt::format("sqlite: {} is not at version {}", row->stream_id, row->version - 1));
      }
      sqlite3_reset(insert_);
    }
    Exec("COMMIT");
  }

  void ScanAll(const RowFn& fn) override { Run(scan_, fn); }

  void ReadStream(const std::string& stream_id, const RowFn& fn) override {
    sqlite3_bind_text(read_, 1, stream_id.data(), static_cast<int>(stream_id.size()),
                      SQLITE_STATIC);
    Run(read_, fn);
  }

 private:
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      Fail("prepare");
    return stmt;
  }

  void Run(sqlite3_stmt* stmt, const RowFn& fn) {
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      fn(RowView{.position = sqlite3_column_int64(stmt, 0),
                 .stream_id = Column(stmt, 1),
                 .version = sqlite3_column_int(stmt, 2),
                 .type = Column(stmt, 3),
                 .event_id = Column(stmt, 4),
                 .actor = Column(stmt, 5),
                 .payload = Column(stmt, 6)});
    }
    if (rc != SQLITE_DONE) Fail("select");
    sqlite3_reset(stmt);
  }

  [[noreturn]] void Fail(std::string_view what) {
    Die(6, fmt::format("sqlite: {}: {}", what, sqlite3_errmsg(db_)));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* scan_ = nullptr;
  sqlite3_stmt* read_ = nullptr;
};

class SqlitePeer final : public Peer {
 public:
  explicit SqlitePeer(std::string dir) : dir_(std::move(dir)), path_(dir_ + "/events.db") {}
  ~SqlitePeer() override { std::filesystem::remove_all(dir_); }

  std::string_view name() const override { return "sqlite"; }

  void Recreate() override {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    sqlite3* db = nullptr;
    if (sqlite3_open(path_.c_str(), &db) != SQLITE_OK) Die(6, "sqlite: cannot create " + path_);
    for (const char* sql : {"PRAGMA journal_mode=WAL", kSchema}) {
      if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        Die(6, fmt::format("sqlite: {}", sqlite3_errmsg(db)));
    }
    sqlite3_close(db);
  }

  std::unique_ptr<Session> Connect() override { return std::make_unique<SqliteSession>(path_); }

  void Settle() override { SqliteSession(path_).Exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

  uint64_t Bytes() override { return std::filesystem::file_size(path_); }

 private:
  std::string dir_, path_;
};

}  // namespace

std::unique_ptr<Peer> OpenSqlite(const std::string& dir) {
  return std::make_unique<SqlitePeer>(dir);
}

}  // namespace secondment::bench::peers
