// /metrics: the ledger's and the doors' counters in Prometheus text format 0.0.4. No label or
// value holds personal data.

#include <fmt/format.h>

#include "server/http_routes.h"

namespace secondment::server {
namespace {

void Counter(std::string& out, std::string_view name, std::string_view help, uint64_t value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
}

void Gauge(std::string& out, std::string_view name, std::string_view help, uint64_t value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
}

// A histogram from per-bucket counts (the last one above every bound), bounds scaled by
// `scale` (e.g. microseconds to seconds).
template <size_t N>
void Histogram(std::string& out, std::string_view name, std::string_view help,
               const std::array<uint64_t, N>& bounds,
               const std::array<std::atomic<uint64_t>, N + 1>& buckets, double scale, double sum) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} histogram\n", name, help);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < N; ++i) {
    cumulative += buckets[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{le=\"{:.6g}\"}} {}\n", name,
                       static_cast<double>(bounds[i]) * scale, cumulative);
  }
  cumulative += buckets[N].load(std::memory_order_relaxed);
  out += fmt::format("{0}_bucket{{le=\"+Inf\"}} {1}\n{0}_sum {2}\n{0}_count {1}\n", name,
                     cumulative, sum);
}

}  // namespace

std::string MetricsText(service::LedgerService& ledger, const HttpCounters& counters) {
  const LogStats& stats = ledger.log().stats();
  std::string out;
  Counter(out, "secondment_appends_total", "Appends committed since the server started.",
          stats.appends.load(std::memory_order_relaxed));
  Counter(out, "secondment_append_events_total", "Events committed since the server started.",
          stats.events.load(std::memory_order_relaxed));
  Counter(out, "secondment_group_commits_total", "Group commits since the server started.",
          stats.commits.load(std::memory_order_relaxed));
  Histogram(out, "secondment_fsync_seconds",
            "Time of each group commit to stable storage (write and fsync).",
            LogStats::kCommitMicrosBounds, stats.commit_buckets, 1e-6,
            static_cast<double>(stats.commit_micros.load(std::memory_order_relaxed)) * 1e-6);
  Histogram(out, "secondment_group_commit_size", "Appends per group commit.",
            LogStats::kGroupBounds, stats.group_buckets, 1.0,
            static_cast<double>(stats.appends.load(std::memory_order_relaxed)));
  Position head = ledger.Head();
  Position projected = ledger.projected();
  Gauge(out, "secondment_log_head", "The last position of the log.", head);
  Gauge(out, "secondment_projection_lag_events",
        "Events appended that the projections have not applied yet.",
        head > projected ? head - projected : 0);
  Gauge(out, "secondment_open_feeds", "Event streams (Server-Sent Events) open now.",
        counters.open_feeds.load(std::memory_order_relaxed));
  out +=
      "# HELP secondment_http_requests_total HTTP answers by status class.\n"
      "# TYPE secondment_http_requests_total counter\n";
  out += fmt::format("secondment_http_requests_total{{code=\"2xx\"}} {}\n",
                     counters.answers_2xx.load(std::memory_order_relaxed));
  out += fmt::format("secondment_http_requests_total{{code=\"4xx\"}} {}\n",
                     counters.answers_4xx.load(std::memory_order_relaxed));
  out += fmt::format("secondment_http_requests_total{{code=\"5xx\"}} {}\n",
                     counters.answers_5xx.load(std::memory_order_relaxed));
  return out;
}

}  // namespace secondment::server
