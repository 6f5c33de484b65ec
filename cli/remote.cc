// The client side of --connect: a command run through `secondment serve` prints what the
// server's run printed and exits with its status; `log --follow` streams from the server's feed.

#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <cstdio>

#include "cli/commands.h"
#include "ledger/json_input.h"
#include "ledger/subscription.h"
#include "server/rpc.h"

namespace secondment::cli {
namespace {

std::atomic<bool> stop_requested{false};
void RequestStop(int) { stop_requested = true; }

int FollowThroughServer(const server::ConnectOptions& options,
                        const std::vector<std::string>& words) {
  std::vector<OptionSpec> specs = {{"follow", false}, {"from"}, {"type", true, true}, {"consumer"}};
  auto args = Args::Parse("log", {words.begin() + 1, words.end()}, specs);
  if (!args.ok()) return Fail(args.status());
  auto from = args->Integer("from", 1, INT64_MAX);
  if (!from.ok()) return Fail(from.status());
  SubscriptionOptions check;
  check.types = args->All("type");
  if (Status s = ValidateSubscriptionOptions(check); !s.ok()) return Fail(s);
  std::string consumer = args->Get("consumer").value_or("");
  if (!consumer.empty()) {
    if (Status s = ConsumerPositions::ValidateName(consumer); !s.ok()) return Fail(s);
  }
  struct sigaction action {};
  action.sa_handler = RequestStop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Status followed = server::FollowRemote(
      options, static_cast<Position>(from->value_or(1)), check.types, consumer,
      [](Position, const std::string& json) {
        std::string line = json + "\n";
        return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() &&
               std::fflush(stdout) == 0;
      },
      [] { return stop_requested.load(); });
  if (!followed.ok()) return Fail(followed);
  return 0;
}

}  // namespace

int RunThroughServer(const Globals& globals, const std::vector<std::string>& words) {
  if (!globals.connect) return Fail(InvalidArgument("--token and --tls-ca go with --connect"));
  if (!globals.token) return Fail(InvalidArgument("--connect needs --token"));
  if (globals.actor) {
    return Fail(InvalidArgument(
        "--actor does not go with --connect: the server records the token's principal"));
  }
  if (globals.policy) {
    return Fail(InvalidArgument("--policy does not go with --connect: the server's policy holds"));
  }
  server::ConnectOptions options;
  options.address = *globals.connect;
  options.token = *globals.token;
  if (globals.tls_ca) {
    auto pem = ReadSmallFile(*globals.tls_ca);
    if (!pem.ok()) return Fail(pem.status());
    options.tls_ca_pem = std::move(*pem);
  }
  bool follow = words.size() > 1 && words[0] == "log" &&
                std::find(words.begin(), words.end(), "--follow") != words.end();
  if (follow) return FollowThroughServer(options, words);
  auto outcome = server::RunRemote(options, globals.role.value_or(""), words, globals.json);
  if (!outcome.ok()) return Fail(outcome.status());
  std::fwrite(outcome->out.data(), 1, outcome->out.size(), stdout);
  std::fwrite(outcome->err.data(), 1, outcome->err.size(), stderr);
  return outcome->exit_code;
}

}  // namespace secondment::cli
