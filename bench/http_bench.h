// The HTTP figures of ledger_bench (M4), through a real `secondment serve --http` on loopback:
// durable proposals from 16 clients at once, the placements of one host as JSON, and how fast
// the event stream (Server-Sent Events) delivers the history.

#ifndef SECONDMENT_BENCH_HTTP_BENCH_H_
#define SECONDMENT_BENCH_HTTP_BENCH_H_

#include <string>

namespace secondment::bench {

struct HttpFigures {
  double append_16c_eps;     // events a second, 16 clients proposing at once (2 events each)
  double placements_p50_ms;  // GET /api/v1/placements?hostOrg=..., 1,000 active, as JSON
  double placements_p99_ms;
  double sse_catchup_eps;  // events a second, the stream from position 1 to the head
};

// Builds a ledger under `dir` with 1,000 active placements at one host and `others` more
// secondments elsewhere, serves it with the `secondment` binary, and measures: `count`
// proposals from each of 16 clients (kept-alive connections), 200 placements queries, and the
// event stream from the start (3 times, the median).
HttpFigures HttpServe(const std::string& dir, int count, int others);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_HTTP_BENCH_H_
