#include "bench/relay_bench.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "bench/bench_util.h"
#include "ledger/log/subscription.h"
#include "server/relay.h"

namespace secondment::bench {
namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

double RelayEps(EventLog& log, const std::string& dir) {
  if (std::system("command -v nats-server >/dev/null 2>&1") != 0) {
    Die(6, "relay: nats-server is not installed (scripts/test and scripts/demo install it)");
  }
  std::filesystem::create_directories(dir);
  int port = FreePort();
  pid_t pid = fork();
  if (pid == 0) {
    std::string log_path = dir + "/nats.log";
    freopen(log_path.c_str(), "w", stdout);
    freopen(log_path.c_str(), "a", stderr);
    std::string port_text = std::to_string(port);
    execlp("nats-server", "nats-server", "-js", "-a", "127.0.0.1", "-p", port_text.c_str(), "-sd",
           dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!Accepts(port) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ConsumerPositions positions(dir);
  server::RelayOptions options;
  options.nats_url = fmt::format("nats://127.0.0.1:{}", port);
  Position head = log.Head();
  auto start = std::chrono::steady_clock::now();
  auto relay = server::Relay::Start(log, positions, options, {});
  if (!relay.ok()) {
    std::fprintf(stderr, "ledger_bench: relay: %s\n", relay.status().ToString().c_str());
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    std::exit(6);
  }
  while ((*relay)->acknowledged() < head && !(*relay)->failed()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  double seconds = Seconds(start);
  Status stopped = (*relay)->Stop();
  relay->reset();
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::filesystem::remove_all(dir);
  Check(stopped, "relay");
  return static_cast<double>(head) / seconds;
}

}  // namespace secondment::bench
