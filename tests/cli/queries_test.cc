// The read-model commands end to end: placements, status, alerts, rebuild, history by
// employee, as-of answers and CSV.

#include <gtest/gtest.h>

#include "ledger/log/tables.h"
#include "projections/projector.h"
#include "service/secondments.h"
#include "tests/cli/cli_fixture.h"

namespace secondment {
namespace {

using testing::CliResult;
using testing::CliTest;
using testing::Lines;
using testing::Quote;

class QueriesTest : public CliTest {
 protected:
  // SEC-1 (emp-1, Admissions) returns on 2026-04-30; SEC-2 (emp-2, Finance) stays active.
  void SetUp() override {
    CliTest::SetUp();
    Active("SEC-1");
    std::string second = Proposal("--id SEC-2 --employee emp-2");
    second.replace(second.find("--employee emp-1"), 16, "");
    second.replace(second.find("--host-unit Admissions"), 22, "--host-unit Finance");
    Ok(second);
    ApproveAll("SEC-2");
    Ok("--actor hr-1 --as hr sign SEC-2 --agreement AGR-2 --date 2026-02-20");
    Ok("--actor hr-1 --as hr start SEC-2 --date 2026-03-02");
    before_return_ = Head();
    Ok("--actor hr-1 --as hr return SEC-1 --date 2026-04-30");
  }
  size_t before_return_ = 0;
};

TEST_F(QueriesTest, PlacementsNowByFilterAndOnABusinessDate) {
  CliResult now = Cli("placements --json");
  ASSERT_EQ(now.code, 0) << now.err;
  EXPECT_EQ(Lines(now.out), 1u);
  for (const char* field :
       {"\"id\":\"SEC-2\"", "\"employeeId\":\"emp-2\"", "\"homeOrg\":", "\"homeUnit\":\"Teaching\"",
        "\"hostOrg\":\"Northfield College\"", "\"hostUnit\":\"Finance\"", "\"kind\":\"internal\"",
        "\"start\":\"2026-03-02\"", "\"plannedEnd\":\"2026-07-31\""}) {
    EXPECT_NE(now.out.find(field), std::string::npos) << field << " in " << now.out;
  }
  EXPECT_EQ(Lines(Cli("placements --host-org 'Northfield College' --host-unit Finance --json").out),
            1u);
  EXPECT_EQ(Lines(Cli("placements --employee emp-1 --json").out), 0u);
  CliResult april = Cli("placements --as-of 2026-04-15 --json");
  EXPECT_EQ(Lines(april.out), 2u) << april.out;
  EXPECT_NE(april.out.find("\"end\":\"2026-04-30\""), std::string::npos);
  EXPECT_EQ(Lines(Cli("placements --as-of 2026-05-01 --json").out), 1u);
}

TEST_F(QueriesTest, UnknownFiltersFindNothingAndBadOnesAreRefused) {
  CliResult none = Cli("placements --host-org 'Nowhere Ltd' --json");
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(Cli("status --employee emp-404 --json").out, "");
  ExpectRefused("placements --as-of 2026-02-30", 2, "invalid date '2026-02-30' for --as-of");
  ExpectRefused("placements --kind spaceship", 2, "unknown value 'spaceship' for --kind");
  ExpectRefused("status --state limbo", 2, "unknown value 'limbo' for --state");
  ExpectRefused("alerts --today 2026-13-01", 2, "month must be 01 to 12");
  ExpectRefused("alerts --within -3", 2, "--within takes a whole number from 0 to 3650");
  ExpectRefused("show SEC-1 --known-at yesterday", 2, "invalid timestamp 'yesterday'");
  ExpectRefused("show SEC-1 --at-position 999999", 2, "--at-position 999999 is past the last");
  ExpectRefused("show SEC-1 --at-position 3 --known-at 2026-01-01", 2,
                "give --known-at or --at-position, not both");
  ExpectRefused("rebuild everything", 2, "no projection 'everything'");
}

TEST_F(QueriesTest, WhatTheLedgerSaidBeforeTheReturnWasRecorded) {
  std::string at = "--at-position " + std::to_string(before_return_);
  EXPECT_NE(Cli("show SEC-1 " + at + " --json").out.find("\"state\":\"active\""),
            std::string::npos);
  EXPECT_NE(Cli("show SEC-1 --json").out.find("\"state\":\"returned\""), std::string::npos);
  EXPECT_EQ(Lines(Cli("placements " + at + " --json").out), 2u);
  EXPECT_EQ(Lines(Cli("status --state active " + at + " --json").out), 2u);
  EXPECT_EQ(Lines(Cli("history SEC-1 " + at + " --json").out), 6u);
  EXPECT_EQ(Lines(Cli("history SEC-1 --json").out), 7u);
  // A timestamp before anything was recorded: nothing was known yet.
  ExpectRefused("show SEC-1 --known-at 2000-01-01", 5, "no secondment SEC-1 at position 0");
  EXPECT_EQ(Cli("placements --known-at 2000-01-01T00:00:00Z --json").out, "");
  EXPECT_EQ(Lines(Cli("placements --known-at 2999-12-31T23:59:59.5Z --json").out), 1u);
  EXPECT_EQ(Lines(Cli("placements --known-at 2999-12-31T23:59:59+02:00 --json").out), 1u);
  EXPECT_EQ(Cli("placements --known-at 2000-01-01T01:00:00-05:00 --json").out, "");
  ExpectRefused("show SEC-1 --known-at 2026-01-01T00:00:00+25:00", 2, "invalid timestamp");
}

TEST_F(QueriesTest, StatusAlertsAndCsv) {
  CliResult active = Cli("status --state active --json");
  EXPECT_EQ(Lines(active.out), 1u);
  EXPECT_NE(active.out.find("\"id\":\"SEC-2\""), std::string::npos);
  EXPECT_NE(active.out.find("\"lastPosition\":"), std::string::npos);
  EXPECT_EQ(Lines(Cli("status --json").out), 2u);

  CliResult alerts = Cli("alerts --today 2026-07-20 --within 30");
  EXPECT_EQ(alerts.out, "ending_soon SEC-2: planned end 2026-07-31 is in 11 days\n");
  CliResult late = Cli("alerts --today 2026-08-30 --json");
  EXPECT_NE(late.out.find("{\"alert\":\"overdue\",\"id\":\"SEC-2\""), std::string::npos)
      << late.out;
  EXPECT_NE(late.out.find("{\"alert\":\"return_not_recorded\",\"id\":\"SEC-2\""),
            std::string::npos);

  CliResult csv = Cli("placements --as-of 2026-04-15 --csv");
  EXPECT_EQ(csv.out.substr(0, csv.out.find("\r\n")),
            "id,employee,home_org,home_unit,host_org,host_unit,kind,country,start,planned_end,end");
  EXPECT_NE(csv.out.find("SEC-1,emp-1,Northfield College,Teaching,Northfield College,Admissions,"
                         "internal,,2026-02-02,2026-07-31,2026-04-30\r\n"),
            std::string::npos)
      << csv.out;
}

TEST_F(QueriesTest, AReadRepairsWhatACrashLeftBehind) {
  {
    // Commit an event without updating the projections: a crash in between leaves this.
    Options options;
    options.tables = projections::ProjectionTables();
    auto log = EventLog::Open(data(), options);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    SystemClock clock;
    Secondments secondments(log->get(), Policy::Default(), &clock);
    auto returned = secondments.Execute(
        "SEC-2", ReturnCommand{CivilDate{2026, 5, 29}, "", schema::ReturnPosition::SUBSTANTIVE},
        Actor{"hr-1", schema::Role::HR});
    ASSERT_TRUE(returned.ok()) << returned.status().ToString();
    EXPECT_LT(*Tables(**log).Checkpoint("placements"), (*log)->Head());
  }
  EXPECT_EQ(Cli("placements --json").out, "") << "the return must show once repaired";
  EXPECT_NE(Cli("status --state returned --json").out.find("\"id\":\"SEC-2\""), std::string::npos);
}

TEST_F(QueriesTest, HistoryAndLogAsCsv) {
  CliResult history = Cli("history SEC-1 --csv");
  EXPECT_EQ(history.out.substr(0, history.out.find("\r\n")),
            "position,recorded_at,stream,version,effective_date,type,actor,role,summary,payload");
  EXPECT_EQ(std::count(history.out.begin(), history.out.end(), '\n'), 8);  // header + 7
  EXPECT_NE(history.out.find(",returned,hr-1,hr,returned 2026-04-30 (early),\"{"),
            std::string::npos)
      << history.out;
  CliResult log = Cli("log --limit 2 --csv");
  EXPECT_EQ(std::count(log.out.begin(), log.out.end(), '\n'), 3);
}

TEST_F(QueriesTest, HistoryByEmployeeAndRebuild) {
  EXPECT_EQ(Lines(Cli("history --employee emp-1 --json").out), 7u);
  EXPECT_EQ(Cli("history --employee emp-404 --json").out, "");
  std::string before = Cli("status --json").out + Cli("placements --as-of 2026-04-15 --json").out;
  CliResult rebuilt = Cli("rebuild");
  EXPECT_EQ(rebuilt.code, 0) << rebuilt.err;
  EXPECT_EQ(rebuilt.out.rfind("rebuilt all projections from ", 0), 0u) << rebuilt.out;
  EXPECT_EQ(Cli("rebuild placements").code, 0);
  EXPECT_EQ(Cli("status --json").out + Cli("placements --as-of 2026-04-15 --json").out, before);
}

}  // namespace
}  // namespace secondment
