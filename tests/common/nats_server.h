// A real nats-server with JetStream, started by a test on a free loopback port with a
// temporary store, and stopped at the end.

#ifndef SECONDMENT_TESTS_COMMON_NATS_SERVER_H_
#define SECONDMENT_TESTS_COMMON_NATS_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "tests/common/command.h"

namespace secondment::testing {

// A TCP port nobody listens on right now (the kernel's choice for port 0).
inline int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

inline bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

class NatsServer {
 public:
  // Starts nats-server -js on a free port, storing under `store_dir`; waits until it accepts
  // connections (ready() says whether it did).
  explicit NatsServer(const std::string& store_dir) : port_(FreeLoopbackPort()) {
    process_ = std::make_unique<BackgroundCommand>("nats-server -js -a 127.0.0.1 -p " +
                                                   std::to_string(port_) + " -sd " + store_dir +
                                                   " > " + store_dir + ".log 2>&1");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!CanConnect(port_) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ready_ = CanConnect(port_);
  }
  ~NatsServer() {
    process_->Signal(SIGTERM);
    process_->Wait();
  }
  bool ready() const { return ready_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  bool ready_ = false;
  std::unique_ptr<BackgroundCommand> process_;
};

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_COMMON_NATS_SERVER_H_
