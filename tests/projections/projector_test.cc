// The read models: incremental equals rebuilt, lag is repaired, queries answer hand-worked cases.

#include "projections/projector.h"

#include <gtest/gtest.h>

#include "bench/bench_util.h"
#include "bench/workload.h"
#include "ledger/log/tables.h"
#include "projections/queries.h"
#include "tests/ledger/lifecycle_fixture.h"

namespace secondment {
namespace {

using projections::Projector;
using testing::D;

class ProjectorTest : public testing::LifecycleTest {
 protected:
  void SetUp() override { OpenWithTables(); }

  void OpenWithTables(Policy policy = Policy::Default()) {
    secondments_.reset();
    log_.reset();
    Options options;
    options.clock = &clock_;
    options.durability = Durability::kNoSync;
    options.tables = projections::ProjectionTables();
    auto opened = EventLog::Open(dir_.Sub("ledger"), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    log_ = std::move(opened).value();
    secondments_ = std::make_unique<Secondments>(log_.get(), std::move(policy), &clock_);
  }

  void CatchUp() {
    Projector projector(log_.get());
    auto applied = projector.CatchUp();
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  }

  std::string Digest() {
    auto digest = projections::TablesDigest(*log_);
    EXPECT_TRUE(digest.ok()) << digest.status().ToString();
    return digest.ok() ? *digest : "";
  }

  std::vector<std::string> Ids(const std::vector<projections::Placement>& list) {
    std::vector<std::string> ids;
    for (const auto& p : list) ids.push_back(p.id);
    return ids;
  }

  std::vector<std::string> PlacementIds(projections::PlacementFilter filter = {},
                                        std::optional<CivilDate> as_of = std::nullopt,
                                        CivilDate today = D("2026-03-01")) {
    auto list = projections::ListPlacements(*log_, filter, as_of, today);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? Ids(*list) : std::vector<std::string>{};
  }

  ProposeCommand At(const char* host_unit, const char* employee, const char* start,
                    const char* end) {
    ProposeCommand c = Proposal(start, end, employee);
    c.host.unit = host_unit;
    return c;
  }
};

TEST_F(ProjectorTest, IncrementalEqualsRebuiltOverTheFullWorkload) {
  auto w = workload::Workload::Generate(workload::kDefaultStreams);
  const auto& events = w.events();
  Projector projector(log_.get());
  for (size_t begin = 0; begin < events.size(); begin += 100) {
    std::vector<StreamAppend> parts;
    for (const auto& run : bench::StreamRuns(events, begin, std::min(events.size(), begin + 100))) {
      const auto& e = events[run.begin];
      StreamAppend part{
          w.StreamId(e),
          e.version == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exactly(e.version - 1),
          {}};
      for (size_t i = run.begin; i < run.end; ++i)
        part.events.push_back(w.ToLedgerEvent(events[i]));
      parts.push_back(std::move(part));
    }
    ASSERT_TRUE(log_->Append(std::move(parts)).ok());
    if (begin % 50000 == 0) {
      ASSERT_TRUE(projector.CatchUp().ok());  // catch up in uneven steps along the way
    }
  }
  ASSERT_TRUE(projector.CatchUp().ok());
  std::string incremental = Digest();

  auto placements = projector.Rebuild("placements");
  ASSERT_TRUE(placements.ok()) << placements.status().ToString();
  EXPECT_EQ(*placements, events.size());
  EXPECT_EQ(Digest(), incremental);

  ASSERT_TRUE(projector.Rebuild(std::nullopt).ok());
  EXPECT_EQ(Digest(), incremental);

  // One notion of now: placements without a date are placements as of today, whatever today
  // is, across the workload's years and on the real today.
  size_t seen = 0;
  for (int64_t day = DaysFromCivil(D("2024-01-01")); day <= DaysFromCivil(D("2027-12-31"));
       day += 45) {
    CivilDate today = CivilFromDays(day);
    std::vector<std::string> now = PlacementIds({}, std::nullopt, today);
    EXPECT_EQ(now, PlacementIds({}, today, today)) << FormatDate(today);
    // Asked the day after, the same date is read from the month index instead of the
    // end-date index: the same answer.
    EXPECT_EQ(now, PlacementIds({}, today, CivilFromDays(day + 1))) << FormatDate(today);
    seen += now.size();
  }
  EXPECT_GT(seen, 1000u);
  CivilDate real_today = DateOfMicros(SystemClock().NowMicros());
  EXPECT_EQ(PlacementIds({}, std::nullopt, real_today), PlacementIds({}, real_today, real_today));

  // The workload ends with every secondment returned or converted: nobody is placed after it.
  EXPECT_TRUE(PlacementIds({}, std::nullopt, D("2100-01-01")).empty());
  auto returned = projections::ListSecondments(*log_, SecondmentStatus::kReturned);
  ASSERT_TRUE(returned.ok());
  EXPECT_EQ(returned->size(), 84856u);
}

TEST_F(ProjectorTest, ALagAfterACrashIsRepairedByTheNextCatchUp) {
  Active("SEC-1");
  CatchUp();
  // Events committed, projections not updated: what a crash in between leaves behind.
  Feedback("SEC-1");
  Ok(Run("SEC-1", ReturnCommand{D("2026-05-01"), "", schema::ReturnPosition::SUBSTANTIVE}, Hr()));
  EXPECT_EQ(PlacementIds(), std::vector<std::string>{"SEC-1"}) << "stale before repair";
  OpenWithTables();  // "restart"
  CatchUp();
  // The day of the return still counts as on placement; the next does not.
  EXPECT_EQ(PlacementIds({}, std::nullopt, D("2026-05-01")), std::vector<std::string>{"SEC-1"});
  EXPECT_TRUE(PlacementIds({}, std::nullopt, D("2026-05-02")).empty());
  std::string repaired = Digest();
  ASSERT_TRUE(Projector(log_.get()).Rebuild(std::nullopt).ok());
  EXPECT_EQ(Digest(), repaired);
  EXPECT_EQ(*Tables(*log_).Checkpoint("status"), log_->Head());
}

TEST_F(ProjectorTest, ActivePlacementsByEachIndex) {
  Active("SEC-1", At("Marketing", "emp-1", "2026-02-01", "2026-07-31"));
  Active("SEC-2", At("Finance", "emp-2", "2026-02-01", "2026-07-31"));
  Propose("SEC-3", At("Marketing", "emp-3", "2026-02-01", "2026-07-31"));  // not started
  CatchUp();
  EXPECT_EQ(PlacementIds(), (std::vector<std::string>{"SEC-1", "SEC-2"}));
  projections::PlacementFilter by_host;
  by_host.host_org = "Acme";
  by_host.host_unit = "Marketing";
  EXPECT_EQ(PlacementIds(by_host), std::vector<std::string>{"SEC-1"});
  projections::PlacementFilter by_employee;
  by_employee.employee = "emp-2";
  EXPECT_EQ(PlacementIds(by_employee), std::vector<std::string>{"SEC-2"});
  projections::PlacementFilter nobody;
  nobody.host_org = "No Such Org";
  EXPECT_TRUE(PlacementIds(nobody).empty());
}

TEST_F(ProjectorTest, AsOfABusinessDateIncludingABackDatedReturn) {
  Active("SEC-1", At("Marketing", "emp-1", "2026-02-01", "2026-07-31"));
  Active("SEC-2", At("Finance", "emp-2", "2026-03-01", "2026-08-31"));
  clock_.Set(kNow + 200LL * 86400 * 1000000);  // months later, HR records a return...
  Ok(Run("SEC-1", ReturnCommand{D("2026-04-30"), "back-dated", schema::ReturnPosition::SUBSTANTIVE},
         Hr()));  // ...that happened on 2026-04-30
  CatchUp();
  CivilDate today = D("2026-07-20");
  EXPECT_EQ(PlacementIds({}, D("2026-01-31"), today), std::vector<std::string>{});
  EXPECT_EQ(PlacementIds({}, D("2026-02-01"), today), std::vector<std::string>{"SEC-1"});
  EXPECT_EQ(PlacementIds({}, D("2026-04-30"), today), (std::vector<std::string>{"SEC-1", "SEC-2"}));
  EXPECT_EQ(PlacementIds({}, D("2026-05-01"), today), std::vector<std::string>{"SEC-2"});
  EXPECT_EQ(PlacementIds({}, D("2026-09-01"), today), std::vector<std::string>{});
  // Past its planned end and still active: placed up to today.
  EXPECT_EQ(PlacementIds({}, D("2026-09-01"), D("2026-09-10")), std::vector<std::string>{"SEC-2"});
}

TEST_F(ProjectorTest, AlertsSayWhichAndWhy) {
  Active("SEC-SOON", At("Marketing", "emp-1", "2026-02-01", "2026-03-20"));
  Active("SEC-LATE", At("Finance", "emp-2", "2026-01-05", "2026-02-20"));
  Active("SEC-LONG", At("Legal", "emp-3", "2026-01-05", "2026-02-25"));
  Active("SEC-FINE", At("Sales2", "emp-4", "2026-02-01", "2026-12-31"));
  CatchUp();
  Policy policy = Policy::Default();
  auto alerts = projections::ListAlerts(*log_, policy, D("2026-03-10"), 30);
  ASSERT_TRUE(alerts.ok());
  std::vector<std::string> seen;
  for (const auto& a : *alerts) seen.push_back(a.kind + " " + a.id + ": " + a.why);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "overdue SEC-LATE: planned end 2026-02-20 passed 18 days ago and it is "
                      "still active",
                      "return_not_recorded SEC-LATE: planned end 2026-02-20 passed more than 14 "
                      "days ago with no return recorded",
                      "overdue SEC-LONG: planned end 2026-02-25 passed 13 days ago and it is "
                      "still active",
                      "ending_soon SEC-SOON: planned end 2026-03-20 is in 10 days"}));
  policy.max_months = 1;  // a stricter policy flags what now runs too long
  alerts = projections::ListAlerts(*log_, policy, D("2026-03-10"), 0);
  bool over = false;
  for (const auto& a : *alerts) over |= a.kind == "over_maximum" && a.id == "SEC-FINE";
  EXPECT_TRUE(over);
}

TEST_F(ProjectorTest, HistoriesBySecondmentAndByEmployee) {
  Active("SEC-1", At("Marketing", "emp-1", "2026-02-01", "2026-03-31"));
  Ok(Run("SEC-1", ReturnCommand{D("2026-03-31"), "", schema::ReturnPosition::SUBSTANTIVE}, Hr()));
  Active("SEC-2", At("Finance", "emp-1", "2026-05-01", "2026-06-30"));
  CatchUp();
  auto one = projections::SecondmentPositions(*log_, "SEC-1");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 7u);  // proposed, 3 approvals, signed, started, returned
  auto employee = projections::EmployeePositions(*log_, "emp-1");
  ASSERT_TRUE(employee.ok());
  EXPECT_EQ(employee->size(), 13u);
  EXPECT_TRUE(std::is_sorted(employee->begin(), employee->end()));
  EXPECT_TRUE(projections::EmployeePositions(*log_, "emp-unknown")->empty());
}

TEST_F(ProjectorTest, RebuildOfAnUnknownProjectionIsRefused) {
  auto result = Projector(log_.get()).Rebuild("everything");
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(),
            "no projection 'everything'; the projections are: status, placements, history, alerts");
}

}  // namespace
}  // namespace secondment
