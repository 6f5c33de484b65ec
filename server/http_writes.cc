// The HTTP API's writes: a proposal and each step after it, retry-safe with Idempotency-Key
// and conditional with If-Match (docs/http.md, "Conventions").

#include <fmt/format.h>

#include "ledger/base/json_input.h"
#include "ledger/event/event_json.h"
#include "ledger/integrity/checkpoint.h"
#include "ledger/lifecycle/proposal_json.h"
#include "ledger/lifecycle/step_input.h"
#include "server/http_routes.h"
#include "service/json_views.h"

namespace secondment::server {
namespace {

constexpr size_t kMaxIdempotencyKey = 200;
constexpr char kBody[] = "the request body";

// The event id a key names: a UUID as it is; any other key hashed with the principal (so that
// two principals' keys never meet).
Result<EventId> IdempotentId(const std::string& key, const std::string& principal) {
  if (key.empty() || key.size() > kMaxIdempotencyKey) {
    return InvalidArgument(
        fmt::format("Idempotency-Key must be 1 to {} characters", kMaxIdempotencyKey));
  }
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) {
      return InvalidArgument("Idempotency-Key must be printable ASCII");
    }
  }
  if (auto uuid = EventId::Parse(key); uuid.ok() && !uuid->IsNil()) return *uuid;
  return EventId::FromName(principal + '\n' + key);
}

// If-Match: "7" (or 7, or W/"7") names a version; * only asks that the secondment exists.
Result<std::optional<StreamVersion>> ExpectedVersion(const std::string& header) {
  std::string_view text = header;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text == "*") return std::optional<StreamVersion>();
  if (text.substr(0, 2) == "W/") text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 10 ||
      text.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoull(std::string(text)) > UINT32_MAX) {
    return InvalidArgument("If-Match must be an ETag of this API, such as \"7\", or *");
  }
  return std::optional<StreamVersion>(static_cast<StreamVersion>(std::stoull(std::string(text))));
}

Result<WriteOptions> OptionsOf(const RouteCall& call) {
  WriteOptions options;
  if (call.request.idempotency_key) {
    ASSIGN_OR_RETURN(options.event_id, IdempotentId(*call.request.idempotency_key, call.caller.id));
  }
  if (call.request.if_match) {
    ASSIGN_OR_RETURN(options.expected_version, ExpectedVersion(*call.request.if_match));
  }
  return options;
}

HttpAnswer OutcomeAnswer(service::LedgerService& ledger, const Outcome& outcome, unsigned status) {
  std::string positions;
  for (Position p : outcome.positions)
    positions += fmt::format("{}{}", positions.empty() ? "" : ",", p);
  projections::Folded folded{outcome.state, outcome.last_position, outcome.version};
  HttpAnswer answer =
      JsonAnswer(fmt::format("{{\"id\":{},\"positions\":[{}],\"version\":{},\"secondment\":{}}}",
                             JsonString(outcome.id), positions, outcome.version,
                             service::FoldedJson(folded, ledger.policy(), ledger.Today())),
                 status);
  answer.headers.emplace_back("ETag", fmt::format("\"{}\"", outcome.version));
  if (outcome.replayed) answer.headers.emplace_back("Idempotent-Replayed", "true");
  answer.appended = !outcome.replayed;
  return answer;
}

Result<Command> StepCommand(const std::string& step, std::string_view body) {
  // A step without fields (start, return) may come without a body.
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) body = "{}";
  ASSIGN_OR_RETURN(JsonDocument doc, JsonDocument::Parse(body, kBody, kMaxHttpBody));
  ASSIGN_OR_RETURN(JsonObject object, doc.RootObject());
  ASSIGN_OR_RETURN(JsonStepInput input, JsonStepInput::Of(step, object));
  return ParseStep(step, input);
}

}  // namespace

Status CheckBody(const HttpRequest& request, const std::string& step) {
  if (step.empty()) return ParseProposalJson(request.body, kBody).status();
  return StepCommand(step, request.body).status();
}

Result<HttpAnswer> Propose(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  call.fields = {"employee",   "homeOrg",     "homeUnit", "homeManager", "hostOrg",
                 "hostUnit",   "hostManager", "kind",     "roleTitle",   "start",
                 "end",        "fte",         "country",  "location",    "cost",
                 "objectives", "backfill",    "id",       "date"};
  if (call.request.if_match) {
    return InvalidArgument("If-Match does not go with a proposal: it makes a new secondment");
  }
  ASSIGN_OR_RETURN(WriteOptions options, OptionsOf(call));
  ASSIGN_OR_RETURN(Proposal proposal, ParseProposalJson(call.request.body, kBody));
  service::LedgerService& ledger = call.routes.ledger();
  ASSIGN_OR_RETURN(Outcome outcome,
                   ledger.Execute(call.caller, proposal.id, proposal.command, options));
  HttpAnswer answer = OutcomeAnswer(ledger, outcome, 201);
  answer.headers.emplace_back("Location", fmt::format("/api/v1/secondments/{}", outcome.id));
  return answer;
}

Result<HttpAnswer> StoreCheckpoint(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  call.fields = {"note", "publicKey"};
  ASSIGN_OR_RETURN(JsonDocument doc, JsonDocument::Parse(call.request.body, kBody, kMaxHttpBody));
  ASSIGN_OR_RETURN(JsonObject object, doc.RootObject());
  object.SetLooseNames(true);
  RETURN_IF_ERROR(object.CheckKnownFields({"note", "publicKey"}));
  ASSIGN_OR_RETURN(auto note, object.String("note"));
  ASSIGN_OR_RETURN(auto pem, object.String("publicKey"));
  if (!note) return InvalidArgument("note is required in the request body");
  if (!pem) return InvalidArgument("publicKey is required in the request body");
  ASSIGN_OR_RETURN(SignedCheckpoint checkpoint, ParseCheckpointNote(*note));
  ASSIGN_OR_RETURN(PublicKey key, PublicKey::FromPem(*pem));
  RETURN_IF_ERROR(call.routes.ledger().StoreCheckpoint(call.caller, checkpoint, key));
  return JsonAnswer(CheckpointJson(checkpoint), 201);
}

Result<HttpAnswer> Step(RouteCall& call) {
  RETURN_IF_ERROR(CheckQueryParams(call.request, {}));
  const std::string& step = call.params["step"];
  call.fields = StepBodyFields(step);
  ASSIGN_OR_RETURN(WriteOptions options, OptionsOf(call));
  ASSIGN_OR_RETURN(Command command, StepCommand(step, call.request.body));
  service::LedgerService& ledger = call.routes.ledger();
  ASSIGN_OR_RETURN(Outcome outcome,
                   ledger.Execute(call.caller, call.params["id"], command, options));
  return OutcomeAnswer(ledger, outcome, 200);
}

}  // namespace secondment::server
