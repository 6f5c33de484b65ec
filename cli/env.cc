#include "cli/env.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "cli/output.h"
#include "ledger/base/json_input.h"
#include "ledger/event/vocabulary.h"
#include "server/tokens.h"

namespace secondment::cli {

int ExitCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 2;
    case StatusCode::kRuleViolation:
      return 3;
    case StatusCode::kConflict:
      return 4;
    case StatusCode::kNotFound:
      return 5;
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
      return 6;
    case StatusCode::kUnavailable:
      return 7;
  }
  return 6;
}

int Fail(const Status& status) {
  std::fprintf(Err(), "%s\n", Printable(status.message(), 400).c_str());
  return ExitCode(status.code());
}

Env::Env(Globals globals) : globals_(std::move(globals)) {}

// The desk goes before the session and the ledger it borrows.
Env::~Env() {
  desk_.reset();
  session_.reset();
  ledger_.reset();
}

Result<Policy> Env::LoadPolicy() const {
  if (!globals_.policy) return Policy::Default();
  return Policy::Load(*globals_.policy);
}

Result<service::Caller> Env::Writer(std::string_view command) const {
  if (!globals_.actor) return InvalidArgument(fmt::format("--actor is required for {}", command));
  if (!globals_.role) return InvalidArgument(fmt::format("--as is required for {}", command));
  RETURN_IF_ERROR(ValidateId(*globals_.actor, "actor"));
  ASSIGN_OR_RETURN(schema::Role role, ParseActingRole(*globals_.role, "--as"));
  switch (role) {
    case schema::Role::HR:
      return service::Caller{*globals_.actor, service::Role::kHr};
    case schema::Role::HOME_MANAGER:
      return service::Caller{*globals_.actor, service::Role::kHomeManager};
    case schema::Role::HOST_MANAGER:
      return service::Caller{*globals_.actor, service::Role::kHostManager};
    case schema::Role::SECONDEE:
      return service::Caller{*globals_.actor, service::Role::kSecondee};
    default:
      return service::Caller{*globals_.actor, service::Role::kException};
  }
}

Result<service::LedgerService*> Env::Open(service::Access access, bool repair) {
  if (ledger_) return ledger_.get();
  service::OpenOptions options;
  options.access = access;
  options.repair = repair;
  ASSIGN_OR_RETURN(options.policy, LoadPolicy());
  auto opened = service::LedgerService::Open(globals_.data, options);
  if (opened.status().code() == StatusCode::kUnavailable && access == service::Access::kWrite) {
    return Unavailable(fmt::format(
        "{}; if `secondment serve` holds it, send writes through it with --connect HOST:PORT "
        "--token T",
        opened.status().message()));
  }
  ASSIGN_OR_RETURN(ledger_, std::move(opened));
  return ledger_.get();
}

Result<service::LedgerService*> Env::Local(std::string_view command, service::Access access,
                                           bool repair) {
  if (remote()) {
    return InvalidArgument(
        fmt::format("{} runs where the ledger is: it does not go with --connect", command));
  }
  return Open(access, repair);
}

Result<server::ConnectOptions> Env::Connection() const {
  if (!globals_.connect) return InvalidArgument("--token and --tls-ca go with --connect");
  if (globals_.data_given) return InvalidArgument("--data does not go with --connect");
  std::optional<std::string> token = globals_.token;
  if (!token) {
    // Kept out of `ps` and shell history.
    const char* from_env = std::getenv("SECONDMENT_TOKEN");
    if (from_env && *from_env) token = from_env;
  }
  if (!token) return InvalidArgument("--connect needs --token (or $SECONDMENT_TOKEN)");
  const std::string& address = *globals_.connect;
  bool loopback = address.rfind("127.", 0) == 0 || address.rfind("localhost:", 0) == 0 ||
                  address.rfind("[::1]:", 0) == 0;
  if (!globals_.tls_ca && !loopback) {
    return InvalidArgument(
        "the token would cross the network in clear: give --tls-ca with the server's CA "
        "(plain TCP is for 127.0.0.1 and localhost only)");
  }
  if (globals_.actor) {
    return InvalidArgument(
        "--actor does not go with --connect: the server records the token's principal");
  }
  if (globals_.policy) {
    return InvalidArgument("--policy does not go with --connect: the server's policy holds");
  }
  server::ConnectOptions options;
  options.address = address;
  options.token = *token;
  if (globals_.tls_ca) {
    ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(*globals_.tls_ca));
    options.tls_ca_pem = std::move(pem);
  }
  return options;
}

Result<service::Desk*> Env::RemoteDesk(service::Operation operation) {
  ASSIGN_OR_RETURN(server::ConnectOptions options, Connection());
  ASSIGN_OR_RETURN(session_, server::RemoteSession::Open(options));
  std::optional<service::Role> role;
  if (globals_.role) {
    ASSIGN_OR_RETURN(role, server::ParseRole(*globals_.role));
  } else {
    ASSIGN_OR_RETURN(auto who, session_->WhoAmI());
    ASSIGN_OR_RETURN(role, service::ChooseRole(who.first, who.second, operation, "--as"));
  }
  ASSIGN_OR_RETURN(desk_, session_->OpenDesk(*role));
  return desk_.get();
}

Result<service::Desk*> Env::Desk(const Needs& needs) {
  if (desk_) return desk_.get();
  if (remote()) return RemoteDesk(needs.operation);
  service::Caller caller = service::Caller::Administrator();
  if (service::IsStep(needs.operation)) {
    ASSIGN_OR_RETURN(caller, Writer(service::OperationName(needs.operation)));
  }
  ASSIGN_OR_RETURN(service::LedgerService * ledger, Open(needs.access, needs.repair));
  desk_ = std::make_unique<service::LocalDesk>(ledger, caller);
  return desk_.get();
}

Result<std::optional<Position>> LedgerTime(const Args& args, service::Desk& desk) {
  if (args.Has("known-at") && args.Has("at-position")) {
    return InvalidArgument("give --known-at or --at-position, not both");
  }
  if (auto at = args.Get("known-at")) {
    ASSIGN_OR_RETURN(int64_t micros, ParseTimestamp(*at, "--known-at"));
    ASSIGN_OR_RETURN(Position position, desk.PositionAt(micros));
    return std::optional<Position>(position);
  }
  ASSIGN_OR_RETURN(auto position, args.Integer("at-position", 0, INT64_MAX));
  if (!position) return std::optional<Position>();
  ASSIGN_OR_RETURN(Position head, desk.Head());
  if (static_cast<Position>(*position) > head) {
    return InvalidArgument(
        fmt::format("--at-position {} is past the last position, {}", *position, head));
  }
  return std::optional<Position>(static_cast<Position>(*position));
}

int ExecuteAndReport(Env& env, std::string_view name, std::optional<std::string> id,
                     const Command& command) {
  if (!env.remote()) {
    if (auto writer = env.Writer(name); !writer.ok()) return Fail(writer.status());
  }
  if (id) {
    if (Status valid = ValidateId(*id, "secondment"); !valid.ok()) return Fail(valid);
  }
  auto desk = env.Desk({service::OperationOf(command), service::Access::kWrite});
  if (!desk.ok()) return Fail(desk.status());
  auto outcome = (*desk)->Execute(id, command);
  if (!outcome.ok()) return Fail(outcome.status());
  if (env.json()) {
    std::string positions;
    for (Position p : outcome->positions)
      positions += fmt::format("{}{}", positions.empty() ? "" : ",", p);
    std::fprintf(Out(), "{\"id\":%s,\"state\":%s,\"positions\":[%s]}\n",
                 JsonString(outcome->id).c_str(),
                 JsonString(StatusName(outcome->state.status)).c_str(), positions.c_str());
  } else if (std::holds_alternative<ProposeCommand>(command)) {
    std::fprintf(Out(), "%s\n", outcome->id.c_str());
  } else if (outcome->state.correction_request &&
             (std::holds_alternative<CorrectCommand>(command) ||
              std::holds_alternative<VoidCommand>(command))) {
    std::fprintf(Out(), "%s %s: waits for a second approval (approve %s --scope correction)\n",
                 outcome->id.c_str(), std::string(name).c_str(), outcome->id.c_str());
  } else {
    std::fprintf(Out(), "%s %s: now %s\n", outcome->id.c_str(), std::string(name).c_str(),
                 std::string(StatusName(outcome->state.status)).c_str());
  }
  return 0;
}

}  // namespace secondment::cli
