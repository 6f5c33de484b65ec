// LedgerService::RequestErasure and ApproveErasure (service/erasure.h).
#include "service/erasure.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "ledger/event/schema_date.h"
#include "ledger/event/sealing.h"
#include "ledger/lifecycle/checks.h"
#include "ledger/lifecycle/streams.h"
#include "ledger/log/privacy.h"
#include "projections/queries.h"
#include "service/ledger_service.h"

namespace secondment::service {
namespace {

constexpr size_t kListedClearPositions = 20;

struct Pending {
  std::string requested_by;
  std::string reason;
  Position position = 0;
};

// What the subject's stream says of erasure: the request no erasure has carried out yet, and
// the last erasure recorded (whose key should be gone).
struct ErasureRecord {
  std::optional<Pending> pending;
  std::optional<ErasureOutcome> carried_out;
};

Result<ErasureRecord> ReadErasureRecord(EventLog& log, const std::string& pseudonym) {
  ErasureRecord record;
  auto events = log.ReadStream(SubjectStream(pseudonym), 0, UINT32_MAX);
  if (events.status().code() == StatusCode::kNotFound) return record;
  RETURN_IF_ERROR(events.status());
  for (const RecordedEvent& event : *events) {
    auto payload = event.Get().getPayload();
    if (payload.isErasureRequested()) {
      record.pending = Pending{event.Get().getActor().getId().cStr(),
                               payload.getErasureRequested().getReason().cStr(), event.position()};
    } else if (payload.isPersonalDataErased()) {
      auto erased = payload.getPersonalDataErased();
      ErasureOutcome done;
      done.erased = true;
      done.pseudonym = pseudonym;
      done.position = event.position();
      done.requested_by = erased.getRequestedBy().cStr();
      done.sealed_events = erased.getSealedEvents();
      done.clear_events = erased.getClearEvents();
      for (auto id : erased.getSecondments()) done.secondments.emplace_back(id.cStr());
      record.carried_out = std::move(done);
      record.pending.reset();
    }
  }
  return record;
}

}  // namespace

// The person's secondments, from the projections; RuleViolation unless every one has ended.
Result<std::vector<std::string>> LedgerService::ErasableSecondments(const std::string& employee) {
  ASSIGN_OR_RETURN(std::vector<projections::Folded> rows,
                   projections::ListSecondments(*log_, std::nullopt));
  std::vector<std::string> ids;
  for (const projections::Folded& row : rows) {
    if (row.state.employee_id != employee) continue;
    if (!IsTerminal(row.state.status)) {
      return RuleViolation(fmt::format(
          "cannot forget {}: secondment {} is {}; it must end (return, conversion, refusal or "
          "withdrawal) first",
          employee, row.state.id, StatusName(row.state.status)));
    }
    ids.push_back(row.state.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<ErasureOutcome> LedgerService::RequestErasure(const Caller& caller,
                                                     const std::string& employee,
                                                     const std::string& reason) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kForget));
  RETURN_IF_ERROR(ValidateId(caller.id, "actor"));
  RETURN_IF_ERROR(ValidateId(employee, "employee"));
  RETURN_IF_ERROR(CheckText(reason, "reason", /*required=*/true));
  RETURN_IF_ERROR(RequireWriter("forget"));
  MutexLock lock(&erasure_mu_);
  ASSIGN_OR_RETURN(std::vector<std::string> secondments, ErasableSecondments(employee));
  ASSIGN_OR_RETURN(std::optional<std::string> known, FindSubject(*log_, employee));
  if (secondments.empty() && !known) {
    return NotFound(fmt::format("the ledger holds no data of employee {}", employee));
  }
  ASSIGN_OR_RETURN(std::string pseudonym, SubjectOf(*log_, employee));
  ASSIGN_OR_RETURN(ErasureRecord record, ReadErasureRecord(*log_, pseudonym));
  if (const auto& pending = record.pending) {
    return Conflict(fmt::format(
        "the erasure of {} is requested already (by {}, at position {}); it awaits another hr "
        "person's approval: secondment forget {} --approve",
        employee, pending->requested_by, pending->position, employee));
  }
  NewEvent event(EventId::Random());
  event.set_subject(employee);  // nothing in it is sealed, but it carries a new subject's key
  auto builder = event.Mutable();
  builder.initActor().setId(caller.id);
  builder.getActor().setRole(schema::Role::HR);
  SetDate(builder.initEffectiveDate(), Today());
  builder.getPayload().initErasureRequested().setReason(reason);
  std::vector<StreamAppend> appends;
  appends.push_back({SubjectStream(pseudonym), ExpectedVersion::Any(), {}});
  appends.back().events.push_back(std::move(event));
  ASSIGN_OR_RETURN(AppendResult appended, log_->Append(std::move(appends)));
  ErasureOutcome outcome;
  outcome.pseudonym = pseudonym;
  outcome.secondments = std::move(secondments);
  outcome.position = appended.positions.front();
  outcome.requested_by = caller.id;
  if (Status caught_up = CatchUpTo(outcome.position); !caught_up.ok()) {
    logger_->error("the projections of {} lag behind position {}: {}", dir_, outcome.position,
                   caught_up.ToString());
  }
  return outcome;
}

Result<ErasureOutcome> LedgerService::ApproveErasure(const Caller& caller,
                                                     const std::string& employee) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kForget));
  RETURN_IF_ERROR(ValidateId(caller.id, "actor"));
  RETURN_IF_ERROR(ValidateId(employee, "employee"));
  RETURN_IF_ERROR(RequireWriter("forget"));
  MutexLock lock(&erasure_mu_);
  ASSIGN_OR_RETURN(std::optional<std::string> pseudonym, FindSubject(*log_, employee));
  if (!pseudonym) {
    return NotFound(fmt::format(
        "no erasure of {} awaits approval (the ledger holds no key of theirs: never sealed, or "
        "erased already)",
        employee));
  }
  ASSIGN_OR_RETURN(ErasureRecord record, ReadErasureRecord(*log_, *pseudonym));
  if (!record.pending && record.carried_out) {
    // The erasure was recorded but its key outlived it (a crash in between): finish it.
    RETURN_IF_ERROR(FinishErasure(caller, employee, *record.carried_out));
    return *record.carried_out;
  }
  const std::optional<Pending>& pending = record.pending;
  if (!pending) {
    return RuleViolation(fmt::format(
        "no erasure of {} is requested; one hr person requests it (secondment forget {} "
        "--reason TEXT) and another approves it",
        employee, employee));
  }
  if (pending->requested_by == caller.id && !policy().requester_may_approve_as_hr) {
    return RuleViolation(fmt::format(
        "four eyes: {} requested the erasure of {} and may not approve it too; another hr "
        "person approves",
        caller.id, employee));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> secondments, ErasableSecondments(employee));

  // What the key seals, and what was written in clear before sealing existed.
  ErasureOutcome outcome;
  outcome.pseudonym = *pseudonym;
  outcome.requested_by = pending->requested_by;
  auto count = [&](const std::string& stream) -> Status {
    auto events = log_->ReadStream(stream, 0, UINT32_MAX, Reading::kStored);
    if (events.status().code() == StatusCode::kNotFound) return Status::Ok();
    RETURN_IF_ERROR(events.status());
    for (const RecordedEvent& event : *events) {
      auto stored = event.Get();
      bool clear = stream == EmployeeStream(employee) ||
                   (!stored.hasSealed() && HoldsPersonalDataInClear(stored, employee));
      if (stored.hasSealed()) ++outcome.sealed_events;
      if (!clear) continue;
      if (outcome.clear_events++ < kListedClearPositions) {
        outcome.clear_positions.push_back(event.position());
      }
    }
    return Status::Ok();
  };
  for (const std::string& id : secondments) RETURN_IF_ERROR(count(SecondmentStream(id)));
  ASSIGN_OR_RETURN(auto legacy, log_->GetStreamState(EmployeeStream(employee)));
  outcome.legacy_stream = legacy.has_value();
  RETURN_IF_ERROR(count(EmployeeStream(employee)));
  std::sort(outcome.clear_positions.begin(), outcome.clear_positions.end());

  // The record first, then the key: should the key survive a crash in between, running the
  // approval again finds the request carried out and destroys it (below).
  NewEvent event(EventId::Random());
  auto builder = event.Mutable();
  builder.initActor().setId(caller.id);
  builder.getActor().setRole(schema::Role::HR);
  SetDate(builder.initEffectiveDate(), Today());
  auto erased = builder.getPayload().initPersonalDataErased();
  erased.setSubject(*pseudonym);
  auto list = erased.initSecondments(static_cast<unsigned>(secondments.size()));
  for (size_t i = 0; i < secondments.size(); ++i)
    list.set(static_cast<unsigned>(i), secondments[i]);
  erased.setReason(pending->reason);
  erased.setSealedEvents(outcome.sealed_events);
  erased.setClearEvents(outcome.clear_events);
  erased.setRequestedBy(pending->requested_by);
  std::vector<StreamAppend> appends;
  appends.push_back({SubjectStream(*pseudonym), ExpectedVersion::Any(), {}});
  appends.back().events.push_back(std::move(event));
  ASSIGN_OR_RETURN(AppendResult appended, log_->Append(std::move(appends)));
  outcome.position = appended.positions.front();
  outcome.secondments = std::move(secondments);
  outcome.erased = true;
  RETURN_IF_ERROR(FinishErasure(caller, employee, outcome));
  logger_->info("personal data of subject {} erased at position {} ({} secondments)",
                outcome.pseudonym, outcome.position, outcome.secondments.size());
  return outcome;
}

Status LedgerService::FinishErasure(const Caller& caller, const std::string& employee,
                                    const ErasureOutcome& erasure) {
  RETURN_IF_ERROR(DestroySubjectKey(*log_, employee, erasure.pseudonym, erasure.secondments));
  // The projections hold the person's id and texts: they are folded again without them, and
  // the tables compacted, so that no file keeps the deleted rows.
  ASSIGN_OR_RETURN(uint64_t replayed, Rebuild(caller, std::nullopt, {}));
  (void)replayed;
  return ScrubTables(*log_);
}

}  // namespace secondment::service
