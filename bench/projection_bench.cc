#include "bench/projection_bench.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "bench/bench_util.h"
#include "projections/projector.h"
#include "projections/queries.h"
#include "service/secondments.h"

namespace secondment::bench {
double RebuildEps(EventLog& log) {
  projections::Projector projector(&log);
  auto start = std::chrono::steady_clock::now();
  auto applied = projector.Rebuild(std::nullopt);
  Check(applied.status(), "rebuild");
  return static_cast<double>(*applied) / Seconds(start);
}

double AsOfReplaySeconds(EventLog& log) {
  auto start = std::chrono::steady_clock::now();
  auto states = projections::FoldUpTo(log, log.Head());
  Check(states.status(), "as-of replay");
  return Seconds(start);
}

void BuildPlacements(const std::string& dir, int active, int others) {
  std::filesystem::remove_all(dir);
  Options options;
  options.durability = Durability::kNoSync;  // setting up, not measuring appends
  options.tables = projections::ProjectionTables();
  auto opened = EventLog::Open(dir, options);
  Check(opened.status(), "opening the query ledger");
  auto log = std::move(opened).value();
  SystemClock clock;
  Secondments secondments(log.get(), Policy::Default(), &clock);
  Actor hr{"hr-1", schema::Role::HR};
  int total = active + others;
  for (int i = 0; i < total; ++i) {
    std::string id = fmt::format("Q-{:05d}", i);
    ProposeCommand c;
    c.employee_id = fmt::format("emp-{:05d}", i);
    c.home = {"org-home", fmt::format("dept-{:02d}", i % 24), "mgr-home"};
    c.host = {i < active ? "org-target" : fmt::format("org-{:02d}", i % 39),
              fmt::format("dept-{:02d}", i % 24), "mgr-host"};
    c.kind = schema::Kind::EXTERNAL;
    c.role_title = "analyst";
    c.start = {2026, 1, 5};
    c.end = {2026, 12, 18};
    c.date = CivilDate{2025, 12, 1};
    Check(secondments.Execute(id, c, hr).status(), "propose");
    for (auto role : {schema::Role::HOME_MANAGER, schema::Role::HOST_MANAGER, schema::Role::HR}) {
      Actor actor{role == schema::Role::HOME_MANAGER   ? "mgr-home"
                  : role == schema::Role::HOST_MANAGER ? "mgr-host"
                                                       : "hr-2",
                  role};
      Check(secondments
                .Execute(id, ApproveCommand{schema::Scope::PLACEMENT, "", CivilDate{2025, 12, 2}},
                         actor)
                .status(),
            "approve");
    }
    Check(secondments.Execute(id, SignCommand{"AGR", 1, "", CivilDate{2025, 12, 3}}, hr).status(),
          "sign");
    Check(secondments.Execute(id, StartCommand{CivilDate{2026, 1, 5}}, hr).status(), "start");
  }
  Check(projections::Projector(log.get()).CatchUp().status(), "catch-up");
}

QueryFigures PlacementsQuery(const std::string& dir, int active, int queries) {
  BuildPlacements(dir, active, active / 10);
  auto opened = EventLog::Open(dir, {.tables = projections::ProjectionTables()});
  Check(opened.status(), "opening the query ledger");
  auto log = std::move(opened).value();
  projections::PlacementFilter filter;
  filter.host_org = "org-target";
  std::vector<double> micros;
  size_t found = 0;
  for (int q = 0; q < queries; ++q) {
    auto start = std::chrono::steady_clock::now();
    auto list = projections::ListPlacements(*log, filter, std::nullopt, {2026, 6, 1});
    micros.push_back(Seconds(start) * 1e6);
    Check(list.status(), "placements query");
    found = list->size();
  }
  log.reset();
  std::filesystem::remove_all(dir);
  return {Quantile(micros, 0.50), Quantile(micros, 0.99), found};
}

}  // namespace secondment::bench
