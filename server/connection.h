// What stands between a client's socket and the RPC system in `secondment serve`: the limits a
// client is held to before it authenticates (docs/operations.md, "Limits of the RPC server").
//
//   - A connection's first byte tells TLS (a ClientHello, 0x16) from plain Cap'n Proto; a
//     client that speaks the other one gets one line saying so and is closed.
//   - Before it authenticates, a client may send kMaxBytesBeforeLogin bytes in all (a token is
//     at most kMaxTokenBytes); what goes beyond ends the connection.
//   - Each client address may hold kMaxUnauthenticatedPerAddress connections that have not
//     authenticated, and all of them together kMaxUnauthenticated; more are closed at once. A
//     connection that has not authenticated within ten seconds (ServeOptions::login_within) is
//     closed.
//
// Everything here runs on the server's event loop.

#ifndef SECONDMENT_SERVER_CONNECTION_H_
#define SECONDMENT_SERVER_CONNECTION_H_

#include <kj/async-io.h>

#include <map>
#include <string>
#include <vector>

#include "server/desk_server.h"
#include "server/tokens.h"

namespace secondment::server {

constexpr size_t kMaxTokenBytes = 4 * 1024;
constexpr size_t kMaxBytesBeforeLogin = 64 * 1024;
constexpr int kMaxUnauthenticatedPerAddress = 32;
constexpr int kMaxUnauthenticated = 1024;  // from all addresses
// The largest message an authenticated client may send.
constexpr uint64_t kMaxMessageBytes = 8 << 20;
// How often a connection's tokens are checked again: a revoked one closes it.
constexpr auto kRecheckEvery = 250 * kj::MILLISECONDS;

// The connections that have not authenticated yet, per client address.
class LoginGate {
 public:
  // False when `address`, or everyone, already holds the most it may.
  bool Admit(const std::string& address);
  void Leave(const std::string& address);

 private:
  std::map<std::string, int> waiting_;
  int total_ = 0;
};

// One client connection's standing.
class ClientState {
 public:
  // Admitted through `gate` (borrowed; outlives the state).
  ClientState(std::string address, LoginGate& gate) : address_(std::move(address)), gate_(gate) {}
  ~ClientState();
  ClientState(const ClientState&) = delete;
  ClientState& operator=(const ClientState&) = delete;

  // The connection has authenticated with `credential` as `principal`: no more limits before
  // login, and it is closed once that token no longer names the principal. (The same token
  // again adds nothing.)
  void Authenticated(Credential credential, Principal principal);
  bool authenticated() const { return !logins_.empty(); }
  // False once a token it authenticated with was revoked or changed.
  bool StillValid() const;

  // How many more bytes it may send before it authenticates.
  size_t allowance() const { return allowance_; }
  void Spend(size_t bytes);

 private:
  const std::string address_;
  LoginGate& gate_;
  size_t allowance_ = kMaxBytesBeforeLogin;
  std::vector<std::pair<Credential, Principal>> logins_;
};

// A server side stream: first gives back `replay` (the bytes read to tell TLS from plain), then
// reads from `inner`. With a `state`, reads before authentication are held to its allowance.
class ClientStream final : public kj::AsyncIoStream {
 public:
  ClientStream(kj::Own<kj::AsyncIoStream> inner, kj::Array<kj::byte> replay, ClientState* state);

  kj::Promise<size_t> tryRead(void* buffer, size_t min_bytes, size_t max_bytes) override;
  kj::Promise<void> write(const void* buffer, size_t size) override;
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override;
  kj::Promise<void> whenWriteDisconnected() override;
  void shutdownWrite() override;
  void abortRead() override;
  void getsockopt(int level, int option, void* value, kj::uint* length) override;
  void setsockopt(int level, int option, const void* value, kj::uint length) override;
  void getsockname(struct sockaddr* addr, kj::uint* length) override;
  void getpeername(struct sockaddr* addr, kj::uint* length) override;

 private:
  kj::Promise<size_t> ReadInner(kj::byte* buffer, size_t min_bytes, size_t max_bytes,
                                size_t already);

  kj::Own<kj::AsyncIoStream> inner_;
  kj::Array<kj::byte> replay_;
  size_t replayed_ = 0;
  ClientState* const state_;
};

// The client's IP address, as text ("unknown" when the socket does not say).
std::string PeerAddress(kj::AsyncIoStream& stream);

// Writes `reply` to a client that spoke the wrong protocol, reads (and drops) what it still
// sends for up to a second so that it sees the reply rather than a reset, and closes.
kj::Promise<void> TurnAway(kj::Own<kj::AsyncIoStream> stream, kj::Array<kj::byte> reply,
                           kj::Timer& timer);

// The reply to a plain Cap'n Proto client on a TLS port: an RPC Abort carrying `reason`, which
// its calls then fail with.
kj::Array<kj::byte> AbortMessage(const std::string& reason);

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_CONNECTION_H_
