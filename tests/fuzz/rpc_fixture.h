// What the RPC fuzz target and its seed writer share: a ledger in a temporary directory, a tokens
// file holding one known token (a principal with every role), and the RPC server over that
// ledger on this thread's event loop, reached through in-memory connections.

#ifndef SECONDMENT_TESTS_FUZZ_RPC_FIXTURE_H_
#define SECONDMENT_TESTS_FUZZ_RPC_FIXTURE_H_

#include <kj/async-io.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "ledger/base/hash.h"
#include "server/rpc.h"
#include "service/ledger_service.h"

namespace secondment::fuzz {

// The token the seeds log in with: "sl_" and 64 hex digits, as `token add` makes them.
inline const std::string kFuzzToken = "sl_" + std::string(64, 'f');

// Reads what the other end sends until it closes (an in-memory pipe holds nothing: what a
// server sends must be read for it to go on).
inline kj::Promise<void> Drain(kj::AsyncIoStream& stream) {
  auto buffer = kj::heapArray<kj::byte>(4096);
  auto read = stream.tryRead(buffer.begin(), 1, buffer.size());
  return read.then([&stream, buffer = kj::mv(buffer)](size_t n) -> kj::Promise<void> {
    if (n == 0) return kj::READY_NOW;
    return Drain(stream);
  });
}

class RpcFixture {
 public:
  RpcFixture() : io_(kj::setupAsyncIo()) {
    char dir[] = "/tmp/rpc-fuzz-XXXXXX";
    if (mkdtemp(dir) == nullptr) Fail("cannot make a temporary directory");
    dir_ = dir;
    std::ofstream(dir_ + "/tokens")
        << ToHex(Sha256(kFuzzToken))
        << " fuzz-all hr,home_manager,host_manager,secondee,exception,auditor,subscriber\n";
    if (!service::LedgerService::Create(dir_ + "/ledger").ok()) Fail("cannot create a ledger");
    service::OpenOptions open;
    open.access = service::Access::kWrite;
    auto ledger = service::LedgerService::Open(dir_ + "/ledger", open);
    if (!ledger.ok()) Fail("cannot open the ledger");
    ledger_ = std::move(*ledger);
    server::ServeOptions options;
    options.tokens_path = dir_ + "/tokens";
    options.workers = 2;
    server_ = std::make_unique<server::RpcServer>(*ledger_, options, io_.provider->getTimer());
  }

  kj::WaitScope& wait_scope() { return io_.waitScope; }
  kj::Timer& timer() { return io_.provider->getTimer(); }
  server::RpcServer& server() { return *server_; }

 private:
  [[noreturn]] static void Fail(const char* why) {
    std::fprintf(stderr, "rpc fuzz fixture: %s\n", why);
    std::abort();
  }

  kj::AsyncIoContext io_;
  std::string dir_;
  std::unique_ptr<service::LedgerService> ledger_;
  std::unique_ptr<server::RpcServer> server_;
};

}  // namespace secondment::fuzz

#endif  // SECONDMENT_TESTS_FUZZ_RPC_FIXTURE_H_
