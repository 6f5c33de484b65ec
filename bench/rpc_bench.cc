#include "bench/rpc_bench.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "bench/bench_util.h"
#include "server/remote.h"
#include "server/rpc.h"
#include "server/tokens.h"

namespace secondment::bench {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ProposeCommand Proposal(const std::string& id) {
  ProposeCommand proposal;
  proposal.employee_id = "e-" + id;
  proposal.home = {"Org", "U", "m-home"};
  proposal.host = {"Org", "V", "m-host"};
  proposal.kind = schema::Kind::INTERNAL;
  proposal.role_title = "Analyst";
  proposal.start = *ParseDate("2026-03-01");
  proposal.end = *ParseDate("2026-09-30");
  return proposal;
}

using Clock = std::chrono::steady_clock;

// A session with a desk for HR.
struct Writer {
  std::unique_ptr<server::RemoteSession> session;
  std::unique_ptr<service::Desk> desk;
  ~Writer() {
    desk.reset();
    session.reset();
  }
};

std::unique_ptr<Writer> OpenWriter(const server::ConnectOptions& options) {
  auto writer = std::make_unique<Writer>();
  auto session = server::RemoteSession::Open(options);
  Check(session.status(), "rpc");
  writer->session = std::move(*session);
  auto desk = writer->session->OpenDesk(service::Role::kHr);
  Check(desk.status(), "rpc");
  writer->desk = std::move(*desk);
  return writer;
}

}  // namespace

std::pair<pid_t, std::string> StartServer(const std::string& dir,
                                          const std::vector<std::string>& args,
                                          const std::string& ready) {
  std::string out = dir + "/serve.out";
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // a bench that dies takes its server with it
    std::freopen(out.c_str(), "w", stdout);
    std::freopen((dir + "/serve.err").c_str(), "w", stderr);
    std::string data = dir + "/ledger", tokens_path = dir + "/tokens";
    std::vector<const char*> argv = {"secondment", "--data", data.c_str(), "serve"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    argv.push_back("--tokens");
    argv.push_back(tokens_path.c_str());
    argv.push_back(nullptr);
    execv(SECONDMENT_BIN, const_cast<char* const*>(argv.data()));
    _exit(127);
  }
  std::regex ready_line(ready);
  std::smatch m;
  std::string text;
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!std::regex_search(text = Slurp(out), m, ready_line)) {
    if (Clock::now() > deadline) Die(6, "the server did not start: " + Slurp(dir + "/serve.err"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {pid, m[1].str()};
}

RpcFigures RpcAppend(const std::string& dir, int count) {
  constexpr int kSessions = 16;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  server::TokenFile tokens;
  auto hr_token = tokens.Add({"bench-hr", {server::Role::kHr}});
  auto feed_token = tokens.Add({"bench-feed", {server::Role::kSubscriber}});
  if (!hr_token.ok() || !feed_token.ok() || !tokens.Save(dir + "/tokens").ok())
    Die(6, "rpc: cannot write the tokens file");
  Check(service::LedgerService::Create(dir + "/ledger").status(), "rpc: creating the ledger");
  auto [pid, port] = StartServer(dir, {"--listen", "127.0.0.1:0"}, "on port ([0-9]+)");
  server::ConnectOptions options;
  options.address = fmt::format("127.0.0.1:{}", port);
  options.token = *hr_token;
  RpcFigures figures{};

  // One session, one proposal after another.
  {
    auto writer = OpenWriter(options);
    std::vector<double> micros;
    uint64_t events = 0;
    Clock::time_point began;
    for (int i = -20; i < count; ++i) {  // 20 to warm up
      if (i == 0) began = Clock::now();
      auto start = Clock::now();
      auto outcome = writer->desk->Execute(fmt::format("RPC-{:06}", i + 20),
                                           Proposal(fmt::format("{}", i + 20)));
      double us = Seconds(start) * 1e6;
      Check(outcome.status(), "rpc");
      if (i >= 0) {
        micros.push_back(us);
        events += outcome->positions.size();
      }
    }
    figures.eps_1s = static_cast<double>(events) / Seconds(began);
    figures.p50_us = Quantile(micros, 0.50);
    figures.p99_us = Quantile(micros, 0.99);
  }

  // 16 sessions at once, while a subscriber follows the feed from the head.
  {
    Position from = 1;
    {
      auto head = OpenWriter(options)->desk->Head();
      Check(head.status(), "rpc");
      from = *head + 1;
    }
    std::mutex mu;
    std::map<Position, Clock::time_point> arrived;
    std::atomic<bool> stop{false};
    server::ConnectOptions feed_options = options;
    feed_options.token = *feed_token;
    std::thread follower([&] {
      Status followed = server::FollowRemote(
          feed_options, from, {}, "",
          [&](Position position, const std::string&) {
            auto now = Clock::now();
            std::lock_guard<std::mutex> lock(mu);
            arrived.emplace(position, now);
            return true;
          },
          [&] { return stop.load(); });
      if (!followed.ok() && !stop) Check(followed, "rpc feed");
    });
    std::vector<std::vector<std::pair<Position, Clock::time_point>>> acked(kSessions);
    std::vector<std::thread> threads;
    // Each session is opened on its own thread (a connection belongs to its thread's event
    // loop); they start writing together.
    std::latch ready(kSessions + 1);
    for (int s = 0; s < kSessions; ++s) {
      threads.emplace_back([&, s] {
        auto writer = OpenWriter(options);
        ready.arrive_and_wait();
        for (int i = 0; i < count; ++i) {
          auto outcome = writer->desk->Execute(fmt::format("RPC-S{:02}-{:06}", s, i),
                                               Proposal(fmt::format("s{}-{}", s, i)));
          auto now = Clock::now();
          Check(outcome.status(), "rpc");
          for (Position p : outcome->positions) acked[static_cast<size_t>(s)].emplace_back(p, now);
        }
      });
    }
    ready.arrive_and_wait();
    auto began = Clock::now();
    for (std::thread& t : threads) t.join();
    double seconds = Seconds(began);
    size_t events = 0;
    for (const auto& a : acked) events += a.size();
    figures.eps_16s = static_cast<double>(events) / seconds;
    // Wait for the feed to have every event, then stop it.
    auto until = Clock::now() + std::chrono::seconds(30);
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (arrived.size() >= events) break;
      }
      if (Clock::now() > until) Die(6, "rpc: the feed did not deliver every event");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop = true;
    follower.join();
    std::vector<double> lag_ms;
    for (const auto& a : acked) {
      for (const auto& [position, at] : a) {
        auto it = arrived.find(position);
        if (it == arrived.end()) Die(6, "rpc: the feed missed an event");
        double ms = std::chrono::duration<double, std::milli>(it->second - at).count();
        lag_ms.push_back(std::max(ms, 0.0));
      }
    }
    figures.feed_lag_p99_ms = Quantile(lag_ms, 0.99);
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::filesystem::remove_all(dir);
  return figures;
}

}  // namespace secondment::bench
