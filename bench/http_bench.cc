#include "bench/http_bench.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <latch>
#include <regex>
#include <sstream>
#include <thread>

#include "bench/bench_util.h"
#include "bench/http_client.h"
#include "bench/projection_bench.h"
#include "bench/rpc_bench.h"
#include "server/tokens.h"

namespace secondment::bench {
namespace {

using Clock = std::chrono::steady_clock;
using http_client::HttpHeaderList;
using http_client::KeptAlive;

std::string ProposalBody(int client, int i) {
  return fmt::format(
      R"({{"id":"H-{:02}-{:06}","employee":"he-{:02}-{:06}","homeOrg":"Org","homeUnit":"U",)"
      R"("homeManager":"m-home","hostOrg":"Org","hostUnit":"V","hostManager":"m-host",)"
      R"("kind":"internal","roleTitle":"Analyst","start":"2026-03-01","end":"2026-09-30",)"
      R"("date":"2026-01-05"}})",
      client, i, client, i);
}

}  // namespace

HttpFigures HttpServe(const std::string& dir, int count, int others) {
  constexpr int kClients = 16;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  BuildPlacements(dir + "/ledger", 1000, others);
  server::TokenFile tokens;
  auto hr_token = tokens.Add({"bench-hr", {server::Role::kHr}});
  auto feed_token = tokens.Add({"bench-feed", {server::Role::kSubscriber}});
  if (!hr_token.ok() || !feed_token.ok() || !tokens.Save(dir + "/tokens").ok())
    Die(6, "http: cannot write the tokens file");
  auto [pid, port_text] =
      StartServer(dir, {"--http", "127.0.0.1:0"}, "http://127\\.0\\.0\\.1:([0-9]+)/");
  int port = std::stoi(port_text);
  HttpHeaderList hr = {{"Authorization", "Bearer " + *hr_token},
                       {"Content-Type", "application/json"}};
  HttpFigures figures{};

  // 16 clients proposing at once, each on its own kept-alive connection.
  {
    std::vector<std::thread> threads;
    std::vector<uint64_t> events(kClients, 0);
    std::latch ready(kClients + 1);
    for (int c = 0; c < kClients; ++c) {
      threads.emplace_back([&, c] {
        KeptAlive client(port);
        ready.arrive_and_wait();
        for (int i = 0; i < count; ++i) {
          auto reply = client.Call("POST", "/api/v1/secondments", hr, ProposalBody(c, i));
          if (reply.status != 201)
            Die(6, fmt::format("http: a proposal got {}: {}", reply.status, reply.body));
          events[static_cast<size_t>(c)] += 2;  // the proposal and the employee's claim
        }
      });
    }
    ready.arrive_and_wait();
    auto began = Clock::now();
    for (std::thread& t : threads) t.join();
    uint64_t total = 0;
    for (uint64_t e : events) total += e;
    figures.append_16c_eps = static_cast<double>(total) / Seconds(began);
  }

  // The placements of one host: 1,000 rows as JSON.
  {
    KeptAlive client(port);
    std::vector<double> ms;
    for (int q = -10; q < 200; ++q) {  // 10 to warm up
      auto start = Clock::now();
      auto reply = client.Call("GET", "/api/v1/placements?hostOrg=org-target", hr);
      double elapsed = Seconds(start) * 1e3;
      if (reply.status != 200) Die(6, fmt::format("http: placements got {}", reply.status));
      size_t rows = 0;
      for (size_t at = 0; (at = reply.body.find("{\"id\":", at)) != std::string::npos; ++at) ++rows;
      if (rows != 1000) Die(6, fmt::format("http: placements found {} rows, not 1000", rows));
      if (q >= 0) ms.push_back(elapsed);
    }
    figures.placements_p50_ms = Quantile(ms, 0.50);
    figures.placements_p99_ms = Quantile(ms, 0.99);
  }

  // The event stream from position 1 until it has delivered the head.
  {
    KeptAlive probe(port);
    auto health = probe.Call("GET", "/healthz");
    std::smatch hm;
    std::regex head_re("\"head\":([0-9]+)");
    if (!std::regex_search(health.body, hm, head_re)) Die(6, "http: no head in /healthz");
    uint64_t head = std::stoull(hm[1].str());
    std::vector<double> rates;
    for (int pass = 0; pass < 3; ++pass) {
      http_client::SseClient stream(port, "/api/v1/events/stream",
                                    {{"Authorization", "Bearer " + *feed_token}});
      auto start = Clock::now();
      size_t events = stream.Drain(head, std::chrono::seconds(120));
      double seconds = Seconds(start);
      if (events < head) Die(6, fmt::format("http: the stream delivered {} of {}", events, head));
      rates.push_back(static_cast<double>(head) / seconds);
    }
    figures.sse_catchup_eps = Median(rates);
  }

  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::remove_all(dir);
  return figures;
}

}  // namespace secondment::bench
