// log --follow: the log as newline-delimited JSON, history then live, until interrupted;
// optionally as a named durable consumer that resumes after its last acknowledgement.

#include "cli/follow.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/stop_signals.h"
#include "ledger/log/subscription.h"
#include "server/remote.h"

namespace secondment::cli {
namespace {

// How often a consumer's position is written while events flow (and once more at exit).
constexpr auto kAckEvery = std::chrono::milliseconds(200);

Status OutputClosed() { return Unavailable("the output was closed"); }

std::atomic<bool> stop_requested{false};
void RequestStop(int) { stop_requested = true; }

// Through --connect: the server's feed, printed line by line, until SIGINT or SIGTERM or a
// closed output; the consumer's position is acknowledged to the server as events are printed.
int FollowThroughServer(Env& env, const SubscriptionOptions& options, const std::string& consumer) {
  auto connection = env.Connection();
  if (!connection.ok()) return Fail(connection.status());
  struct sigaction action {};
  action.sa_handler = RequestStop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Status followed = server::FollowRemote(
      *connection, options.from, options.types, consumer,
      [](Position, const std::string& json) {
        std::string line = json + "\n";
        return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() &&
               std::fflush(stdout) == 0;
      },
      [] {
        if (stop_requested.load()) return true;
        // A reader that went away while no event came (`... | head`): the pipe says so.
        pollfd out{::fileno(stdout), POLLOUT, 0};
        return ::poll(&out, 1, 0) == 1 && (out.revents & (POLLERR | POLLHUP)) != 0;
      });
  if (!followed.ok()) return Fail(followed);
  return 0;
}

}  // namespace

int RunFollow(Env& env, const Args& args) {
  if (args.Has("limit") || args.Has("csv")) {
    return Fail(
        InvalidArgument("--follow prints JSON lines without end: it takes no --limit or --csv"));
  }
  SubscriptionOptions options;
  options.types = args.All("type");
  options.idle_wait = std::chrono::milliseconds(50);
  auto from = args.Integer("from", 1, INT64_MAX);
  if (!from.ok()) return Fail(from.status());
  std::optional<std::string> consumer = args.Get("consumer");
  if (consumer) {
    if (Status valid = ConsumerPositions::ValidateName(*consumer); !valid.ok()) return Fail(valid);
  }
  if (Status valid = ValidateSubscriptionOptions(options); !valid.ok()) return Fail(valid);
  options.from = static_cast<Position>(from->value_or(1));
  if (env.remote()) return FollowThroughServer(env, options, consumer.value_or(""));

  BlockStopSignals();

  auto ledger = env.Local("log --follow", service::Access::kFollow);
  if (!ledger.ok()) return Fail(ledger.status());
  ConsumerPositions& positions = (*ledger)->consumers();
  Position acked = 0;
  if (consumer) {
    auto stored = positions.Get(*consumer);
    if (!stored.ok()) return Fail(stored.status());
    acked = *stored;
    if (acked > 0) options.from = acked + 1;  // a known consumer resumes; --from starts a new one
  }

  std::atomic<Position> written{acked};
  auto sub =
      (*ledger)->Follow(service::Caller::Administrator(), options, [&](const RecordedEvent& event) {
        std::string line = EventJson(event);
        line += '\n';
        if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() ||
            std::fflush(stdout) != 0) {
          return OutputClosed();
        }
        written.store(event.position(), std::memory_order_release);
        return Status::Ok();
      });
  if (!sub.ok()) return Fail(sub.status());

  auto acknowledge = [&]() -> Status {
    Position now = written.load(std::memory_order_acquire);
    if (!consumer || now <= acked) return Status::Ok();
    RETURN_IF_ERROR(positions.Acknowledge(*consumer, now));
    acked = now;
    return Status::Ok();
  };
  Status ended = Status::Ok();
  for (;;) {
    if (WaitForStopSignal(kAckEvery)) break;
    // A reader that went away while no event came: the pipe reports an error at once, where
    // a write would find it only with the next event.
    pollfd out{::fileno(stdout), POLLOUT, 0};
    if (::poll(&out, 1, 0) == 1 && (out.revents & (POLLERR | POLLHUP)) != 0) break;
    if ((*sub)->finished()) {
      ended = (*sub)->Wait();
      break;
    }
    if (Status s = acknowledge(); !s.ok()) {
      ended = s;
      break;
    }
  }
  (*sub)->Stop();
  // Everything written was delivered: acknowledge it before leaving, on any way out.
  Status last_ack = acknowledge();
  if (ended.code() == StatusCode::kUnavailable && ended.message() == OutputClosed().message()) {
    ended = Status::Ok();  // a closed pipe ends a pipeline cleanly
  }
  if (!ended.ok()) return Fail(ended);
  if (!last_ack.ok()) return Fail(last_ack);
  return 0;
}

}  // namespace secondment::cli
