// The four read models: what each writes for an event or a changed secondment.

#include "projections/models.h"

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <map>

#include "ledger/vocabulary.h"
#include "projections/keys.h"
#include "schemas/projection.capnp.h"

namespace secondment::projections {
namespace {

void SetDate(schema::Date::Builder out, const CivilDate& d) {
  out.setYear(static_cast<uint16_t>(d.year));
  out.setMonth(static_cast<uint8_t>(d.month));
  out.setDay(static_cast<uint8_t>(d.day));
}

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
};

class PlacementsProjection final : public Projection {
 public:
  std::string_view name() const override { return kPlacementsTable; }
  std::vector<std::string> tables() const override { return {kPlacementsTable}; }
  void OnChanged(const Folded& before, const Folded& after, TableBatch& batch) override {
    Diff(kPlacementsTable, PlacementEntries(before.state), PlacementEntries(after.state), batch);
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
};

class AlertsProjection final : public Projection {
 public:
  std::string_view name() const override { return kAlertsTable; }
  std::vector<std::string> tables() const override { return {kAlertsTable}; }
  void OnChanged(const Folded& before, const Folded& after, TableBatch& batch) override {
    Diff(kAlertsTable, Entries(before.state), Entries(after.state), batch);
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
  // reads one month's entries.
  std::optional<CivilDate> end = s.returned_on ? s.returned_on : s.converted_on;
  if (!end) return entries;
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
