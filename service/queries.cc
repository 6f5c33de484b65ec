// LedgerService's queries: one secondment, its history, lists, alerts and the log, each for
// what the caller may see.

#include <fmt/format.h>

#include <algorithm>

#include "ledger/lifecycle/streams.h"
#include "service/ledger_service.h"

namespace secondment::service {
namespace {

bool LimitedToNamed(const Caller& caller) {
  return caller.role == Role::kHomeManager || caller.role == Role::kHostManager ||
         caller.role == Role::kSecondee;
}

// The secondment's events up to `at` (all when nullopt), in order; NotFound when it has none.
Result<std::vector<RecordedEvent>> EventsOf(EventLog& log, const std::string& id,
                                            std::optional<Position> at) {
  auto events = log.ReadStream(SecondmentStream(id), 0, UINT32_MAX);
  if (events.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no secondment {}", id));
  }
  RETURN_IF_ERROR(events.status());
  if (at) {
    while (!events->empty() && events->back().position() > *at) events->pop_back();
    if (events->empty()) return NotFound(fmt::format("no secondment {} at position {}", id, *at));
  }
  return events;
}

projections::Folded Fold(const std::string& id, const std::vector<RecordedEvent>& events) {
  projections::Folded folded;
  folded.state.id = id;
  for (const RecordedEvent& event : events) {
    EvolveInPlace(folded.state, event.Get());
    folded.last_position = event.position();
    folded.version = event.Get().getStreamVersion();
  }
  return folded;
}

// The events at `positions` (ascending), up to `at`.
Result<std::vector<RecordedEvent>> EventsAt(EventLog& log, const std::vector<Position>& positions,
                                            std::optional<Position> at) {
  std::vector<RecordedEvent> events;
  for (Position p : positions) {
    if (at && p > *at) break;
    ASSIGN_OR_RETURN(auto one, log.ReadAll(p, 1));
    for (auto& e : one) events.push_back(std::move(e));
  }
  return events;
}

}  // namespace

Result<projections::Folded> LedgerService::Show(const Caller& caller, const std::string& id,
                                                std::optional<Position> at) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kReadSecondment));
  RETURN_IF_ERROR(ValidateId(id, "secondment"));
  RETURN_IF_ERROR(CheckAt(at));
  ASSIGN_OR_RETURN(auto events, EventsOf(*log_, id, at));
  projections::Folded folded = Fold(id, events);
  RETURN_IF_ERROR(MayActOn(caller, Operation::kReadSecondment, folded.state));
  return folded;
}

Result<std::vector<RecordedEvent>> LedgerService::History(const Caller& caller,
                                                          const std::string& id,
                                                          std::optional<Position> at) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kReadSecondment));
  RETURN_IF_ERROR(ValidateId(id, "secondment"));
  RETURN_IF_ERROR(CheckAt(at));
  ASSIGN_OR_RETURN(auto positions, projections::SecondmentPositions(*log_, id));
  // A past view, or a read-only view beside a writer whose projections lag: the stream.
  std::vector<RecordedEvent> events;
  if (at || positions.empty()) {
    ASSIGN_OR_RETURN(events, EventsOf(*log_, id, at));
  } else {
    ASSIGN_OR_RETURN(events, EventsAt(*log_, positions, std::nullopt));
  }
  if (LimitedToNamed(caller)) {
    RETURN_IF_ERROR(MayActOn(caller, Operation::kReadSecondment, Fold(id, events).state));
  }
  return events;
}

Result<std::vector<RecordedEvent>> LedgerService::EmployeeHistory(const Caller& caller,
                                                                  const std::string& employee,
                                                                  std::optional<Position> at) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kReadEmployee));
  RETURN_IF_ERROR(ValidateId(employee, "employee"));
  if (caller.role == Role::kSecondee && caller.id != employee) {
    return RuleViolation(
        fmt::format("not permitted: {} may read only their own history", caller.id));
  }
  RETURN_IF_ERROR(CheckAt(at));
  ASSIGN_OR_RETURN(auto positions, projections::EmployeePositions(*log_, employee));
  return EventsAt(*log_, positions, at);
}

Result<std::vector<projections::Folded>> LedgerService::ListSecondments(const Caller& caller,
                                                                        const StatusQuery& query) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kList));
  RETURN_IF_ERROR(CheckAt(query.at));
  // States as of today: a conversion that takes effect later is still active (StatusOn).
  const CivilDate today = Today();
  std::vector<projections::Folded> rows;
  if (query.at) {
    ASSIGN_OR_RETURN(auto states, projections::FoldUpTo(*log_, *query.at));
    for (auto& [id, folded] : states) rows.push_back(std::move(folded));
  } else if (query.state == SecondmentStatus::kActive) {
    ASSIGN_OR_RETURN(rows, projections::ListSecondments(*log_, SecondmentStatus::kActive));
    ASSIGN_OR_RETURN(auto converted,
                     projections::ListSecondments(*log_, SecondmentStatus::kConverted));
    for (auto& folded : converted) rows.push_back(std::move(folded));
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.state.id < b.state.id; });
  } else {
    ASSIGN_OR_RETURN(rows, projections::ListSecondments(*log_, query.state));
  }
  std::vector<projections::Folded> seen;
  for (auto& folded : rows) {
    if (query.state && StatusOn(folded.state, today) != *query.state) continue;
    if (query.filter.Matches(folded.state) && MaySee(caller, folded.state)) {
      seen.push_back(std::move(folded));
    }
  }
  return seen;
}

Status LedgerService::VisitSecondments(
    const Caller& caller, const std::function<Status(const projections::Folded&)>& visit) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kList));
  return projections::VisitSecondments(*log_, [&](const projections::Folded& folded) {
    return MaySee(caller, folded.state) ? visit(folded) : Status::Ok();
  });
}

Result<std::vector<projections::Placement>> LedgerService::ListPlacements(
    const Caller& caller, const PlacementQuery& query) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kList));
  RETURN_IF_ERROR(CheckAt(query.at));
  std::vector<projections::Placement> placements;
  std::map<std::string, projections::Folded> states;
  if (query.at) {
    ASSIGN_OR_RETURN(states, projections::FoldUpTo(*log_, *query.at));
    placements = projections::PlacementsOf(states, query.filter, query.as_of, Today());
  } else {
    ASSIGN_OR_RETURN(placements,
                     projections::ListPlacements(*log_, query.filter, query.as_of, Today()));
  }
  if (!LimitedToNamed(caller)) return placements;
  std::vector<projections::Placement> seen;
  for (auto& placement : placements) {
    std::optional<projections::Folded> folded;
    if (query.at) {
      auto it = states.find(placement.id);
      if (it != states.end()) folded = it->second;
    } else {
      ASSIGN_OR_RETURN(folded, projections::GetSecondment(*log_, placement.id));
    }
    if (folded && MaySee(caller, folded->state)) seen.push_back(std::move(placement));
  }
  return seen;
}

Result<std::vector<projections::Alert>> LedgerService::ListAlerts(const Caller& caller,
                                                                  const AlertQuery& query) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kAlerts));
  return projections::ListAlerts(*log_, policy(), query.today.value_or(Today()), query.within_days);
}

Result<std::vector<RecordedEvent>> LedgerService::ReadLog(const Caller& caller, Position from,
                                                          size_t max) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kReadLog));
  return log_->ReadAll(from, max);
}

Result<Position> LedgerService::PositionAt(int64_t micros) {
  return projections::PositionAt(*log_, micros);
}

}  // namespace secondment::service
