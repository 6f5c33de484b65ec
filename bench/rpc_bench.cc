#include "bench/rpc_bench.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

}  // namespace

RpcAppendFigures RpcAppend(const std::string& dir, int count) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  server::TokenFile tokens;
  auto token = tokens.Add({"bench-hr", {server::Role::kHr}});
  if (!token.ok() || !tokens.Save(dir + "/tokens").ok())
    Die(6, "rpc: cannot write the tokens file");
  Check(service::LedgerService::Create(dir + "/ledger").status(), "rpc: creating the ledger");
  std::string out = dir + "/serve.out";
  pid_t pid = fork();
  if (pid == 0) {
    std::freopen(out.c_str(), "w", stdout);
    std::freopen((dir + "/serve.err").c_str(), "w", stderr);
    std::string data = dir + "/ledger", tokens_path = dir + "/tokens";
    execl(SECONDMENT_BIN, "secondment", "--data", data.c_str(), "serve", "--listen", "127.0.0.1:0",
          "--tokens", tokens_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::regex port_line("on port ([0-9]+)");
  std::smatch m;
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!std::regex_search(text = Slurp(out), m, port_line)) {
    if (std::chrono::steady_clock::now() > deadline) Die(6, "rpc: the server did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server::ConnectOptions options;
  options.address = fmt::format("127.0.0.1:{}", m[1].str());
  options.token = *token;
  auto session = server::RemoteSession::Open(options);
  Check(session.status(), "rpc");
  auto desk = (*session)->OpenDesk(service::Role::kHr);
  Check(desk.status(), "rpc");
  std::vector<double> micros;
  for (int i = -20; i < count; ++i) {  // 20 to warm up
    std::string id = fmt::format("RPC-{:06}", i + 20);
    ProposeCommand proposal;
    proposal.employee_id = "e-" + id;
    proposal.home = {"Org", "U", "m-home"};
    proposal.host = {"Org", "V", "m-host"};
    proposal.kind = schema::Kind::INTERNAL;
    proposal.role_title = "Analyst";
    proposal.start = *ParseDate("2026-03-01");
    proposal.end = *ParseDate("2026-09-30");
    auto start = std::chrono::steady_clock::now();
    auto outcome = (*desk)->Execute(id, proposal);
    double us = Seconds(start) * 1e6;
    Check(outcome.status(), "rpc");
    if (i >= 0) micros.push_back(us);
  }
  desk->reset();
  session->reset();
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::filesystem::remove_all(dir);
  return {Quantile(micros, 0.50), Quantile(micros, 0.99)};
}

}  // namespace secondment::bench
