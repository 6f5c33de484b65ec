#include "ledger/log/subscription.h"

#include <capnp/schema.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/base/files.h"

namespace secondment {
namespace {

bool IsEventType(std::string_view name) {
  auto payload =
      capnp::Schema::from<schema::Event>().getFieldByName("payload").getType().asStruct();
  for (auto field : payload.getUnionFields()) {
    auto field_name = field.getProto().getName();
    if (name == std::string_view(field_name.cStr(), field_name.size())) return true;
  }
  return false;
}

}  // namespace

Status ValidateSubscriptionOptions(const SubscriptionOptions& options) {
  if (options.from == 0) return InvalidArgument("positions start at 1");
  if (options.batch == 0) return InvalidArgument("a subscription reads at least 1 event a step");
  for (const std::string& type : options.types) {
    if (!IsEventType(type)) {
      return InvalidArgument(
          fmt::format("unknown event type '{}'; types are the schema's names, e.g. approvalGranted",
                      type.substr(0, 60)));
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<Subscription>> Subscription::Start(EventLog& log,
                                                          SubscriptionOptions options,
                                                          EventHandler handler) {
  RETURN_IF_ERROR(ValidateSubscriptionOptions(options));
  std::unique_ptr<Subscription> sub(new Subscription(log, std::move(options), std::move(handler)));
  {
    MutexLock lock(&sub->join_mu_);
    sub->thread_ = std::thread([s = sub.get()] { s->Run(); });
  }
  return sub;
}

Subscription::Subscription(EventLog& log, SubscriptionOptions options, EventHandler handler)
    : log_(log), options_(std::move(options)), handler_(std::move(handler)), next_(options_.from) {}

Subscription::~Subscription() { Stop(); }

void Subscription::Stop() {
  stopping_.store(true, std::memory_order_release);
  log_.WakeWaiters();
  MutexLock lock(&join_mu_);
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // stopped from its own handler: it ends when the handler returns
    return;
  }
  thread_.join();
}

Status Subscription::Wait() {
  MutexLock lock(&mu_);
  while (!done_) done_cv_.Wait();
  return result_;
}

bool Subscription::finished() const {
  MutexLock lock(&mu_);
  return done_;
}

bool Subscription::Matches(const RecordedEvent& event) const {
  auto e = event.Get();
  if (!options_.stream_prefix.empty()) {
    auto stream = e.getStreamId();
    if (std::string_view(stream.cStr(), stream.size()).substr(0, options_.stream_prefix.size()) !=
        options_.stream_prefix) {
      return false;
    }
  }
  if (options_.types.empty()) return true;
  std::string_view type = EventTypeName(e);
  return std::find(options_.types.begin(), options_.types.end(), type) != options_.types.end();
}

void Subscription::Run() {
  Status result = Status::Ok();
  while (!stopping_.load(std::memory_order_acquire)) {
    Position next = next_.load(std::memory_order_relaxed);
    if (next > log_.Head()) {
      if (options_.poll) {
        result = options_.poll();
        if (!result.ok()) break;
      }
      if (next > log_.Head()) log_.WaitForHead(next - 1, options_.idle_wait);
      continue;
    }
    auto events = log_.ReadAll(next, options_.batch);
    if (!events.ok()) {
      result = events.status();
      break;
    }
    for (const RecordedEvent& event : *events) {
      if (stopping_.load(std::memory_order_acquire)) break;
      if (Matches(event)) {
        result = handler_(event);
        if (!result.ok()) break;
      }
      next_.store(event.position() + 1, std::memory_order_release);
    }
    if (!result.ok()) break;
  }
  MutexLock lock(&mu_);
  done_ = true;
  result_ = result;
  done_cv_.SignalAll();
}

Status ConsumerPositions::ValidateName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return InvalidArgument("a consumer name is 1 to 64 characters");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return InvalidArgument("a consumer name holds only letters, digits, '.', '_' and '-'");
    }
  }
  if (name == "." || name == "..") return InvalidArgument("a consumer name cannot be . or ..");
  return Status::Ok();
}

std::string ConsumerPositions::PathOf(std::string_view name) const {
  return fmt::format("{}/consumers/{}", dir_, name);
}

Result<Position> ConsumerPositions::Get(std::string_view name) const {
  RETURN_IF_ERROR(ValidateName(name));
  MutexLock lock(&mu_);
  return ReadLocked(name);
}

Result<Position> ConsumerPositions::ReadLocked(std::string_view name) const {
  std::string path = PathOf(name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Position{0};
    return IOError(
        fmt::format("cannot read the position of consumer {}: {}", name, std::strerror(errno)));
  }
  char buffer[32];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  std::string_view text(buffer, n > 0 ? static_cast<size_t>(n) : 0);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  Position position = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), position);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Corruption(fmt::format("the position file of consumer {} is damaged", name));
  }
  return position;
}

Status ConsumerPositions::Acknowledge(std::string_view name, Position position) {
  RETURN_IF_ERROR(ValidateName(name));
  // One writer at a time in this process, and an advisory lock against other processes, so
  // that read, compare and replace are one step and positions never go back.
  MutexLock lock(&mu_);
  std::error_code ec;
  std::filesystem::create_directories(fmt::format("{}/consumers", dir_), ec);
  if (ec) return IOError(fmt::format("cannot create {}/consumers: {}", dir_, ec.message()));
  std::string path = PathOf(name);
  std::string lock_path = path + ".lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX) != 0) {
    if (lock_fd >= 0) ::close(lock_fd);
    return IOError(fmt::format("cannot lock the position of consumer {}", name));
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }  // closing releases the flock
  } unlock{lock_fd};
  ASSIGN_OR_RETURN(Position current, ReadLocked(name));
  if (position <= current) return Status::Ok();
  return ReplaceFile(path, fmt::format("{}\n", position), 0644);
}

}  // namespace secondment
