#include "server/relay.h"

#include <fmt/format.h>
#include <nats/nats.h>

#include <cstdlib>
#include <thread>

#include "ledger/event/event_json.h"

namespace secondment::server {
namespace {

constexpr int64_t kDuplicateWindowNanos = 3600LL * 1000 * 1000 * 1000;  // one hour
constexpr int64_t kFinalAckWaitMillis = 10000;
constexpr int64_t kAckWaitMillis = 10000;
constexpr auto kCheckpointEvery = std::chrono::milliseconds(200);
constexpr char kPositionHeader[] = "Secondment-Position";
constexpr char kStreamHeader[] = "Secondment-Stream";

bool IsToken(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status NatsError(std::string_view what, natsStatus status) {
  const char* last = nats_GetLastError(nullptr);
  return IOError(fmt::format("{}: {}{}{}", what, natsStatus_GetText(status),
                             last && *last ? ": " : "", last ? last : ""));
}

}  // namespace

Status ValidateRelayOptions(const RelayOptions& options) {
  const std::string& url = options.nats_url;
  if (url.rfind("nats://", 0) != 0 || url.size() <= 7 || url.size() > 256 ||
      url.find_first_of(" \t\r\n,") != std::string::npos) {
    return InvalidArgument("--nats must be one URL nats://HOST:PORT");
  }
  if (!IsToken(options.stream)) {
    return InvalidArgument("a stream name is 1 to 64 of A-Z a-z 0-9 _ -");
  }
  std::string_view prefix = options.subject_prefix;
  if (prefix.empty() || prefix.size() > 128) {
    return InvalidArgument("a subject prefix is 1 to 128 characters");
  }
  for (size_t start = 0; start <= prefix.size();) {
    size_t dot = prefix.find('.', start);
    std::string_view token =
        prefix.substr(start, dot == std::string_view::npos ? prefix.size() - start : dot - start);
    if (!IsToken(token)) {
      return InvalidArgument(
          "a subject prefix is tokens of A-Z a-z 0-9 _ - separated by dots (no wildcards)");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (options.max_pending < 1) return InvalidArgument("max pending must be at least 1");
  return Status::Ok();
}

std::string RelayConsumerName(const RelayOptions& options) {
  return fmt::format("relay.{}", options.stream);
}

struct Relay::Nats {
  natsOptions* options = nullptr;
  natsConnection* connection = nullptr;
  jsCtx* js = nullptr;
  ~Nats() {
    if (js) jsCtx_Destroy(js);
    if (connection) natsConnection_Destroy(connection);
    if (options) natsOptions_Destroy(options);
  }
};

namespace {

void OnPublishAck(jsCtx*, natsMsg* msg, jsPubAck*, jsPubAckErr* error, void* closure);

}  // namespace

Result<std::unique_ptr<Relay>> Relay::Start(EventLog& log, ConsumerPositions& positions,
                                            RelayOptions options, std::function<Status()> poll) {
  RETURN_IF_ERROR(ValidateRelayOptions(options));
  std::unique_ptr<Relay> relay(new Relay());
  relay->positions_ = &positions;
  relay->options_ = std::move(options);
  relay->nats_ = std::make_unique<Nats>();
  Nats& n = *relay->nats_;
  natsStatus s = natsOptions_Create(&n.options);
  if (s == NATS_OK) s = natsOptions_SetURL(n.options, relay->options_.nats_url.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(n.options, 5000);
  if (s != NATS_OK) return NatsError("configuring the NATS client", s);
  s = natsConnection_Connect(&n.connection, n.options);
  if (s != NATS_OK) {
    return NatsError(fmt::format("cannot connect to NATS at {}", relay->options_.nats_url), s);
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = 10000;
  js_options.PublishAsync.MaxPending = relay->options_.max_pending;
  js_options.PublishAsync.AckHandler = OnPublishAck;
  js_options.PublishAsync.AckHandlerClosure = relay.get();
  js_options.PublishAsync.StallWait = 1000;
  s = natsConnection_JetStream(&n.js, n.connection, &js_options);
  if (s != NATS_OK) return NatsError("cannot open JetStream", s);

  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = js_GetStreamInfo(&info, n.js, relay->options_.stream.c_str(), nullptr, &code);
  if (s == NATS_NOT_FOUND) {
    std::string subjects = fmt::format("{}.>", relay->options_.subject_prefix);
    const char* subject_list[] = {subjects.c_str()};
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = relay->options_.stream.c_str();
    config.Subjects = subject_list;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    config.Duplicates = kDuplicateWindowNanos;
    s = js_AddStream(&info, n.js, &config, nullptr, &code);
  }
  if (s != NATS_OK) {
    return NatsError(fmt::format("cannot find or create JetStream stream {} (error {})",
                                 relay->options_.stream, static_cast<int>(code)),
                     s);
  }
  jsStreamInfo_Destroy(info);

  ASSIGN_OR_RETURN(Position acknowledged, positions.Get(RelayConsumerName(relay->options_)));
  {
    MutexLock lock(&relay->mu_);
    relay->acknowledged_ = acknowledged;
  }
  relay->started_at_ = acknowledged + 1;
  SubscriptionOptions sub_options;
  sub_options.from = relay->started_at_;
  // Whenever it has caught up, and every 200 ms while publishing, the relay records how far
  // JetStream has acknowledged, so that it needs no caller to do so.
  sub_options.poll = [self = relay.get(), poll = std::move(poll)]() -> Status {
    self->MaybeCheckpoint();
    return poll ? poll() : Status::Ok();
  };
  sub_options.idle_wait = std::chrono::milliseconds(50);
  Relay* self = relay.get();
  ASSIGN_OR_RETURN(relay->subscription_,
                   Subscription::Start(log, sub_options, [self](const RecordedEvent& e) {
                     return self->Publish(e);
                   }));
  return relay;
}

Relay::~Relay() { (void)Stop(); }

Position Relay::started_at() const { return started_at_; }

Position Relay::acknowledged() const {
  MutexLock lock(&mu_);
  return acknowledged_;
}

bool Relay::failed() const {
  MutexLock lock(&mu_);
  return !error_.ok() || (subscription_ && subscription_->finished());
}

void Relay::MaybeCheckpoint() {
  auto now = std::chrono::steady_clock::now();
  if (now - last_checkpoint_ < kCheckpointEvery) return;
  last_checkpoint_ = now;
  (void)positions_->Acknowledge(RelayConsumerName(options_), acknowledged());
}

Status Relay::Publish(const RecordedEvent& event) {
  MaybeCheckpoint();
  {
    MutexLock lock(&mu_);
    RETURN_IF_ERROR(error_);
  }
  auto e = event.Get();
  std::string subject = fmt::format("{}.{}", options_.subject_prefix, EventTypeName(e));
  std::string body = EventJson(event);
  std::string id = EventIdText(e.getEventId());
  std::string position = std::to_string(event.position());
  natsMsg* msg = nullptr;
  natsStatus s =
      natsMsg_Create(&msg, subject.c_str(), nullptr, body.data(), static_cast<int>(body.size()));
  if (s == NATS_OK) s = natsMsgHeader_Set(msg, "Nats-Msg-Id", id.c_str());
  if (s == NATS_OK) s = natsMsgHeader_Set(msg, kPositionHeader, position.c_str());
  if (s == NATS_OK) s = natsMsgHeader_Set(msg, kStreamHeader, e.getStreamId().cStr());
  // Too many awaiting acknowledgement: the call waits StallWait and says NATS_TIMEOUT; wait on.
  // An acknowledgement that never comes (the server restarted) reaches the ack handler as a
  // timeout after MaxWait, instead of leaving the message pending for ever.
  jsPubOptions publish_options;
  jsPubOptions_Init(&publish_options);
  publish_options.MaxWait = kAckWaitMillis;
  while (s == NATS_OK || s == NATS_TIMEOUT) {
    s = js_PublishMsgAsync(nats_->js, &msg, &publish_options);
    if (s != NATS_TIMEOUT) break;
    MutexLock lock(&mu_);
    if (stopped_ || !error_.ok()) break;
  }
  natsMsg_Destroy(msg);  // NULL once the library owns it
  if (s != NATS_OK) return NatsError(fmt::format("publishing position {}", position), s);
  return Status::Ok();
}

void Relay::OnAck(Position position, const Status& error) {
  MutexLock lock(&mu_);
  if (!error.ok()) {
    if (error_.ok()) error_ = error;
    return;
  }
  if (position <= acknowledged_) return;
  size_t ahead = position - acknowledged_ - 1;
  if (acked_ahead_.size() <= ahead) acked_ahead_.resize(ahead + 1, false);
  acked_ahead_[ahead] = true;
  size_t done = 0;
  while (done < acked_ahead_.size() && acked_ahead_[done]) ++done;
  acknowledged_ += done;
  acked_ahead_.erase(acked_ahead_.begin(), acked_ahead_.begin() + static_cast<long>(done));
}

namespace {

void OnPublishAck(jsCtx*, natsMsg* msg, jsPubAck*, jsPubAckErr* error, void* closure) {
  auto* relay = static_cast<Relay*>(closure);
  const char* value = nullptr;
  Position position = 0;
  if (natsMsgHeader_Get(msg, kPositionHeader, &value) == NATS_OK && value != nullptr) {
    position = std::strtoull(value, nullptr, 10);
  }
  Status status = Status::Ok();
  if (error != nullptr) {
    status = IOError(fmt::format("JetStream refused position {}: {} ({})", position,
                                 error->ErrText ? error->ErrText : natsStatus_GetText(error->Err),
                                 static_cast<int>(error->ErrCode)));
  }
  relay->OnAck(position, status);
  natsMsg_Destroy(msg);
}

}  // namespace

Status Relay::Checkpoint() {
  Position now = acknowledged();
  Status recorded = positions_->Acknowledge(RelayConsumerName(options_), now);
  MutexLock lock(&mu_);
  if (!error_.ok()) return error_;
  if (subscription_ && subscription_->finished()) {
    Status ended = subscription_->Wait();
    if (!ended.ok()) return ended;
  }
  return recorded;
}

Status Relay::Stop() {
  {
    MutexLock lock(&mu_);
    if (stopped_) return error_;
    stopped_ = true;
  }
  if (subscription_) subscription_->Stop();
  if (nats_ && nats_->js) {
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = kFinalAckWaitMillis;
    natsStatus s = js_PublishAsyncComplete(nats_->js, &wait);
    if (s != NATS_OK) {
      MutexLock lock(&mu_);
      if (error_.ok()) {
        error_ = IOError(
            "JetStream did not acknowledge every event before the relay stopped; "
            "the unacknowledged ones are sent again on restart");
      }
    }
    // No acknowledgement is awaited any more: close before destroying, so that no callback
    // into this relay runs after it.
    natsConnection_Close(nats_->connection);
  }
  Status recorded = positions_
                        ? positions_->Acknowledge(RelayConsumerName(options_), acknowledged())
                        : Status::Ok();
  nats_.reset();
  MutexLock lock(&mu_);
  if (!error_.ok()) return error_;
  if (subscription_) {
    Status ended = subscription_->Wait();
    if (!ended.ok()) return ended;
  }
  return recorded;
}

}  // namespace secondment::server
