#include "projections/queries.h"

#include <capnp/serialize.h>
#include <fmt/format.h>
#include <kj/exception.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"
#include "ledger/log/tables.h"
#include "projections/keys.h"
#include "projections/projector.h"
#include "schemas/projection.capnp.h"

namespace secondment::projections {
namespace {

// Decodes a PlacementRow; `scratch` is reused across rows so that a scan allocates once.
Result<Placement> DecodePlacement(std::string_view bytes, kj::Array<capnp::word>& scratch) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Corruption("a placement row does not decode");
  }
  const size_t words = bytes.size() / sizeof(capnp::word);
  if (scratch.size() < words) scratch = kj::heapArray<capnp::word>(words * 2);
  std::memcpy(scratch.begin(), bytes.data(), bytes.size());
  Result<Placement> placement = Corruption("a placement row does not decode");
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 capnp::FlatArrayMessageReader message(
                     kj::ArrayPtr<const capnp::word>(scratch.begin(), words));
                 placement = ReadPlacementRow(message.getRoot<schema::PlacementRow>());
               })) {
    return Corruption(
        fmt::format("a placement row does not decode: {}", exception->getDescription().cStr()));
  }
  return placement;
}

// Scans the keys in [from, to), decoding placement rows.
Status ScanPlacementsFrom(EventLog& log, const std::string& from, const std::string& to,
                          const std::function<void(Placement)>& visit) {
  Status inner;
  kj::Array<capnp::word> scratch;
  RETURN_IF_ERROR(
      Tables(log).Scan(kPlacementsTable, from, to, [&](std::string_view, std::string_view value) {
        auto p = DecodePlacement(value, scratch);
        if (!p.ok()) {
          inner = p.status();
          return false;
        }
        visit(std::move(p).value());
        return true;
      }));
  return inner;
}

// Scans every key that starts with `prefix`, decoding placement rows.
Status ScanPlacements(EventLog& log, const std::string& prefix,
                      const std::function<void(Placement)>& visit) {
  return ScanPlacementsFrom(log, prefix, PrefixEnd(prefix), visit);
}

// Whether a placement covers business date `as_of`: ended ones over [start, end]; active ones
// from their start to their planned end, or to `today` if overdue.
bool Covers(const Placement& p, CivilDate as_of, CivilDate today) {
  if (as_of < p.start) return false;
  CivilDate until = p.end ? *p.end : std::max(p.planned_end, today);
  return as_of <= until;
}

}  // namespace

void WritePlacementRow(schema::PlacementRow::Builder row, const Placement& p) {
  row.setId(p.id);
  row.setEmployeeId(p.employee_id);
  row.setHomeOrg(p.home_org);
  row.setHomeUnit(p.home_unit);
  row.setHostOrg(p.host_org);
  row.setHostUnit(p.host_unit);
  row.setKind(p.kind);
  row.setCountry(p.country);
  row.setRoleTitle(p.role_title);
  SetDate(row.initStart(), p.start);
  SetDate(row.initPlannedEnd(), p.planned_end);
  if (p.end) SetDate(row.initEnd(), *p.end);
}

Result<Placement> ReadPlacementRow(schema::PlacementRow::Reader row) {
  Placement p;
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 auto text = [](capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); };
                 p.id = text(row.getId());
                 p.employee_id = text(row.getEmployeeId());
                 p.home_org = text(row.getHomeOrg());
                 p.home_unit = text(row.getHomeUnit());
                 p.host_org = text(row.getHostOrg());
                 p.host_unit = text(row.getHostUnit());
                 p.country = text(row.getCountry());
                 p.role_title = text(row.getRoleTitle());
                 p.kind = row.getKind();
                 p.start = DateOf(row.getStart());
                 p.planned_end = DateOf(row.getPlannedEnd());
                 if (row.hasEnd()) p.end = DateOf(row.getEnd());
               })) {
    return Corruption(
        fmt::format("a placement row does not decode: {}", exception->getDescription().cStr()));
  }
  return p;
}

bool PlacementFilter::Matches(const Placement& p) const {
  return (!host_org || *host_org == p.host_org) && (!host_unit || *host_unit == p.host_unit) &&
         (!home_org || *home_org == p.home_org) && (!home_unit || *home_unit == p.home_unit) &&
         (!employee || *employee == p.employee_id) && (!country || *country == p.country) &&
         (!kind || *kind == p.kind);
}

bool PlacementFilter::Matches(const Secondment& s) const {
  return (!host_org || *host_org == s.host.org) && (!host_unit || *host_unit == s.host.unit) &&
         (!home_org || *home_org == s.home.org) && (!home_unit || *home_unit == s.home.unit) &&
         (!employee || *employee == s.employee_id) && (!country || *country == s.country) &&
         (!kind || *kind == s.kind);
}

Result<std::vector<Placement>> ListPlacements(EventLog& log, const PlacementFilter& filter,
                                              std::optional<CivilDate> date, CivilDate today) {
  // "Now" is as of today's business date: one answer, whichever way it is asked.
  const CivilDate as_of = date.value_or(today);
  // The narrowest active index the filter allows.
  std::string prefix = Key("a", "all") + '\0';
  if (filter.host_org) {
    prefix = filter.host_unit ? Key("a", "host", *filter.host_org, *filter.host_unit) + '\0'
                              : Key("a", "host", *filter.host_org) + '\0';
  } else if (filter.home_org) {
    prefix = filter.home_unit ? Key("a", "home", *filter.home_org, *filter.home_unit) + '\0'
                              : Key("a", "home", *filter.home_org) + '\0';
  } else if (filter.employee) {
    prefix = Key("a", "emp", *filter.employee) + '\0';
  } else if (filter.kind) {
    prefix = Key("a", "kind", std::string(KindName(*filter.kind))) + '\0';
  } else if (filter.country) {
    prefix = Key("a", "cc", *filter.country) + '\0';
  }
  std::vector<Placement> out;
  RETURN_IF_ERROR(ScanPlacements(log, prefix, [&](Placement p) {
    if (filter.Matches(p) && Covers(p, as_of, today)) out.push_back(std::move(p));
  }));
  // Ended placements that cover the date. From today on (steps are not dated later than
  // today, but a conversion may take effect later), only the few that end on it or later: the
  // end-date index from it. Before today, that month's entries.
  auto ended = [&](Placement p) {
    if (filter.Matches(p) && Covers(p, as_of, today)) out.push_back(std::move(p));
  };
  if (!(as_of < today)) {
    RETURN_IF_ERROR(
        ScanPlacementsFrom(log, Key("e", FormatDate(as_of)), PrefixEnd(Key("e") + '\0'), ended));
  } else {
    RETURN_IF_ERROR(ScanPlacements(log, Key("m", MonthKey(as_of)) + '\0', ended));
  }
  std::sort(out.begin(), out.end(),
            [](const Placement& a, const Placement& b) { return a.id < b.id; });
  return out;
}

Result<std::optional<Folded>> GetSecondment(EventLog& log, std::string_view id) {
  ASSIGN_OR_RETURN(auto row, Tables(log).Get(kStatusTable, Key("s", id)));
  if (!row) return std::optional<Folded>();
  ASSIGN_OR_RETURN(Folded folded, DecodeSecondment(*row));
  return std::optional<Folded>(std::move(folded));
}

Status VisitSecondments(EventLog& log, const std::function<Status(const Folded&)>& visit) {
  std::string prefix = std::string("s") + '\0';
  Status inner;
  RETURN_IF_ERROR(Tables(log).Scan(kStatusTable, prefix, PrefixEnd(prefix),
                                   [&](std::string_view, std::string_view value) {
                                     auto folded = DecodeSecondment(value);
                                     inner = folded.ok() ? visit(*folded) : folded.status();
                                     return inner.ok();
                                   }));
  return inner;
}

Result<std::vector<Folded>> ListSecondments(EventLog& log, std::optional<SecondmentStatus> state) {
  std::vector<Folded> out;
  if (state) {
    std::string prefix = Key("st", StatusName(*state)) + '\0';
    std::vector<std::string> ids;
    RETURN_IF_ERROR(Tables(log).Scan(kStatusTable, prefix, PrefixEnd(prefix),
                                     [&](std::string_view key, std::string_view) {
                                       ids.emplace_back(key.substr(prefix.size()));
                                       return true;
                                     }));
    for (const auto& id : ids) {
      ASSIGN_OR_RETURN(auto row, Tables(log).Get(kStatusTable, Key("s", id)));
      if (!row) return Corruption(fmt::format("status index names {} but it has no row", id));
      ASSIGN_OR_RETURN(Folded folded, DecodeSecondment(*row));
      out.push_back(std::move(folded));
    }
    return out;
  }
  RETURN_IF_ERROR(VisitSecondments(log, [&](const Folded& folded) {
    out.push_back(folded);
    return Status::Ok();
  }));
  return out;
}

namespace {

// The positions that end the keys under `prefix` of the history table.
Result<std::vector<Position>> PositionsUnder(EventLog& log, const std::string& prefix) {
  std::vector<Position> out;
  RETURN_IF_ERROR(Tables(log).Scan(kHistoryTable, prefix, PrefixEnd(prefix),
                                   [&](std::string_view key, std::string_view) {
                                     out.push_back(PositionOf(key.substr(prefix.size())));
                                     return true;
                                   }));
  return out;
}

}  // namespace

Result<std::vector<Position>> SecondmentPositions(EventLog& log, std::string_view id) {
  return PositionsUnder(log, Key("s", id) + '\0');
}

Result<std::vector<Position>> EmployeePositions(EventLog& log, std::string_view employee) {
  return PositionsUnder(log, Key("e", employee) + '\0');
}

Result<std::vector<Alert>> ListAlerts(EventLog& log, const Policy& policy, CivilDate today,
                                      int within_days) {
  std::vector<Alert> out;
  std::string prefix = std::string("end") + '\0';
  int64_t today_days = DaysFromCivil(today);
  std::vector<std::pair<CivilDate, std::string>> active;
  Status inner;
  RETURN_IF_ERROR(Tables(log).Scan(kAlertsTable, prefix, PrefixEnd(prefix),
                                   [&](std::string_view key, std::string_view) {
                                     std::string_view rest = key.substr(prefix.size());
                                     auto date = ParseDate(rest.substr(0, 10));
                                     if (!date.ok()) {
                                       inner = Corruption("an alerts key does not hold a date");
                                       return false;
                                     }
                                     active.emplace_back(*date, std::string(rest.substr(11)));
                                     return true;
                                   }));
  RETURN_IF_ERROR(inner);
  for (const auto& [end, id] : active) {
    int64_t left = DaysFromCivil(end) - today_days;
    if (left < 0) {
      out.push_back({"overdue", id,
                     fmt::format("planned end {} passed {} days ago and it is still active",
                                 FormatDate(end), -left)});
      if (-left > policy.return_grace_days) {
        out.push_back({"return_not_recorded", id,
                       fmt::format("planned end {} passed more than {} days ago with no return "
                                   "recorded",
                                   FormatDate(end), policy.return_grace_days)});
      }
    } else if (left <= within_days) {
      out.push_back(
          {"ending_soon", id, fmt::format("planned end {} is in {} days", FormatDate(end), left)});
    }
  }
  ASSIGN_OR_RETURN(auto placements, ListPlacements(log, {}, std::nullopt, today));
  for (const auto& p : placements) {
    CivilDate limit = AddMonths(p.start, policy.max_months);
    if (limit < p.planned_end) {
      out.push_back({"over_maximum", p.id,
                     fmt::format("runs from {} to {}, beyond the policy maximum of {} months ({})",
                                 FormatDate(p.start), FormatDate(p.planned_end), policy.max_months,
                                 FormatDate(limit))});
    }
  }
  if (policy.erasure_after_days > 0) RETURN_IF_ERROR(AddErasuresDue(log, policy, today, &out));
  return out;
}

Status AddErasuresDue(EventLog& log, const Policy& policy, CivilDate today,
                      std::vector<Alert>* out) {
  struct Person {
    bool open = false;
    CivilDate ended;
    std::string last;  // the secondment that ended last
  };
  std::map<std::string, Person> people;
  ASSIGN_OR_RETURN(std::vector<Folded> rows, ListSecondments(log, std::nullopt));
  for (const Folded& row : rows) {
    const Secondment& s = row.state;
    if (s.employee_id.rfind("erased-", 0) == 0) continue;
    Person& person = people[s.employee_id];
    if (!IsTerminal(s.status)) {
      person.open = true;
      continue;
    }
    // The last date the ledger records of it.
    CivilDate ended = s.proposed_on;
    for (const auto& date :
         {s.approved_on, s.signed_on, s.actual_start, s.returned_on, s.converted_on}) {
      if (date && ended < *date) ended = *date;
    }
    if (person.last.empty() || person.ended < ended) {
      person.ended = ended;
      person.last = s.id;
    }
  }
  int64_t today_days = DaysFromCivil(today);
  for (const auto& [employee, person] : people) {
    if (person.open || person.last.empty()) continue;
    int64_t since = today_days - DaysFromCivil(person.ended);
    if (since <= policy.erasure_after_days) continue;
    out->push_back({"erasure_due", employee,
                    fmt::format("the last secondment of {} ({}) ended {}, {} days ago, past the "
                                "retention of {} days: secondment forget {} --reason TEXT",
                                employee, person.last, FormatDate(person.ended), since,
                                policy.erasure_after_days, employee)});
  }
  return Status::Ok();
}

Result<Position> PositionAt(EventLog& log, int64_t micros) {
  Position low = 0, high = log.Head();  // answer in [low, high]
  while (low < high) {
    Position mid = low + (high - low + 1) / 2;
    ASSIGN_OR_RETURN(auto events, log.ReadAll(mid, 1));
    if (events.empty()) return Corruption(fmt::format("position {} is missing", mid));
    if (events.front().Get().getRecordedAtMicros() <= micros) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return low;
}

Result<std::map<std::string, Folded>> FoldUpTo(EventLog& log, Position position) {
  std::map<std::string, Folded> states;
  if (position == 0) return states;
  RETURN_IF_ERROR(log.Scan(1, position, [&](const EventView& view) -> Status {
    auto id = SecondmentIdOf({view.event.getStreamId().cStr(), view.event.getStreamId().size()});
    if (!id) return Status::Ok();
    auto [it, added] = states.try_emplace(std::string(*id));
    if (added) it->second.state.id = std::string(*id);
    EvolveInPlace(it->second.state, view.event);
    it->second.last_position = view.position;
    it->second.version = view.event.getStreamVersion();
    return Status::Ok();
  }));
  return states;
}

std::optional<Placement> PlacementOf(const Secondment& s) {
  if (!s.actual_start) return std::nullopt;
  Placement p;
  p.id = s.id;
  p.employee_id = s.employee_id;
  p.home_org = s.home.org;
  p.home_unit = s.home.unit;
  p.host_org = s.host.org;
  p.host_unit = s.host.unit;
  p.country = s.country;
  p.role_title = s.role_title;
  p.kind = s.kind;
  p.start = *s.actual_start;
  p.planned_end = s.planned_end;
  if (s.returned_on) p.end = s.returned_on;
  if (s.converted_on) p.end = s.converted_on;
  return p;
}

std::vector<Placement> PlacementsOf(const std::map<std::string, Folded>& states,
                                    const PlacementFilter& filter, std::optional<CivilDate> date,
                                    CivilDate today) {
  const CivilDate as_of = date.value_or(today);
  std::vector<Placement> out;
  for (const auto& [id, folded] : states) {
    auto p = PlacementOf(folded.state);
    bool ended_or_active = folded.state.status == SecondmentStatus::kActive || (p && p->end);
    if (p && ended_or_active && filter.Matches(*p) && Covers(*p, as_of, today)) {
      out.push_back(std::move(*p));
    }
  }
  return out;
}

}  // namespace secondment::projections
