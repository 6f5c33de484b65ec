// relay: publishes the ledger's events into NATS JetStream until interrupted. See
// server/relay.h and docs/integration.md.

#include "server/relay.h"

#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "ledger/log/subscription.h"

namespace secondment::cli {
namespace {

constexpr auto kCheckpointEvery = std::chrono::milliseconds(200);

int RunRelay(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("relay takes no arguments; see secondment relay --help"));
  }
  server::RelayOptions options;
  auto url = args.Required("nats");
  if (!url.ok()) return Fail(url.status());
  options.nats_url = *url;
  if (auto stream = args.Get("stream")) options.stream = *stream;
  if (auto prefix = args.Get("subject-prefix")) options.subject_prefix = *prefix;
  if (Status valid = server::ValidateRelayOptions(options); !valid.ok()) return Fail(valid);

  BlockStopSignals();

  auto ledger = env.Local("relay", service::Access::kFollow);
  if (!ledger.ok()) return Fail(ledger.status());
  EventLog* log = &(*ledger)->log();
  auto relay = server::Relay::Start(*log, (*ledger)->consumers(), options,
                                    [log] { return log->CatchUpWithPrimary(); });
  if (!relay.ok()) return Fail(relay.status());
  std::printf("relaying %s to JetStream stream %s on %s.<type>, from position %llu\n",
              log->dir().c_str(), options.stream.c_str(), options.subject_prefix.c_str(),
              static_cast<unsigned long long>((*relay)->started_at()));
  std::fflush(stdout);
  Status failure = Status::Ok();
  for (;;) {
    if (WaitForStopSignal(kCheckpointEvery)) break;
    failure = (*relay)->Checkpoint();
    if (!failure.ok() || (*relay)->failed()) break;
  }
  Status stopped = (*relay)->Stop();
  if (failure.ok()) failure = stopped;
  if (!failure.ok()) return Fail(failure);
  std::printf("relayed up to position %llu\n",
              static_cast<unsigned long long>((*relay)->acknowledged()));
  return 0;
}

}  // namespace

std::vector<CommandDef> RelayCommandDefs() {
  return {{"relay",
           "relay --nats nats://HOST:PORT [--stream NAME] [--subject-prefix PREFIX]",
           "publish every event into NATS JetStream, in order, resuming after a restart",
           {{"nats"}, {"stream"}, {"subject-prefix"}},
           RunRelay}};
}

}  // namespace secondment::cli
