// Events exported by `secondment export log` (or `log --json`) read back as the commands that
// made them (docs/import.md, "Events from another ledger").

#include <fmt/format.h>

#include "ledger/base/json_input.h"
#include "ledger/base/text.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/proposal_json.h"
#include "ledger/lifecycle/streams.h"
#include "service/caller.h"
#include "service/import_plan.h"

namespace secondment::service {
namespace {

constexpr char kPayload[] = "payload";

Result<std::string> Text(const JsonObject& o, std::string_view name) {
  ASSIGN_OR_RETURN(auto text, o.String(name));
  return text.value_or("");
}

Result<Party> PartyOf(const JsonObject& o, std::string_view name) {
  ASSIGN_OR_RETURN(auto party, o.Object(name));
  if (!party) return InvalidArgument(fmt::format("{} is required in {}", name, o.where()));
  Party p;
  ASSIGN_OR_RETURN(p.org, Text(*party, "org"));
  ASSIGN_OR_RETURN(p.unit, Text(*party, "unit"));
  ASSIGN_OR_RETURN(p.manager_id, Text(*party, "managerId"));
  return p;
}

Result<ProposeCommand> Proposal(const JsonObject& p) {
  ProposeCommand c;
  ASSIGN_OR_RETURN(c.employee_id, Text(p, "employeeId"));
  ASSIGN_OR_RETURN(c.home, PartyOf(p, "home"));
  ASSIGN_OR_RETURN(c.host, PartyOf(p, "host"));
  ASSIGN_OR_RETURN(std::string kind, Text(p, "kind"));
  ASSIGN_OR_RETURN(c.kind, ParseKind(kind, "kind"));
  ASSIGN_OR_RETURN(c.role_title, Text(p, "roleTitle"));
  ASSIGN_OR_RETURN(auto objectives, p.Strings("objectives"));
  c.objectives = objectives.value_or(std::vector<std::string>());
  ASSIGN_OR_RETURN(c.start, RequiredJsonDate(p, "plannedStart"));
  ASSIGN_OR_RETURN(c.end, RequiredJsonDate(p, "plannedEnd"));
  ASSIGN_OR_RETURN(auto fte, p.Integer("ftePercent", 1, 100));
  c.fte_percent = static_cast<int>(fte.value_or(100));
  ASSIGN_OR_RETURN(c.location, Text(p, "location"));
  ASSIGN_OR_RETURN(c.country, Text(p, "country"));
  ASSIGN_OR_RETURN(std::string cost, Text(p, "costArrangement"));
  if (!cost.empty() && cost != "unspecified") {
    ASSIGN_OR_RETURN(c.cost, ParseCost(cost, "costArrangement"));
  }
  ASSIGN_OR_RETURN(c.backfill, Text(p, "backfillPlan"));
  return c;
}

// The command that recorded an event of `type` with payload `p`, dated `date`.
Result<Command> CommandOf(std::string_view type, const JsonObject& p, CivilDate date) {
  if (type == "proposed") {
    ASSIGN_OR_RETURN(ProposeCommand c, Proposal(p));
    c.date = date;
    return Command(std::move(c));
  }
  if (type == "approvalGranted" || type == "approvalRefused") {
    ASSIGN_OR_RETURN(std::string scope_text, Text(p, "scope"));
    ASSIGN_OR_RETURN(schema::Scope scope, ParseScope(scope_text, "scope"));
    if (type == "approvalGranted") {
      ASSIGN_OR_RETURN(std::string conditions, Text(p, "conditions"));
      return Command(ApproveCommand{scope, std::move(conditions), date});
    }
    ASSIGN_OR_RETURN(std::string reason, Text(p, "reason"));
    return Command(RefuseCommand{scope, std::move(reason), date});
  }
  if (type == "withdrawn") {
    ASSIGN_OR_RETURN(std::string reason, Text(p, "reason"));
    return Command(WithdrawCommand{std::move(reason), date});
  }
  if (type == "agreementSigned") {
    SignCommand c;
    ASSIGN_OR_RETURN(c.reference, Text(p, "reference"));
    ASSIGN_OR_RETURN(auto version, p.Integer("version", 1, UINT32_MAX));
    c.version = static_cast<uint32_t>(version.value_or(1));
    ASSIGN_OR_RETURN(c.sha256_hex, Text(p, "documentSha256"));
    c.date = date;
    return Command(std::move(c));
  }
  if (type == "started") {
    ASSIGN_OR_RETURN(CivilDate started, RequiredJsonDate(p, "actualStart"));
    return Command(StartCommand{started});
  }
  if (type == "handoverRecorded") {
    HandoverCommand c;
    ASSIGN_OR_RETURN(std::string direction, Text(p, "direction"));
    ASSIGN_OR_RETURN(c.direction, ParseDirection(direction, "direction"));
    ASSIGN_OR_RETURN(c.from, Text(p, "from"));
    ASSIGN_OR_RETURN(c.to, Text(p, "to"));
    ASSIGN_OR_RETURN(auto duties, p.Strings("duties"));
    c.duties = duties.value_or(std::vector<std::string>());
    ASSIGN_OR_RETURN(c.notes, Text(p, "notes"));
    c.date = date;
    return Command(std::move(c));
  }
  if (type == "feedbackRecorded") {
    FeedbackCommand c;
    ASSIGN_OR_RETURN(auto rating, p.Integer("rating", 0, 5));
    c.rating = static_cast<int>(rating.value_or(0));
    ASSIGN_OR_RETURN(c.text, Text(p, "text"));
    c.date = date;
    return Command(std::move(c));
  }
  if (type == "extensionRequested") {
    RequestExtensionCommand c;
    ASSIGN_OR_RETURN(c.until, RequiredJsonDate(p, "newPlannedEnd"));
    ASSIGN_OR_RETURN(c.rationale, Text(p, "rationale"));
    c.date = date;
    return Command(std::move(c));
  }
  if (type == "returned") {
    ReturnCommand c;
    ASSIGN_OR_RETURN(c.date, RequiredJsonDate(p, "returnDate"));
    ASSIGN_OR_RETURN(c.reason, Text(p, "reason"));
    ASSIGN_OR_RETURN(std::string position, Text(p, "position"));
    if (!position.empty()) {
      ASSIGN_OR_RETURN(c.position, ParseReturnPosition(position, "position"));
    }
    return Command(std::move(c));
  }
  if (type == "conversionProposed") {
    ProposeConversionCommand c;
    ASSIGN_OR_RETURN(c.effective, RequiredJsonDate(p, "effectiveDate"));
    ASSIGN_OR_RETURN(c.new_role, Text(p, "newRole"));
    ASSIGN_OR_RETURN(c.recruitment_ref, Text(p, "recruitmentRef"));
    c.date = date;
    return Command(std::move(c));
  }
  if (type == "corrected" || type == "correctionProposed") {
    ASSIGN_OR_RETURN(std::string field, Text(p, "field"));
    ASSIGN_OR_RETURN(std::string reason, Text(p, "reason"));
    if (field == "void") {  // a void that waited for approval
      ASSIGN_OR_RETURN(auto position, p.Integer("correctsPosition", 1, INT64_MAX));
      return Command(VoidCommand{static_cast<uint64_t>(position.value_or(0)), reason, date});
    }
    ASSIGN_OR_RETURN(std::string value, Text(p, "newValue"));
    return Command(CorrectCommand{std::move(field), std::move(value), std::move(reason), date});
  }
  if (type == "voided") {
    ASSIGN_OR_RETURN(auto position, p.Integer("position", 1, INT64_MAX));
    ASSIGN_OR_RETURN(std::string reason, Text(p, "reason"));
    return Command(VoidCommand{static_cast<uint64_t>(position.value_or(0)), reason, date});
  }
  return InvalidArgument(fmt::format("unknown event type '{}'", type.substr(0, 40)));
}

}  // namespace

Result<std::optional<ImportCommand>> ParseEventLine(const JsonObject& o) {
  RETURN_IF_ERROR(o.CheckKnownFields({"position", "recordedAt", "streamId", "streamVersion",
                                      "eventId", "effectiveDate", "actor", "role", "type",
                                      "payload", "source", "erasedSubject"}));
  ASSIGN_OR_RETURN(std::string stream, Text(o, "streamId"));
  ASSIGN_OR_RETURN(std::string role_text, Text(o, "role"));
  ASSIGN_OR_RETURN(std::string type, Text(o, "type"));
  // What the ledger derives by itself is made again by the commands that caused it: the
  // periods an employee's stream claims, and the steps a completing approval appends.
  if ((stream.rfind("employee-", 0) == 0 || stream.rfind("subject-", 0) == 0) &&
      type == "periodClaimed") {
    return std::optional<ImportCommand>();
  }
  // Erasures name the other ledger's keys: a person is forgotten in this one by `forget`.
  if (type == "erasureRequested" || type == "personalDataErased") {
    return std::optional<ImportCommand>();
  }
  if (role_text == "system" && (type == "extended" || type == "convertedToPermanent" ||
                                type == "corrected" || type == "voided")) {
    return std::optional<ImportCommand>();
  }
  std::optional<std::string_view> secondment = SecondmentIdOf(stream);
  if (!secondment) {
    return InvalidArgument(
        fmt::format("streamId must name a secondment's stream "
                    "(secondment-ID) for a {} event",
                    Printable(type, 40)));
  }
  ImportCommand c;
  c.secondment = std::string(*secondment);
  ASSIGN_OR_RETURN(std::string id_text, Text(o, "eventId"));
  ASSIGN_OR_RETURN(c.event_id, EventId::Parse(id_text));
  if (c.event_id->IsNil()) return InvalidArgument("eventId must not be nil");
  c.key = id_text;
  ASSIGN_OR_RETURN(auto position, o.Integer("position", 1, INT64_MAX));
  c.was_at = static_cast<Position>(position.value_or(0));
  ASSIGN_OR_RETURN(c.actor.id, Text(o, "actor"));
  RETURN_IF_ERROR(ValidateId(c.actor.id, "actor"));
  ASSIGN_OR_RETURN(Role role, ParseRole(role_text));
  std::optional<schema::Role> lifecycle = LifecycleRole(role);
  if (!lifecycle) return InvalidArgument(fmt::format("role {} records no step", role_text));
  c.actor.role = *lifecycle;
  ASSIGN_OR_RETURN(CivilDate date, RequiredJsonDate(o, "effectiveDate"));
  ASSIGN_OR_RETURN(auto payload, o.Object(kPayload));
  if (!payload) return InvalidArgument(fmt::format("payload is required in {}", o.where()));
  ASSIGN_OR_RETURN(c.command, CommandOf(type, *payload, date));
  return std::optional<ImportCommand>(std::move(c));
}

}  // namespace secondment::service
