// The peers of WORKLOAD.md section 6, measured in the same run as the ledger: an events table
// in SQLite and in PostgreSQL, written and read by the phases of section 4 with the same
// generator and the same timing as the ledger's figures. A peer is a store a user would pick
// instead of the ledger, set up as its documentation recommends for durability and nothing
// more (docs in BENCHMARKS.md, "The peers").

#ifndef SECONDMENT_BENCH_PEERS_PEER_H_
#define SECONDMENT_BENCH_PEERS_PEER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench/replay.h"
#include "bench/workload.h"

namespace secondment::bench::peers {

// One workload event as a row of the peers' events table (WORKLOAD.md 2.5: all seven fields).
struct Row {
  std::string stream_id;
  int32_t version = 0;
  std::string_view type;  // "SecondmentProposed", ...
  std::string event_id;   // the UUID as text
  int64_t recorded_at_micros = 0;
  std::string actor;    // "user-01234"
  std::string payload;  // the compact JSON of section 2.3
};

std::vector<Row> Rows(const workload::Workload& workload);

// An event as a peer hands it back; the views live until the callback returns.
struct RowView {
  int64_t position = 0;
  std::string_view stream_id;
  int32_t version = 0;
  std::string_view type;
  std::string_view event_id;
  std::string_view actor;
  std::string_view payload;
};
using RowFn = std::function<void(const RowView&)>;

// One connection, used by one thread at a time.
class Session {
 public:
  virtual ~Session() = default;
  // One durable transaction appending `rows` in order, each checked against its expected
  // version (version v needs the stream at v - 1): all or nothing; dies if a check fails.
  virtual void Append(std::span<const Row* const> rows) = 0;
  // Every event in position order.
  virtual void ScanAll(const RowFn& fn) = 0;
  // The events of one stream in version order.
  virtual void ReadStream(const std::string& stream_id, const RowFn& fn) = 0;
};

class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::string_view name() const = 0;  // "sqlite", "pg": the prefix of its keys
  // Drops what was written and makes the empty events table.
  virtual void Recreate() = 0;
  virtual std::unique_ptr<Session> Connect() = 0;
  // What a quiet production store does by itself after a load (WORKLOAD.md 4, "Settle").
  virtual void Settle() = 0;
  // The bytes that hold the events and their indexes (WORKLOAD.md 4, D).
  virtual uint64_t Bytes() = 0;
};

// SQLite in WAL mode with synchronous=FULL, one database file under `dir`.
std::unique_ptr<Peer> OpenSqlite(const std::string& dir);

// A PostgreSQL cluster made with initdb under `dir` and started with stock settings, reached
// by a unix socket only; stopped and removed when the peer is destroyed. Dies with status 6
// when no PostgreSQL server is installed (scripts/bench installs it).
std::unique_ptr<Peer> StartPostgres(const std::string& dir);

struct Figures {
  double append_1w_eps = 0, append_4w_eps = 0, append_16w_eps = 0, append_batch100_eps = 0;
  double replay_eps = 0, stream_read_p50_us = 0, stream_read_p99_us = 0, bytes_per_event = 0;
};

// Phases A(a), A(b) and 16 writers on the first `prefix` rows, A(c) on all of them, settle,
// B (checked with ReplayCheck), C and D: the same phases as the ledger's, on `peer`.
Figures Measure(Peer& peer, const workload::Workload& workload, const std::vector<Row>& rows,
                size_t prefix);

}  // namespace secondment::bench::peers

#endif  // SECONDMENT_BENCH_PEERS_PEER_H_
