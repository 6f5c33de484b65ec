// The client side of --connect: a command run through `secondment serve` prints what the
// server's run printed and exits with its status; `log --follow` streams from the server's feed.

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "cli/audit_files.h"
#include "cli/commands.h"
#include "ledger/base/json_input.h"
#include "ledger/integrity/checkpoint.h"
#include "ledger/log/subscription.h"
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
      [] {
        if (stop_requested.load()) return true;
        // A reader that went away while no event came (`... | head`): the pipe says so.
        pollfd out{::fileno(stdout), POLLOUT, 0};
        return ::poll(&out, 1, 0) == 1 && (out.revents & (POLLERR | POLLHUP)) != 0;
      });
  if (!followed.ok()) return Fail(followed);
  return 0;
}

// Options naming the client's files travel as their contents (--checkpoint-note, --pubkey-pem,
// --file-json);
// prove's --out is written here from what the server printed.
Result<std::vector<std::string>> InlineFiles(const std::vector<std::string>& words,
                                             std::optional<std::string>* out_path) {
  std::vector<std::string> sent = {words[0]};
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& word = words[i];
    bool takes_file =
        word == "--checkpoint" || word == "--pubkey" || word == "--out" || word == "--file";
    if (!takes_file) {
      sent.push_back(word);
      continue;
    }
    if (i + 1 >= words.size()) return InvalidArgument(fmt::format("{} needs a value", word));
    const std::string& path = words[++i];
    if (word == "--out") {
      *out_path = path;
      continue;
    }
    ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
    sent.push_back(word == "--checkpoint" ? "--checkpoint-note"
                   : word == "--pubkey"   ? "--pubkey-pem"
                                          : "--file-json");
    sent.push_back(std::move(text));
  }
  return sent;
}

// checkpoint --key KEY through a server: the key stays here. The server reports its tree head,
// it is signed here, and the server stores the note after checking it against its log.
int CheckpointThroughServer(const server::ConnectOptions& options, const Globals& globals,
                            const std::vector<std::string>& words) {
  auto args = Args::Parse("checkpoint", {words.begin() + 1, words.end()}, {{"key"}, {"out"}});
  if (!args.ok()) return Fail(args.status());
  if (!args->positional().empty()) return Fail(InvalidArgument("checkpoint takes no arguments"));
  auto key_path = args->Required("key");
  if (!key_path.ok()) return Fail(key_path.status());
  auto key = ReadPrivateKeyFile(*key_path);
  if (!key.ok()) return Fail(key.status());
  auto session = server::RemoteSession::Open(options);
  if (!session.ok()) return Fail(session.status());
  std::string role = globals.role.value_or("auditor");
  auto head = (*session)->Run(role, {"tree-head"}, /*json=*/true);
  if (!head.ok()) return Fail(head.status());
  if (head->exit_code != 0) {
    std::fwrite(head->err.data(), 1, head->err.size(), stderr);
    return head->exit_code;
  }
  auto doc = JsonDocument::Parse(head->out, "the server's tree head");
  if (!doc.ok()) return Fail(doc.status());
  auto object = doc->RootObject();
  if (!object.ok()) return Fail(object.status());
  auto ledger = object->String("ledger");
  auto size = object->String("size");
  auto root = object->String("root");
  if (!ledger.ok() || !*ledger || !size.ok() || !*size || !root.ok() || !*root ||
      !HashFromHex(**root) || (*size)->find_first_not_of("0123456789") != std::string::npos ||
      (*size)->empty() || (*size)->size() > 19) {
    return Fail(IOError("the server sent a malformed tree head"));
  }
  Checkpoint checkpoint{**ledger, std::stoull(**size), *HashFromHex(**root),
                        SystemClock().NowMicros()};
  SignedCheckpoint signed_checkpoint = key->Sign(checkpoint);
  auto stored = (*session)->Run(
      role,
      {"checkpoint", "--note-text", signed_checkpoint.Note(), "--pubkey-pem", key->Public().Pem()},
      globals.json);
  if (!stored.ok()) return Fail(stored.status());
  if (stored->exit_code == 0) {
    if (auto out = args->Get("out")) {
      if (Status written = WriteNewFile(*out, signed_checkpoint.Note(), 0644); !written.ok()) {
        return Fail(written);
      }
    }
  }
  std::fwrite(stored->out.data(), 1, stored->out.size(), stdout);
  std::fwrite(stored->err.data(), 1, stored->err.size(), stderr);
  return stored->exit_code;
}

}  // namespace

int RunThroughServer(const Globals& globals, const std::vector<std::string>& words) {
  if (!globals.connect) return Fail(InvalidArgument("--token and --tls-ca go with --connect"));
  std::optional<std::string> token = globals.token;
  if (!token) {
    // Kept out of `ps` and shell history.
    const char* from_env = std::getenv("SECONDMENT_TOKEN");
    if (from_env && *from_env) token = from_env;
  }
  if (!token) return Fail(InvalidArgument("--connect needs --token (or $SECONDMENT_TOKEN)"));
  const std::string& address = *globals.connect;
  bool loopback = address.rfind("127.", 0) == 0 || address.rfind("localhost:", 0) == 0 ||
                  address.rfind("[::1]:", 0) == 0;
  if (!globals.tls_ca && !loopback) {
    return Fail(InvalidArgument(
        "the token would cross the network in clear: give --tls-ca with the server's CA "
        "(plain TCP is for 127.0.0.1 and localhost only)"));
  }
  if (globals.actor) {
    return Fail(InvalidArgument(
        "--actor does not go with --connect: the server records the token's principal"));
  }
  if (globals.policy) {
    return Fail(InvalidArgument("--policy does not go with --connect: the server's policy holds"));
  }
  server::ConnectOptions options;
  options.address = *globals.connect;
  options.token = *token;
  if (globals.tls_ca) {
    auto pem = ReadSmallFile(*globals.tls_ca);
    if (!pem.ok()) return Fail(pem.status());
    options.tls_ca_pem = std::move(*pem);
  }
  bool follow = words.size() > 1 && words[0] == "log" &&
                std::find(words.begin(), words.end(), "--follow") != words.end();
  if (follow) return FollowThroughServer(options, words);
  if (words[0] == "checkpoint") return CheckpointThroughServer(options, globals, words);
  std::optional<std::string> out_path;
  auto sent = InlineFiles(words, &out_path);
  if (!sent.ok()) return Fail(sent.status());
  auto outcome = server::RunRemote(options, globals.role.value_or(""), *sent, globals.json);
  if (!outcome.ok()) return Fail(outcome.status());
  if (out_path && outcome->exit_code == 0) {
    if (Status written = WriteNewFile(*out_path, outcome->out, 0644); !written.ok()) {
      return Fail(written);
    }
    std::printf("wrote %s\n", out_path->c_str());
    return 0;
  }
  std::fwrite(outcome->out.data(), 1, outcome->out.size(), stdout);
  std::fwrite(outcome->err.data(), 1, outcome->err.size(), stderr);
  return outcome->exit_code;
}

}  // namespace secondment::cli
