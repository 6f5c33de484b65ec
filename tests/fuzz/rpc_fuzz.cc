// Fuzz target: what a client sends the RPC server (schemas/api.capnp), before and after it logs
// in. The input goes, byte for byte, into one in-memory connection to a real server
// (server::RpcServer over a real ledger); then the client closes its side. Whatever the bytes,
// the server answers, refuses or closes the connection: it never crashes, leaks or hangs, and
// it serves the next connection. The seeds (tests/data/fuzz/rpc, written by rpc_seeds) log in
// with the fixture's token and call every method, so the fuzzer starts on both sides of the
// login.

#include <kj/async-io.h>

#include "tests/fuzz/rpc_fixture.h"

namespace secondment::fuzz {
namespace {

// For the whole run, and closed at exit (RocksDB's background work with it): no call runs
// then, since every input waits for its calls.
RpcFixture& Fixture() {
  static RpcFixture fixture;
  return fixture;
}

}  // namespace
}  // namespace secondment::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using secondment::fuzz::Fixture;
  auto& fixture = Fixture();
  auto pipe = kj::newTwoWayPipe();
  kj::Own<kj::AsyncIoStream> client = kj::mv(pipe.ends[1]);
  auto serving = fixture.server().Connect(kj::mv(pipe.ends[0]), "fuzz");
  auto writing = client->write(data, size)
                     .then([&] { client->shutdownWrite(); })
                     .catch_([](kj::Exception&&) {})  // the server may close first
                     .eagerlyEvaluate(nullptr);
  auto reading =
      secondment::fuzz::Drain(*client).catch_([](kj::Exception&&) {}).eagerlyEvaluate(nullptr);
  // Once the client's side is closed, the server must end the connection on its own (a hang
  // is libFuzzer's timeout).
  serving.catch_([](kj::Exception&&) {}).wait(fixture.wait_scope());
  reading.wait(fixture.wait_scope());
  writing.wait(fixture.wait_scope());
  // The calls of a client that went on without it finish before the next input (and before the
  // process exits).
  fixture.server().WaitForCalls();
  return 0;
}
