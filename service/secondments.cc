#include "service/secondments.h"

#include <fmt/format.h>

#include <map>

#include "ledger/event/schema_date.h"

namespace secondment {
namespace {

ExpectedVersion Expect(const std::optional<StreamVersion>& version) {
  return version ? ExpectedVersion::Exactly(*version) : ExpectedVersion::NoStream();
}

bool ClaimsPeriod(const Command& command) {
  return std::holds_alternative<ProposeCommand>(command) ||
         std::holds_alternative<RequestExtensionCommand>(command) ||
         (std::holds_alternative<ApproveCommand>(command) &&
          std::get<ApproveCommand>(command).scope == schema::Scope::EXTENSION);
}

}  // namespace

std::string SecondmentStream(std::string_view id) { return fmt::format("secondment-{}", id); }
std::string EmployeeStream(std::string_view employee_id) {
  return fmt::format("employee-{}", employee_id);
}

Secondments::Secondments(EventLog* log, Policy policy, const Clock* clock)
    : log_(log), policy_(std::move(policy)), clock_(clock) {}

Result<Secondments::Loaded> Secondments::LoadStream(std::string_view id) {
  RETURN_IF_ERROR(ValidateId(id, "secondment"));
  Loaded loaded;
  loaded.state.id = std::string(id);
  auto events = log_->ReadStream(SecondmentStream(id), 0, UINT32_MAX);
  if (events.status().code() == StatusCode::kNotFound) return loaded;
  RETURN_IF_ERROR(events.status());
  for (const RecordedEvent& event : *events) {
    loaded.state = Evolve(std::move(loaded.state), event.Get());
    loaded.version = event.Get().getStreamVersion();
  }
  return loaded;
}

Result<Secondment> Secondments::Load(std::string_view id) {
  ASSIGN_OR_RETURN(Loaded loaded, LoadStream(id));
  if (!loaded.version) return NotFound(fmt::format("no secondment {}", id));
  return std::move(loaded.state);
}

Result<std::vector<RecordedEvent>> Secondments::History(std::string_view id) {
  RETURN_IF_ERROR(ValidateId(id, "secondment"));
  auto events = log_->ReadStream(SecondmentStream(id), 0, UINT32_MAX);
  if (events.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no secondment {}", id));
  }
  return events;
}

Status Secondments::LoadEmployee(const std::string& employee_id, std::string_view except,
                                 std::vector<ClaimedPeriod>* periods,
                                 std::optional<StreamVersion>* version) {
  auto events = log_->ReadStream(EmployeeStream(employee_id), 0, UINT32_MAX);
  if (events.status().code() == StatusCode::kNotFound) return Status::Ok();
  RETURN_IF_ERROR(events.status());
  std::map<std::string, ClaimedPeriod> claims;  // the latest claim of each secondment
  for (const RecordedEvent& event : *events) {
    *version = event.Get().getStreamVersion();
    if (!event.Get().getPayload().isPeriodClaimed()) continue;
    auto claim = event.Get().getPayload().getPeriodClaimed();
    std::string id = claim.getSecondmentId().cStr();
    claims[id] = {id, DateOf(claim.getPlannedStart()), DateOf(claim.getPlannedEnd())};
  }
  for (auto& [id, claim] : claims) {
    if (id == except) continue;
    ASSIGN_OR_RETURN(Loaded other, LoadStream(id));
    // A secondment that ended no longer holds its period; one that returned early holds it
    // only up to its return.
    if (!other.version || IsTerminal(other.state.status)) continue;
    claim.end = other.state.planned_end;
    periods->push_back(claim);
  }
  return Status::Ok();
}

Result<Outcome> Secondments::Execute(std::optional<std::string> id, const Command& command,
                                     const Actor& actor) {
  bool proposing = std::holds_alternative<ProposeCommand>(command);
  bool generated = proposing && !id;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (generated) id = fmt::format("SEC-{:06d}", log_->Head() + 1 + attempt);
    ASSIGN_OR_RETURN(Loaded loaded, LoadStream(*id));
    if (!proposing && !loaded.version) return NotFound(fmt::format("no secondment {}", *id));
    if (proposing && loaded.version) {
      if (generated) continue;  // taken meanwhile: try the next number
      return Conflict(fmt::format("secondment {} already exists", *id));
    }

    Context context;
    context.policy = &policy_;
    context.actor = actor;
    context.today = DateOfMicros(clock_->NowMicros());
    std::string employee =
        proposing ? std::get<ProposeCommand>(command).employee_id : loaded.state.employee_id;
    std::optional<StreamVersion> employee_version;
    if (ClaimsPeriod(command)) {
      RETURN_IF_ERROR(ValidateId(employee, "employee"));
      RETURN_IF_ERROR(LoadEmployee(employee, *id, &context.other_periods, &employee_version));
    }
    ASSIGN_OR_RETURN(Decision decision, Decide(loaded.state, command, context));

    std::vector<StreamAppend> appends;
    appends.push_back(
        {SecondmentStream(*id), Expect(loaded.version), std::move(decision.secondment_events)});
    if (!decision.employee_events.empty()) {
      appends.push_back({EmployeeStream(employee), Expect(employee_version),
                         std::move(decision.employee_events)});
    }
    auto appended = log_->Append(std::move(appends));
    if (appended.status().code() == StatusCode::kConflict) continue;  // decide again
    RETURN_IF_ERROR(appended.status());
    // The state after: the loaded one evolved by the events just appended (read back, as
    // stored), not the whole stream again.
    StreamVersion next = loaded.version ? *loaded.version + 1 : 0;
    ASSIGN_OR_RETURN(auto added, log_->ReadStream(SecondmentStream(*id), next, UINT32_MAX));
    for (const RecordedEvent& event : added) EvolveInPlace(loaded.state, event.Get());
    return Outcome{*id, std::move(appended->positions), std::move(loaded.state)};
  }
  return Conflict(fmt::format("secondment {} kept changing while deciding {}; tried {} times",
                              id.value_or("?"), CommandName(command), kMaxAttempts));
}

}  // namespace secondment
