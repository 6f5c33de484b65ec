// The four read models: what each writes for an event or a changed secondment.

#include "projections/models.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <algorithm>
#include <functional>
#include <map>

#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"
#include "ledger/log/tables.h"
#include "projections/keys.h"
#include "schemas/projection.capnp.h"

namespace secondment::projections {
namespace {

// Keys whose values came out of `before` but not `after` are deleted; `after`'s are written.
void Diff(std::string_view table, const std::map<std::string, std::string>& before,
          const std::map<std::string, std::string>& after, TableBatch& batch) {
  for (const auto& [key, value] : before) {
    if (after.count(key) == 0) batch.Delete(table, key);
  }
  for (const auto& [key, value] : after) {
    auto old = before.find(key);
    if (old == before.end() || old->second != value) batch.Put(table, key, value);
  }
}

// Ingests rows produced one at a time by `next`.
Status Ingest(EventLog& log, std::string_view table,
              const std::function<bool(std::string*, std::string*)>& next) {
  return Tables(log).Ingest(table, next);
}

// Ingests `rows` after sorting them by key.
Status IngestSorted(EventLog& log, std::string_view table,
                    std::vector<std::pair<std::string, std::string>> rows) {
  std::sort(rows.begin(), rows.end());
  size_t i = 0;
  return Ingest(log, table, [&](std::string* key, std::string* value) {
    if (i == rows.size()) return false;
    *key = std::move(rows[i].first);
    *value = std::move(rows[i].second);
    ++i;
    return true;
  });
}

class StatusProjection final : public Projection {
 public:
  std::string_view name() const override { return kStatusTable; }
  std::vector<std::string> tables() const override { return {kStatusTable}; }
  void OnChanged(const Folded& before, const Folded& after, TableBatch& batch) override {
    const std::string& id = after.state.id;
    batch.Put(kStatusTable, Key("s", id), EncodeSecondment(after));
    if (before.state.status != after.state.status) {
      if (before.state.status != SecondmentStatus::kNone) {
        batch.Delete(kStatusTable, Key("st", StatusName(before.state.status), id));
      }
      batch.Put(kStatusTable, Key("st", StatusName(after.state.status), id), "");
    }
  }
  Status Bulk(const BulkInput& input, EventLog& log) override {
    // "s ‖ id" rows in id order, then "st ‖ state ‖ id" in (state, id) order.
    std::vector<std::pair<std::string_view, std::string_view>> by_state;
    for (const Folded* f : input.by_id)
      by_state.emplace_back(StatusName(f->state.status), f->state.id);
    std::sort(by_state.begin(), by_state.end());
    size_t i = 0, j = 0;
    return Ingest(log, kStatusTable, [&](std::string* key, std::string* value) {
      if (i < input.by_id.size()) {
        *key = Key("s", input.by_id[i]->state.id);
        *value = EncodeSecondment(*input.by_id[i]);
        ++i;
        return true;
      }
      if (j == by_state.size()) return false;
      *key = Key("st", std::string(by_state[j].first), std::string(by_state[j].second));
      value->clear();
      ++j;
      return true;
    });
  }
};

class PlacementsProjection final : public Projection {
 public:
  std::string_view name() const override { return kPlacementsTable; }
  std::vector<std::string> tables() const override { return {kPlacementsTable}; }
  void OnChanged(const Folded& before, const Folded& after, TableBatch& batch) override {
    Diff(kPlacementsTable, PlacementEntries(before.state), PlacementEntries(after.state), batch);
  }
  Status Bulk(const BulkInput& input, EventLog& log) override {
    // Active entries ("a ‖ ...") are few: sorted; then ended ones by end date ("e ‖ date ‖ id"),
    // sorted. Ended ones by month ("m ‖ month ‖ id") come out in order by walking months, and
    // within a month ids in order.
    std::vector<std::pair<std::string, std::string>> active, by_end;
    std::vector<std::string> rows(input.by_id.size());
    std::map<std::string, std::vector<size_t>> months;
    for (size_t i = 0; i < input.by_id.size(); ++i) {
      const Secondment& s = input.by_id[i]->state;
      if (!s.actual_start) continue;
      if (s.status == SecondmentStatus::kActive) {
        for (auto& [key, value] : PlacementEntries(s)) active.emplace_back(key, std::move(value));
        continue;
      }
      std::optional<CivilDate> end = s.returned_on ? s.returned_on : s.converted_on;
      if (!end) continue;
      rows[i] = EncodePlacement(s);
      by_end.emplace_back(Key("e", FormatDate(*end), s.id), rows[i]);
      CivilDate month{s.actual_start->year, s.actual_start->month, 1};
      for (int guard = 0; guard < 1200 && DaysFromCivil(month) <= DaysFromCivil(*end); ++guard) {
        months[MonthKey(month)].push_back(i);
        month = AddMonths(month, 1);
      }
    }
    std::sort(active.begin(), active.end());
    std::sort(by_end.begin(), by_end.end());
    size_t a = 0, e = 0;
    auto month = months.begin();
    size_t k = 0;
    return Ingest(log, kPlacementsTable, [&](std::string* key, std::string* value) {
      if (a < active.size()) {
        *key = std::move(active[a].first);
        *value = std::move(active[a].second);
        ++a;
        return true;
      }
      if (e < by_end.size()) {
        *key = std::move(by_end[e].first);
        *value = std::move(by_end[e].second);
        ++e;
        return true;
      }
      while (month != months.end() && k == month->second.size()) ++month, k = 0;
      if (month == months.end()) return false;
      size_t i = month->second[k++];
      *key = Key("m", month->first, input.by_id[i]->state.id);
      *value = rows[i];
      return true;
    });
  }
};

class HistoryProjection final : public Projection {
 public:
  std::string_view name() const override { return kHistoryTable; }
  std::vector<std::string> tables() const override { return {kHistoryTable}; }
  void OnEvent(const EventView& event, const Folded& after, TableBatch& batch) override {
    const std::string& id = after.state.id;
    batch.Put(kHistoryTable, Key("s", id, Position8(event.position)), "");
    if (!after.state.employee_id.empty()) {
      batch.Put(kHistoryTable, Key("e", after.state.employee_id, Position8(event.position)), id);
    }
  }
  Status Bulk(const BulkInput& input, EventLog& log) override {
    // "e ‖ employee ‖ P8" (employees in order, positions ascending), then "s ‖ id ‖ P8".
    size_t employee = 0, e = 0, i = 0, p = 0;
    return Ingest(log, kHistoryTable, [&](std::string* key, std::string* value) {
      while (employee < input.employees.size() && e == input.employees[employee].second->size()) {
        ++employee, e = 0;
      }
      if (employee < input.employees.size()) {
        const auto& [position, secondment] = (*input.employees[employee].second)[e++];
        key->assign("e");
        key->push_back('\0');
        key->append(input.employees[employee].first);
        key->push_back('\0');
        key->append(Position8(position));
        value->assign(secondment);
        return true;
      }
      while (i < input.by_id.size() && p == input.positions[i]->size()) ++i, p = 0;
      if (i == input.by_id.size()) return false;
      key->assign("s");
      key->push_back('\0');
      key->append(input.by_id[i]->state.id);
      key->push_back('\0');
      key->append(Position8((*input.positions[i])[p++]));
      value->clear();
      return true;
    });
  }
};

class AlertsProjection final : public Projection {
 public:
  std::string_view name() const override { return kAlertsTable; }
  std::vector<std::string> tables() const override { return {kAlertsTable}; }
  void OnChanged(const Folded& before, const Folded& after, TableBatch& batch) override {
    Diff(kAlertsTable, Entries(before.state), Entries(after.state), batch);
  }
  Status Bulk(const BulkInput& input, EventLog& log) override {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const Folded* f : input.by_id) {
      for (auto& [key, value] : Entries(f->state)) rows.emplace_back(key, value);
    }
    return IngestSorted(log, kAlertsTable, std::move(rows));
  }

 private:
  static std::map<std::string, std::string> Entries(const Secondment& s) {
    if (s.status != SecondmentStatus::kActive) return {};
    return {{Key("end", FormatDate(s.planned_end), s.id), ""}};
  }
};

}  // namespace

std::string EncodePlacement(const Secondment& s) {
  capnp::MallocMessageBuilder message(128);
  auto row = message.initRoot<schema::PlacementRow>();
  row.setId(s.id);
  row.setEmployeeId(s.employee_id);
  row.setHomeOrg(s.home.org);
  row.setHomeUnit(s.home.unit);
  row.setHostOrg(s.host.org);
  row.setHostUnit(s.host.unit);
  row.setKind(s.kind);
  row.setCountry(s.country);
  if (s.actual_start) SetDate(row.initStart(), *s.actual_start);
  SetDate(row.initPlannedEnd(), s.planned_end);
  if (s.returned_on) SetDate(row.initEnd(), *s.returned_on);
  if (s.converted_on) SetDate(row.initEnd(), *s.converted_on);
  row.setRoleTitle(s.role_title);
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

std::map<std::string, std::string> PlacementEntries(const Secondment& s) {
  std::map<std::string, std::string> entries;
  if (!s.actual_start) return entries;
  std::string row = EncodePlacement(s);
  if (s.status == SecondmentStatus::kActive) {
    entries[Key("a", "host", s.host.org, s.host.unit, s.id)] = row;
    entries[Key("a", "home", s.home.org, s.home.unit, s.id)] = row;
    entries[Key("a", "emp", s.employee_id, s.id)] = row;
    entries[Key("a", "kind", std::string(KindName(s.kind)), s.id)] = row;
    entries[Key("a", "cc", s.country, s.id)] = row;
    entries[Key("a", "all", s.id)] = row;
    return entries;
  }
  // Ended: listed under every month its interval covers, so that "who was seconded on D"
  // reads one month's entries; and under its end date, so that "who is seconded today" reads
  // only the few that end today or later (a conversion that takes effect later).
  std::optional<CivilDate> end = s.returned_on ? s.returned_on : s.converted_on;
  if (!end) return entries;
  entries[Key("e", FormatDate(*end), s.id)] = row;
  CivilDate month{s.actual_start->year, s.actual_start->month, 1};
  for (int guard = 0; guard < 1200 && DaysFromCivil(month) <= DaysFromCivil(*end); ++guard) {
    entries[Key("m", MonthKey(month), s.id)] = row;
    month = AddMonths(month, 1);
  }
  return entries;
}

std::vector<std::unique_ptr<Projection>> MakeProjections() {
  std::vector<std::unique_ptr<Projection>> all;
  all.push_back(std::make_unique<StatusProjection>());
  all.push_back(std::make_unique<PlacementsProjection>());
  all.push_back(std::make_unique<HistoryProjection>());
  all.push_back(std::make_unique<AlertsProjection>());
  return all;
}

}  // namespace secondment::projections
