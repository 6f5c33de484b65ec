#include "service/import_plan.h"

#include <fmt/format.h>

#include "ledger/event/event.h"
#include "ledger/lifecycle/streams.h"
#include "ledger/log/privacy.h"
#include "service/secondments.h"

namespace secondment::service {

// "import:" is no principal's id (ids hold no ':'), so these names never meet the HTTP API's
// (principal, Idempotency-Key) ids.
EventId ImportEventId(std::string_view key) {
  return EventId::FromName(fmt::format("import:\n{}", key));
}

namespace {

// Stands for an employee's subject stream until TakeAppends names it.
constexpr char kPendingSubject[] = "\x01subject-of:";

// The id of a step's `n`th event after its first (an approval that completes a request, a
// period claim), for a command line's key or an exported event's id.
EventId DerivedEventId(const ImportCommand& c, uint32_t n) {
  return EventId::FromName(
      fmt::format("{}\n{}\n{}", c.event_id ? "import-event:" : "import:", c.key, n));
}

// The event types a command records first: what a key already in the ledger must hold.
bool Records(const Command& command, std::string_view type) {
  return std::visit(
      [&](const auto& c) {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, ProposeCommand>) return type == "proposed";
        if constexpr (std::is_same_v<C, ApproveCommand>) return type == "approvalGranted";
        if constexpr (std::is_same_v<C, RefuseCommand>) return type == "approvalRefused";
        if constexpr (std::is_same_v<C, WithdrawCommand>) return type == "withdrawn";
        if constexpr (std::is_same_v<C, SignCommand>) return type == "agreementSigned";
        if constexpr (std::is_same_v<C, StartCommand>) return type == "started";
        if constexpr (std::is_same_v<C, HandoverCommand>) return type == "handoverRecorded";
        if constexpr (std::is_same_v<C, FeedbackCommand>) return type == "feedbackRecorded";
        if constexpr (std::is_same_v<C, RequestExtensionCommand>) {
          return type == "extensionRequested";
        }
        if constexpr (std::is_same_v<C, ReturnCommand>) return type == "returned";
        if constexpr (std::is_same_v<C, ProposeConversionCommand>) {
          return type == "conversionProposed";
        }
        if constexpr (std::is_same_v<C, CorrectCommand>) {
          return type == "corrected" || type == "correctionProposed";
        }
        return type == "voided" || type == "correctionProposed";
      },
      command);
}

}  // namespace

Policy RecordedElsewhere(const Policy& policy) {
  Policy relaxed = policy;
  relaxed.one_approval_per_person = false;
  relaxed.requester_may_approve_as_hr = true;
  relaxed.feedback_before_conversion = false;
  return relaxed;
}

ImportPlan::ImportPlan(EventLog* log, Secondments* secondments, Position head, CivilDate today,
                       std::string source)
    : log_(log),
      write_path_(secondments),
      head_(head),
      today_(today),
      source_(std::move(source)),
      next_(head + 1) {}

Result<std::vector<StreamAppend>> ImportPlan::TakeAppends() {
  std::vector<StreamAppend> appends = std::move(appends_);
  appends_.clear();
  // An employee's claims go to their subject's stream, named only now: a check made read-only
  // makes no subject.
  for (StreamAppend& append : appends) {
    if (append.stream.rfind(kPendingSubject, 0) != 0) continue;
    ASSIGN_OR_RETURN(std::string subject,
                     SubjectOf(*log_, append.stream.substr(sizeof(kPendingSubject) - 1)));
    append.stream = SubjectStream(subject);
  }
  return appends;
}

Result<ImportPlan::Stream*> ImportPlan::SecondmentOf(const std::string& id) {
  if (auto it = secondments_.find(id); it != secondments_.end()) return &it->second;
  // (The log may not move past `head_` before the plan commits: AppendAfter refuses it then.)
  ASSIGN_OR_RETURN(Secondments::Loaded loaded, write_path_->LoadStream(id));
  Stream stream;
  stream.state = std::move(loaded.state);
  stream.version = loaded.version;
  return &secondments_.emplace(id, std::move(stream)).first->second;
}

Result<ImportPlan::Stream*> ImportPlan::EmployeeOf(const std::string& id) {
  if (auto it = employees_.find(id); it != employees_.end()) return &it->second;
  RETURN_IF_ERROR(ValidateId(id, "employee"));
  Stream stream;
  stream.loaded_claims = true;
  // Claims made before sealing existed are in the stream named by the id itself; the version
  // is the subject stream's, which new claims extend.
  ASSIGN_OR_RETURN(std::optional<std::string> subject, FindSubject(*log_, id));
  for (const std::string& name :
       {EmployeeStream(id), subject ? SubjectStream(*subject) : std::string()}) {
    if (name.empty()) continue;
    bool versioned = subject && name == SubjectStream(*subject);
    auto events = log_->ReadStream(name, 0, UINT32_MAX);
    if (!events.ok() && events.status().code() != StatusCode::kNotFound) return events.status();
    if (!events.ok()) continue;
    for (const RecordedEvent& event : *events) {
      if (event.position() > head_) break;
      if (versioned) stream.version = event.Get().getStreamVersion();
      auto payload = event.Get().getPayload();
      if (payload.isPeriodClaimed()) {
        stream.claims.insert(payload.getPeriodClaimed().getSecondmentId().cStr());
      }
    }
  }
  return &employees_.emplace(id, std::move(stream)).first->second;
}

// As Secondments::LoadEmployee: the days the employee's other secondments hold as of today.
Result<std::vector<ClaimedPeriod>> ImportPlan::OtherPeriods(Stream& employee,
                                                            const std::string& except) {
  std::vector<ClaimedPeriod> periods;
  for (const std::string& id : employee.claims) {
    if (id == except) continue;
    ASSIGN_OR_RETURN(Stream * other, SecondmentOf(id));
    if (!other->version) continue;
    if (auto held = HeldPeriod(other->state, today_)) {
      periods.push_back({id, held->start, held->end});
    }
  }
  return periods;
}

Result<VoidTarget> ImportPlan::VoidTargetAt(Position position) {
  if (position == 0) return InvalidArgument("position must be 1 or more");
  if (position > head_) {  // a step of this import
    auto planned = planned_targets_.find(position);
    if (planned == planned_targets_.end()) {
      return NotFound(fmt::format("no step at position {} that a void may name", position));
    }
    return planned->second;
  }
  ASSIGN_OR_RETURN(auto events, log_->ReadAll(position, 1));
  if (events.empty()) return NotFound(fmt::format("no event at position {}", position));
  return VoidTargetOf(position, events.front().Get());
}

Status ImportPlan::Add(uint64_t line, const ImportCommand& c, const Policy& policy, bool* already) {
  *already = false;
  EventId first_id = c.event_id.value_or(ImportEventId(c.key));
  if (auto it = lines_of_ids_.find(first_id); it != lines_of_ids_.end()) {
    return InvalidArgument(fmt::format("key '{}' is used on line {} already", c.key, it->second));
  }
  ASSIGN_OR_RETURN(std::optional<Position> stored, log_->FindEvent(first_id));
  if (stored && *stored <= head_) {
    // Recorded by an earlier import of this key: the same step, or the line changed since.
    ASSIGN_OR_RETURN(auto events, log_->ReadAll(*stored, 1));
    if (events.empty()) {
      return Corruption(fmt::format("event #{} is indexed but not read", *stored));
    }
    auto was = events.front().Get();
    if (was.getStreamId().cStr() != SecondmentStream(c.secondment)) {
      return RuleViolation(fmt::format(
          "key '{}' was imported before for another secondment (event #{})", c.key, *stored));
    }
    std::string_view type = EventTypeName(was);
    if (!Records(c.command, type) || c.actor.id != was.getActor().getId().cStr()) {
      return RuleViolation(fmt::format(
          "key '{}' was recorded before as {} by {} (event #{}), not as this line's {} by {}",
          c.key, type, was.getActor().getId().cStr(), *stored, CommandName(c.command), c.actor.id));
    }
    if (c.was_at != 0) moved_[c.was_at] = *stored;
    *already = true;
    return Status::Ok();
  }

  bool proposing = std::holds_alternative<ProposeCommand>(c.command);
  ASSIGN_OR_RETURN(Stream * secondment, SecondmentOf(c.secondment));
  // A void read from another ledger's export names a position there.
  Command command = c.command;
  if (auto* v = std::get_if<VoidCommand>(&command); v && c.was_at != 0) {
    auto moved = moved_.find(v->position);
    if (moved == moved_.end()) {
      return RuleViolation(fmt::format(
          "the void names position {} of the ledger it was exported from, a step not in this "
          "file",
          v->position));
    }
    v->position = moved->second;
  }
  if (!proposing && !secondment->version) {
    return NotFound(fmt::format("no secondment {}", c.secondment));
  }
  if (proposing && secondment->version) {
    return Conflict(fmt::format("secondment {} already exists", c.secondment));
  }
  Context context;
  context.policy = &policy;
  context.actor = c.actor;
  context.today = today_;
  uint32_t derived = 0;
  context.new_id = [&] { return DerivedEventId(c, ++derived); };
  const std::string& employee_id =
      proposing ? std::get<ProposeCommand>(c.command).employee_id : secondment->state.employee_id;
  Stream* employee = nullptr;
  if (NeedsPeriods(command)) {
    ASSIGN_OR_RETURN(employee, EmployeeOf(employee_id));
    ASSIGN_OR_RETURN(context.other_periods, OtherPeriods(*employee, c.secondment));
  }
  if (auto position = VoidPosition(secondment->state, command)) {
    ASSIGN_OR_RETURN(context.void_target, VoidTargetAt(*position));
  }
  RETURN_IF_ERROR(CheckNotErased(c.secondment, employee_id, proposing));
  ASSIGN_OR_RETURN(Decision decision, Decide(secondment->state, command, context));
  decision.secondment_events.front().set_id(first_id);
  MarkSubject(decision, employee_id, policy);
  if (!decision.employee_events.empty() && employee == nullptr) {
    ASSIGN_OR_RETURN(employee, EmployeeOf(employee_id));
  }

  for (const auto* events : {&decision.secondment_events, &decision.employee_events}) {
    for (const NewEvent& event : *events) {
      if (auto it = lines_of_ids_.find(event.id()); it != lines_of_ids_.end()) {
        return InvalidArgument(fmt::format("event id {} of this line is used on line {} already",
                                           event.id().ToString(), it->second));
      }
    }
  }

  // Nothing can fail from here on. Each event is stamped with the position it will get, so
  // that the state folded here (which keeps the positions of its sources) is the one a
  // replay folds.
  std::string source = fmt::format("{}:{}", source_, line);
  if (c.was_at != 0) moved_[c.was_at] = next_;
  for (NewEvent& event : decision.secondment_events) {
    auto builder = event.Mutable();
    Position position = next_++;
    const auto& id = event.id().bytes();
    builder.setPosition(position);
    builder.setEventId(kj::arrayPtr(id.data(), id.size()));  // facts keep it: a void names it
    builder.setStreamId(SecondmentStream(c.secondment));
    builder.setSource(source);
    EvolveInPlace(secondment->state, event.Get());
    lines_of_ids_.emplace(event.id(), line);
    auto payload = builder.getPayload();
    if (payload.isStarted() || payload.isReturned() || payload.isFeedbackRecorded() ||
        payload.isHandoverRecorded()) {
      planned_targets_[position] = VoidTargetOf(position, event.Get());
    }
  }
  for (NewEvent& event : decision.employee_events) {
    auto builder = event.Mutable();
    builder.setPosition(next_++);
    builder.setSource(source);
    if (event.Get().getPayload().isPeriodClaimed()) employee->claims.insert(c.secondment);
    lines_of_ids_.emplace(event.id(), line);
  }
  auto advance = [](Stream& stream, size_t count) {
    StreamVersion first = stream.version ? *stream.version + 1 : 0;
    stream.version = first + static_cast<StreamVersion>(count) - 1;
  };
  size_t count = decision.secondment_events.size();
  appends_.push_back({SecondmentStream(c.secondment), ExpectedVersion::After(secondment->version),
                      std::move(decision.secondment_events)});
  advance(*secondment, count);
  events_ += count;
  if (!decision.employee_events.empty()) {
    count = decision.employee_events.size();
    appends_.push_back({kPendingSubject + employee_id, ExpectedVersion::After(employee->version),
                        std::move(decision.employee_events)});
    advance(*employee, count);
    events_ += count;
  }
  return Status::Ok();
}

}  // namespace secondment::service
