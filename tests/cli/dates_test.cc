// Dated steps, corrections and four eyes through the `secondment` binary: --date on every
// step, `correct`, `void`, `approve --scope correction`, `policy show`, and what `show` and
// `history` print about them.

#include <gtest/gtest.h>

#include <fstream>

#include "ledger/base/clock.h"
#include "ledger/base/date.h"
#include "tests/cli/cli_fixture.h"

namespace secondment {
namespace {

using testing::CliResult;
using testing::CliTest;
using testing::Lines;
using testing::Quote;

std::string Today() { return FormatDate(DateOfMicros(SystemClock().NowMicros())); }
// Today moved by `days`.
std::string Day(int days) {
  return FormatDate(CivilFromDays(DaysFromCivil(DateOfMicros(SystemClock().NowMicros())) + days));
}
std::string Tomorrow() { return Day(1); }

TEST_F(CliTest, EveryStepTakesABusinessDate) {
  Active("SEC-1");
  CliResult history = Cli("history SEC-1 --json");
  for (const char* dated : {"\"effectiveDate\":\"2026-01-05\",\"actor\":\"hr-1\",\"role\":\"hr\","
                            "\"type\":\"proposed\"",
                            "\"effectiveDate\":\"2026-01-12\",\"actor\":\"hr-2\"",
                            "\"effectiveDate\":\"2026-01-20\",\"actor\":\"hr-1\",\"role\":\"hr\","
                            "\"type\":\"agreementSigned\"",
                            "\"effectiveDate\":\"2026-02-02\",\"actor\":\"hr-1\",\"role\":\"hr\","
                            "\"type\":\"started\""}) {
    EXPECT_NE(history.out.find(dated), std::string::npos) << dated << "\n" << history.out;
  }
  // Without --date a step is dated today.
  Ok("--actor mgr-host --as host_manager handover SEC-1 --direction inbound --from a --to b");
  EXPECT_NE(Cli("log --json").out.find("\"effectiveDate\":\"" + Today() + "\""), std::string::npos);
}

TEST_F(CliTest, BadDatesAreRefusedWithOneLine) {
  Ok(Proposal("--id SEC-1"));
  ExpectRefused(
      "--actor mgr-home --as home_manager approve SEC-1 --scope placement --date "
      "2026-02-30",
      2, "invalid date '2026-02-30' for --date: 2026-02 has 28 days");
  ExpectRefused("--actor mgr-home --as home_manager approve SEC-1 --scope placement --date x", 2,
                "for --date");
  ExpectRefused("--actor mgr-home --as home_manager approve SEC-1 --scope placement --date", 2,
                "--date");
  ExpectRefused("--actor mgr-home --as home_manager approve SEC-1 --scope placement --date " +
                    std::string(5000, '9'),
                2, "for --date");
  ExpectRefused(
      "--actor mgr-home --as home_manager approve SEC-1 --scope placement --date "
      "'2026-01-12;rm -rf /'",
      2, "for --date");
  ExpectRefused(
      "--actor mgr-home --as home_manager approve SEC-1 --scope placement --date " + Tomorrow(), 3,
      "is after today (" + Today() + "); a step is not dated in the future");
  ExpectRefused(
      "--actor mgr-home --as home_manager approve SEC-1 --scope placement --date "
      "2026-01-04",
      3,
      "cannot approve SEC-1: the decision 2026-01-04 is before its proposal on "
      "2026-01-05");
  ExpectRefused(Proposal("--id SEC-2 --date " + Tomorrow()), 2, "--date is given more than once");
}

TEST_F(CliTest, FourEyesThroughTheCommandLine) {
  std::string proposal = Proposal("--id SEC-1");
  proposal.replace(proposal.find("--home-manager mgr-home"), 23, "--home-manager m-1");
  Ok(proposal);
  Ok("--actor m-1 --as home_manager approve SEC-1 --scope placement --date 2026-01-12");
  ExpectRefused("--actor m-1 --as hr approve SEC-1 --scope placement --date 2026-01-12", 3,
                "cannot approve SEC-1: m-1 has already approved the placement request; one person "
                "gives at most one approval of a request");
  ExpectRefused("--actor hr-1 --as hr approve SEC-1 --scope placement --date 2026-01-12", 3,
                "cannot approve SEC-1: hr-1 made the placement request; its hr approval comes "
                "from someone else");
}

TEST_F(CliTest, CorrectingAMistake) {
  Active("SEC-1");
  CliResult corrected =
      Cli("--actor hr-1 --as hr correct SEC-1 --field host_unit --value "
          "Outreach --reason 'unit renamed in January'");
  ASSERT_EQ(corrected.code, 0) << corrected.err;
  EXPECT_EQ(corrected.out, "SEC-1 correct: now active\n");
  EXPECT_NE(
      Cli("placements --host-org 'Northfield College' --host-unit Outreach").out.find("SEC-1"),
      std::string::npos);
  // History: the correction, and beside the proposal that set the field, a note.
  CliResult history = Cli("history SEC-1");
  EXPECT_NE(history.out.find("^ corrected by #"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("host_unit Admissions -> Outreach (unit renamed in January)"),
            std::string::npos)
      << history.out;

  // A date of a started secondment waits for a second hr.
  CliResult waiting =
      Cli("--actor hr-1 --as hr correct SEC-1 --field actual_start --value "
          "2026-02-03 --reason 'started on Tuesday' --json");
  ASSERT_EQ(waiting.code, 0) << waiting.err;
  CliResult shown = Cli("show SEC-1");
  EXPECT_NE(shown.out.find("correction  actual_start 2026-02-02 -> 2026-02-03 waits for approval "
                           "by hr"),
            std::string::npos)
      << shown.out;
  EXPECT_NE(Cli("show SEC-1 --json").out.find("\"correctionProposed\":{\"field\":\"actual_start\""),
            std::string::npos);
  ExpectRefused("--actor hr-1 --as hr approve SEC-1 --scope correction", 3,
                "hr-1 proposed this correction; a second person approves it");
  Ok("--actor hr-2 --as hr approve SEC-1 --scope correction");
  EXPECT_NE(Cli("show SEC-1 --json").out.find("\"actualStart\":\"2026-02-03\""), std::string::npos);

  ExpectRefused("--actor hr-1 --as hr correct SEC-1 --field salary --value 1 --reason x", 2,
                "unknown field 'salary'");
  ExpectRefused(
      "--actor hr-1 --as hr correct SEC-1 --field planned_end --value 2026-13-01 "
      "--reason x",
      2, "invalid date '2026-13-01' for planned_end");
  ExpectRefused("--actor hr-1 --as hr correct SEC-1 --field host_unit --value X", 2,
                "--reason is required");
  ExpectRefused("--actor hr-1 --as hr correct SEC-1 --value X --reason x", 2,
                "--field is required");
  ExpectRefused("--actor hr-1 --as hr correct SEC-1 --field host_unit --value " +
                    Quote(std::string(300, 'x')) + " --reason x",
                2, "host unit is 300 bytes; the limit is 200");
  ExpectRefused(
      "--actor mgr-home --as home_manager correct SEC-1 --field host_unit --value X "
      "--reason x",
      3, "cannot correct SEC-1: corrections are made by hr, not home_manager");
  ExpectRefused("--actor hr-1 --as hr correct SEC-999 --field host_unit --value X --reason x", 5,
                "no secondment SEC-999");
}

TEST_F(CliTest, VoidingAStepRecordedOnTheWrongSecondment) {
  Active("SEC-1");
  CliResult wrong = Cli("--actor hr-1 --as hr return SEC-1 --date 2026-03-02 --json");
  ASSERT_EQ(wrong.code, 0) << wrong.err;
  std::string position = wrong.out.substr(wrong.out.find("[") + 1);
  position = position.substr(0, position.find_first_of(",]"));
  Ok("--actor hr-1 --as hr void SEC-1 --position " + position + " --reason 'wrong secondment'");
  Ok("--actor hr-2 --as hr approve SEC-1 --scope correction");
  EXPECT_NE(Cli("show SEC-1").out.find("SEC-1  active"), std::string::npos);
  EXPECT_NE(Cli("history SEC-1").out.find("^ void by #"), std::string::npos);
  ExpectRefused("--actor hr-1 --as hr void SEC-1 --position 0 --reason x", 2, "--position");
  ExpectRefused("--actor hr-1 --as hr void SEC-1 --position abc --reason x", 2, "--position");
  ExpectRefused("--actor hr-1 --as hr void SEC-1 --position 99999 --reason x", 5,
                "no event at position 99999");
  ExpectRefused("--actor hr-1 --as hr void SEC-1 --position 1 --reason x", 3,
                "position 1 holds a proposed event");
  ExpectRefused("--actor hr-1 --as hr void SEC-1 --position " + position, 2,
                "--reason is required");
}

TEST_F(CliTest, ShowSaysPlannedAndActualDaysApart) {
  Active("SEC-1");
  Ok("--actor emp-1 --as secondee feedback SEC-1 --text 'going well' --date 2026-03-01");
  Ok("--actor hr-1 --as hr propose-conversion SEC-1 --effective 2026-05-01 --new-role Officer "
     "--date 2026-03-02");
  ApproveAll("SEC-1", "conversion", "2026-03-09");
  CliResult text = Cli("show SEC-1");
  EXPECT_NE(text.out.find("planned     2026-02-02 to 2026-07-31 (179 days planned)"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("actual      2026-02-02 to 2026-05-01 (88 days)"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("cumulative  88 days, from the actual start to the conversion"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("  converted   2026-05-01 as Officer\n"), std::string::npos) << text.out;
  CliResult json = Cli("show SEC-1 --json");
  EXPECT_NE(json.out.find("\"plannedDays\":179,\"actualDays\":88,\"cumulativeDays\":88"),
            std::string::npos)
      << json.out;
}

// Dated around the real today: a conversion that takes effect in 30 days.
TEST_F(CliTest, AConversionStillToComeShowsAsActiveConverting) {
  std::string proposal = Proposal("--id SEC-1");
  proposal.replace(proposal.find("--start 2026-02-02 --end 2026-07-31 --date 2026-01-05"), 53,
                   "--start " + Day(-10) + " --end " + Day(100) + " --date " + Day(-20));
  Ok(proposal);
  ApproveAll("SEC-1", "placement", Day(-15));
  Ok("--actor hr-1 --as hr sign SEC-1 --agreement A --date " + Day(-12));
  Ok("--actor hr-1 --as hr start SEC-1 --date " + Day(-10));
  Ok("--actor emp-1 --as secondee feedback SEC-1 --text 'stay' --date " + Day(-5));
  Ok("--actor hr-1 --as hr propose-conversion SEC-1 --effective " + Day(30) +
     " --new-role Officer");
  ApproveAll("SEC-1", "conversion", Day(0));
  CliResult text = Cli("show SEC-1");
  EXPECT_NE(text.out.find("SEC-1  active, converting on " + Day(30) + "\n"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("  converts    " + Day(30) + " as Officer\n"), std::string::npos)
      << text.out;
  EXPECT_NE(Cli("show SEC-1 --json").out.find("\"state\":\"active\""), std::string::npos);
  EXPECT_NE(Cli("status --state active").out.find("SEC-1"), std::string::npos);
  EXPECT_EQ(Cli("status --state converted --csv").out.find("SEC-1"), std::string::npos);
  EXPECT_NE(Cli("placements").out.find("SEC-1"), std::string::npos);
  ExpectRefused(
      "--actor hr-1 --as hr return SEC-1", 3,
      "cannot return SEC-1: it becomes a permanent post on " + Day(30) + "; there is no return");
}

TEST_F(CliTest, PolicyShowSaysWhatIsInForce) {
  CliResult shown = Cli("policy show");
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("four eyes: one person gives at most one approval of a request\n"),
            std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("facts may not be dated after the day they are recorded\n"),
            std::string::npos);
  std::string relaxed = dir_.Sub("relaxed.json");
  std::ofstream(relaxed) << R"({"approvers":{"placement":["hr"]},"requesterMayApproveAsHr":true})";
  CliResult relaxed_shown = Cli("--policy " + Quote(relaxed) + " policy show");
  EXPECT_NE(relaxed_shown.out.find("a placement needs the approval of: hr (one approver only)"),
            std::string::npos)
      << relaxed_shown.out;
  EXPECT_NE(relaxed_shown.out.find("four eyes RELAXED (requesterMayApproveAsHr true)"),
            std::string::npos);
  CliResult json = Cli("--json --policy " + Quote(relaxed) + " policy show");
  EXPECT_EQ(json.out.rfind("{\"approvers\":{\"placement\":[\"hr\"],", 0), 0u) << json.out;
  EXPECT_EQ(Lines(json.out), 1u);
  EXPECT_EQ(Cli("policy").code, 2);
  EXPECT_EQ(Cli("policy show extra").code, 2);
  CliResult bad = Cli("--policy " + Quote(dir_.Sub("missing.json")) + " policy show");
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.out, "");
}

}  // namespace
}  // namespace secondment
