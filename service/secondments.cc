#include "service/secondments.h"

#include <fmt/format.h>

#include <map>

#include "ledger/event/event.h"
#include "ledger/event/schema_date.h"
#include "ledger/log/privacy.h"

namespace secondment {

bool NeedsPeriods(const Command& command) {
  if (auto* approve = std::get_if<ApproveCommand>(&command)) {
    return approve->scope == schema::Scope::EXTENSION ||
           approve->scope == schema::Scope::CORRECTION;
  }
  return std::holds_alternative<ProposeCommand>(command) ||
         std::holds_alternative<StartCommand>(command) ||
         std::holds_alternative<RequestExtensionCommand>(command) ||
         std::holds_alternative<CorrectCommand>(command) ||
         std::holds_alternative<VoidCommand>(command);
}

std::optional<Position> VoidPosition(const Secondment& state, const Command& command) {
  if (auto* v = std::get_if<VoidCommand>(&command)) return v->position;
  auto* approve = std::get_if<ApproveCommand>(&command);
  if (approve && approve->scope == schema::Scope::CORRECTION && state.correction_request &&
      state.correction_request->correction.field == "void") {
    return state.correction_request->correction.corrects_position;
  }
  return std::nullopt;
}

Secondments::Secondments(EventLog* log, Policy policy, const Clock* clock)
    : log_(log), policy_(std::move(policy)), clock_(clock) {}

ReadCounts Secondments::reads() const {
  return {secondment_reads_.load(std::memory_order_relaxed),
          employee_reads_.load(std::memory_order_relaxed)};
}

Result<Secondments::Loaded> Secondments::LoadStream(std::string_view id) {
  RETURN_IF_ERROR(ValidateId(id, "secondment"));
  Loaded loaded;
  loaded.state.id = std::string(id);
  secondment_reads_.fetch_add(1, std::memory_order_relaxed);
  auto events = log_->ReadStream(SecondmentStream(id), 0, UINT32_MAX);
  if (events.status().code() == StatusCode::kNotFound) return loaded;
  RETURN_IF_ERROR(events.status());
  for (const RecordedEvent& event : *events) {
    EvolveInPlace(loaded.state, event.Get());
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

Result<VoidTarget> Secondments::LoadVoidTarget(Position position) {
  if (position == 0) return InvalidArgument("position must be 1 or more");
  ASSIGN_OR_RETURN(auto events, log_->ReadAll(position, 1));
  if (events.empty()) return NotFound(fmt::format("no event at position {}", position));
  return VoidTargetOf(position, events.front().Get());
}

Status Secondments::LoadEmployee(const std::string& employee_id, std::string_view except,
                                 CivilDate today, std::vector<ClaimedPeriod>* periods,
                                 std::optional<StreamVersion>* version) {
  employee_reads_.fetch_add(1, std::memory_order_relaxed);
  std::map<std::string, ClaimedPeriod> claims;  // the latest claim of each secondment
  auto read_claims = [&](const std::string& stream, bool versioned) -> Status {
    auto events = log_->ReadStream(stream, 0, UINT32_MAX);
    if (events.status().code() == StatusCode::kNotFound) return Status::Ok();
    RETURN_IF_ERROR(events.status());
    for (const RecordedEvent& event : *events) {
      if (versioned) *version = event.Get().getStreamVersion();
      if (!event.Get().getPayload().isPeriodClaimed()) continue;
      auto claim = event.Get().getPayload().getPeriodClaimed();
      std::string id = claim.getSecondmentId().cStr();
      claims[id] = {id, DateOf(claim.getPlannedStart()), DateOf(claim.getPlannedEnd())};
    }
    return Status::Ok();
  };
  // Claims made before sealing existed are in the stream named by the id itself.
  RETURN_IF_ERROR(read_claims(EmployeeStream(employee_id), /*versioned=*/false));
  ASSIGN_OR_RETURN(std::optional<std::string> subject, FindSubject(*log_, employee_id));
  if (subject) RETURN_IF_ERROR(read_claims(SubjectStream(*subject), /*versioned=*/true));
  for (auto& [id, claim] : claims) {
    if (id == except) continue;
    ASSIGN_OR_RETURN(Loaded other, LoadStream(id));
    // The days it holds as it stands now: a returned one up to its return, a refused or
    // withdrawn one none.
    if (!other.version) continue;
    if (auto held = HeldPeriod(other.state, today)) {
      periods->push_back({id, held->start, held->end});
    }
  }
  return Status::Ok();
}

std::string Secondments::NextGeneratedId() {
  uint64_t candidate = log_->Head() + 1;
  uint64_t last = last_generated_.load(std::memory_order_relaxed);
  for (;;) {
    uint64_t next = std::max(candidate, last + 1);
    if (last_generated_.compare_exchange_weak(last, next, std::memory_order_relaxed)) {
      return fmt::format("SEC-{:06d}", next);
    }
  }
}

Result<Outcome> Secondments::Replayed(Position position, const std::optional<std::string>& id,
                                      const Actor& actor) {
  ASSIGN_OR_RETURN(auto events, log_->ReadAll(position, 1));
  if (events.empty()) return Corruption(fmt::format("event #{} is indexed but not read", position));
  auto event = events.front().Get();
  std::optional<std::string_view> of = SecondmentIdOf(event.getStreamId().cStr());
  if (!of || (id && *of != *id) || actor.id != event.getActor().getId().cStr()) {
    return RuleViolation(fmt::format(
        "this request's event id is already event #{}, a step of another request", position));
  }
  Outcome outcome;
  outcome.id = std::string(*of);
  outcome.positions = {position};
  outcome.replayed = true;
  ASSIGN_OR_RETURN(Loaded loaded, LoadStream(outcome.id));
  outcome.state = std::move(loaded.state);
  ASSIGN_OR_RETURN(auto tip, log_->GetStreamState(SecondmentStream(outcome.id)));
  if (tip) {
    outcome.version = tip->version;
    outcome.last_position = tip->position;
  }
  return outcome;
}

Result<Outcome> Secondments::Execute(std::optional<std::string> id, const Command& command,
                                     const Actor& actor,
                                     const std::function<Status(const Secondment&)>& authorize,
                                     const WriteOptions& options) {
  bool proposing = std::holds_alternative<ProposeCommand>(command);
  bool generated = proposing && !id;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // A retry (this one's, after a Conflict, or the caller's) finds what was appended first.
    if (options.event_id) {
      ASSIGN_OR_RETURN(std::optional<Position> stored, log_->FindEvent(*options.event_id));
      if (stored) return Replayed(*stored, generated ? std::nullopt : id, actor);
    }
    if (generated) id = NextGeneratedId();
    ASSIGN_OR_RETURN(Loaded loaded, LoadStream(*id));
    if (!proposing && !loaded.version) return NotFound(fmt::format("no secondment {}", *id));
    if (proposing && loaded.version) {
      if (generated) continue;  // taken meanwhile (by another process): try the next number
      return Conflict(fmt::format("secondment {} already exists", *id));
    }
    if (authorize && !proposing) RETURN_IF_ERROR(authorize(loaded.state));
    if (options.expected_version && loaded.version != options.expected_version) {
      return Conflict(fmt::format("{} has changed since version {} (it is at version {})", *id,
                                  *options.expected_version,
                                  loaded.version ? fmt::format("{}", *loaded.version) : "none"));
    }

    Context context;
    context.policy = &policy_;
    context.actor = actor;
    context.today = DateOfMicros(clock_->NowMicros());
    std::string employee =
        proposing ? std::get<ProposeCommand>(command).employee_id : loaded.state.employee_id;
    RETURN_IF_ERROR(CheckNotErased(*id, employee, proposing));
    std::optional<StreamVersion> employee_version;
    if (NeedsPeriods(command)) {
      RETURN_IF_ERROR(ValidateId(employee, "employee"));
      RETURN_IF_ERROR(
          LoadEmployee(employee, *id, context.today, &context.other_periods, &employee_version));
    }
    if (auto position = VoidPosition(loaded.state, command)) {
      ASSIGN_OR_RETURN(context.void_target, LoadVoidTarget(*position));
    }
    ASSIGN_OR_RETURN(Decision decision, Decide(loaded.state, command, context));
    if (options.event_id) decision.secondment_events.front().set_id(*options.event_id);
    MarkSubject(decision, employee, policy_);

    // The state after: the loaded one evolved by the decided events, not the stream read
    // again. Evolve reads no field the log stamps but the position, which it keeps only as
    // the source of a field (0 here until the stream is read again).
    Outcome outcome{*id, {}, loaded.state, 0, 0};
    for (const NewEvent& event : decision.secondment_events) {
      EvolveInPlace(outcome.state, event.Get());
    }
    StreamVersion first = loaded.version ? *loaded.version + 1 : 0;
    size_t secondment_events = decision.secondment_events.size();
    outcome.version = first + static_cast<StreamVersion>(secondment_events) - 1;

    std::vector<StreamAppend> appends;
    appends.push_back({SecondmentStream(*id), ExpectedVersion::After(loaded.version),
                       std::move(decision.secondment_events)});
    if (!decision.employee_events.empty()) {
      ASSIGN_OR_RETURN(std::string subject, SubjectOf(*log_, employee));
      appends.push_back({SubjectStream(subject), ExpectedVersion::After(employee_version),
                         std::move(decision.employee_events)});
    }
    auto appended = log_->Append(std::move(appends));
    if (appended.status().code() == StatusCode::kConflict) continue;  // decide again
    RETURN_IF_ERROR(appended.status());
    outcome.positions = std::move(appended->positions);
    outcome.last_position = outcome.positions[secondment_events - 1];
    return outcome;
  }
  return Conflict(fmt::format("secondment {} kept changing while deciding {}; tried {} times",
                              id.value_or("?"), CommandName(command), kMaxAttempts));
}

}  // namespace secondment
