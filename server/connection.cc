#include "server/connection.h"

#include <arpa/inet.h>
#include <capnp/message.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace secondment::server {

bool LoginGate::Admit(const std::string& address) {
  if (total_ >= kMaxUnauthenticated) return false;
  int& waiting = waiting_[address];
  if (waiting >= kMaxUnauthenticatedPerAddress) return false;
  ++waiting;
  ++total_;
  return true;
}

void LoginGate::Leave(const std::string& address) {
  auto it = waiting_.find(address);
  if (it == waiting_.end()) return;
  --total_;
  if (--it->second <= 0) waiting_.erase(it);
}

ClientState::~ClientState() {
  if (!authenticated()) gate_.Leave(address_);
}

void ClientState::Authenticated(Credential credential, Principal principal) {
  if (!authenticated()) gate_.Leave(address_);
  for (const auto& login : logins_) {
    if (login.first.token == credential.token) return;
  }
  logins_.emplace_back(std::move(credential), std::move(principal));
}

bool ClientState::StillValid() const {
  for (const auto& [credential, principal] : logins_) {
    auto now = credential.tokens->Authenticate(credential.token);
    if (now.ok() && (!*now || (*now)->id != principal.id)) return false;
  }
  return true;
}

void ClientState::Spend(size_t bytes) {
  if (!authenticated()) allowance_ -= std::min(bytes, allowance_);
}

ClientStream::ClientStream(kj::Own<kj::AsyncIoStream> inner, kj::Array<kj::byte> replay,
                           ClientState* state)
    : inner_(kj::mv(inner)), replay_(kj::mv(replay)), state_(state) {}

kj::Promise<size_t> ClientStream::tryRead(void* buffer, size_t min_bytes, size_t max_bytes) {
  if (state_ != nullptr && !state_->authenticated()) {
    if (min_bytes > state_->allowance()) {
      return KJ_EXCEPTION(DISCONNECTED, "a client sends at most 64 KiB before it authenticates");
    }
    max_bytes = std::min(max_bytes, state_->allowance());
  }
  auto* out = static_cast<kj::byte*>(buffer);
  size_t from_replay = std::min(max_bytes, replay_.size() - replayed_);
  if (from_replay > 0) std::memcpy(out, replay_.begin() + replayed_, from_replay);
  replayed_ += from_replay;
  if (from_replay >= min_bytes && from_replay > 0) {
    if (state_ != nullptr) state_->Spend(from_replay);
    return from_replay;
  }
  return ReadInner(out + from_replay, min_bytes - std::min(min_bytes, from_replay),
                   max_bytes - from_replay, from_replay);
}

kj::Promise<size_t> ClientStream::ReadInner(kj::byte* buffer, size_t min_bytes, size_t max_bytes,
                                            size_t already) {
  return inner_->tryRead(buffer, min_bytes, max_bytes).then([this, already](size_t n) {
    if (state_ != nullptr) state_->Spend(already + n);
    return already + n;
  });
}

kj::Promise<void> ClientStream::write(const void* buffer, size_t size) {
  return inner_->write(buffer, size);
}

kj::Promise<void> ClientStream::write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) {
  return inner_->write(pieces);
}

kj::Promise<void> ClientStream::whenWriteDisconnected() { return inner_->whenWriteDisconnected(); }
void ClientStream::shutdownWrite() { inner_->shutdownWrite(); }
void ClientStream::abortRead() { inner_->abortRead(); }
void ClientStream::getsockopt(int level, int option, void* value, kj::uint* length) {
  inner_->getsockopt(level, option, value, length);
}
void ClientStream::setsockopt(int level, int option, const void* value, kj::uint length) {
  inner_->setsockopt(level, option, value, length);
}
void ClientStream::getsockname(struct sockaddr* addr, kj::uint* length) {
  inner_->getsockname(addr, length);
}
void ClientStream::getpeername(struct sockaddr* addr, kj::uint* length) {
  inner_->getpeername(addr, length);
}

std::string PeerAddress(kj::AsyncIoStream& stream) {
  sockaddr_storage address{};
  kj::uint length = sizeof(address);
  std::string text = "unknown";
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 stream.getpeername(reinterpret_cast<sockaddr*>(&address), &length);
               })) {
    return text;
  }
  char buffer[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&address);
    if (inet_ntop(AF_INET, &in->sin_addr, buffer, sizeof(buffer))) text = buffer;
  } else if (address.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (inet_ntop(AF_INET6, &in6->sin6_addr, buffer, sizeof(buffer))) text = buffer;
  }
  return text;
}

namespace {

// Reads and drops what the client sends until it closes, 64 KiB or `timer` says stop.
kj::Promise<void> Drain(kj::AsyncIoStream& stream, size_t left) {
  if (left == 0) return kj::READY_NOW;
  auto buffer = kj::heapArray<kj::byte>(4096);
  auto read = stream.tryRead(buffer.begin(), 1, buffer.size());
  return read.then([&stream, left, buffer = kj::mv(buffer)](size_t n) -> kj::Promise<void> {
    if (n == 0) return kj::READY_NOW;
    return Drain(stream, left - std::min(left, n));
  });
}

}  // namespace

kj::Promise<void> TurnAway(kj::Own<kj::AsyncIoStream> stream, kj::Array<kj::byte> reply,
                           kj::Timer& timer) {
  kj::AsyncIoStream* s = stream.get();
  auto written = s->write(reply.begin(), reply.size());
  return written
      .then([s, &timer] {
        s->shutdownWrite();
        return Drain(*s, 64 * 1024).exclusiveJoin(timer.afterDelay(1 * kj::SECONDS));
      })
      .attach(kj::mv(reply), kj::mv(stream));
}

kj::Array<kj::byte> AbortMessage(const std::string& reason) {
  capnp::MallocMessageBuilder message;
  auto abort = message.initRoot<capnp::rpc::Message>().initAbort();
  abort.setReason(reason);
  abort.setType(capnp::rpc::Exception::Type::FAILED);
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return kj::heapArray<kj::byte>(bytes.begin(), bytes.size());
}

}  // namespace secondment::server
