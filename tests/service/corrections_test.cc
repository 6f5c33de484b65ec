// Corrections are events (docs/cli.md, "Correcting a mistake"): `correct` and `void` through
// the application, with their effect on the status, placements, alerts, history and the feed,
// and what the ledger said before them.

#include <gtest/gtest.h>

#include "ledger/event/event_json.h"
#include "tests/service/service_fixture.h"

namespace secondment::testing {
namespace {

using schema::Scope;

class CorrectionsTest : public ServiceTest {
 protected:
  // Today is 2026-03-15; SEC-1 (emp-1, Acme/Marketing) started on 2026-02-01, planned to
  // 2026-07-31.
  void SetUp() override {
    ServiceTest::SetUp();
    Active("SEC-1");
    Today(Day("2026-03-15"));
  }

  Secondment State(const std::string& id = "SEC-1") {
    auto shown = ledger_->Show(Admin(), id);
    EXPECT_TRUE(shown.ok()) << shown.status().ToString();
    return shown.ok() ? shown->state : Secondment{};
  }
  std::vector<std::string> PlacedIds(projections::PlacementFilter filter = {},
                                     std::optional<CivilDate> as_of = std::nullopt) {
    auto list = ledger_->ListPlacements(Admin(), {filter, as_of, std::nullopt});
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<std::string> ids;
    for (const auto& p : *list) ids.push_back(p.id);
    return ids;
  }
  // The JSON of the last few events, as the feed delivers them.
  std::string LastEventJson() {
    Position head = ledger_->Head();
    auto events = ledger_->ReadLog(Admin(), head > 2 ? head - 2 : 1, 3);
    std::string json;
    for (const auto& event : *events) json += EventJson(event) + "\n";
    return json;
  }
  static CorrectCommand Correct(const char* field, const char* value, const char* reason = "typo") {
    return CorrectCommand{field, value, reason, std::nullopt};
  }
};

TEST_F(CorrectionsTest, ANameIsCorrectedAtOnceAndEveryReadModelFollows) {
  projections::PlacementFilter marketing;
  marketing.host_unit = "Marketing";
  marketing.host_org = "Acme";
  EXPECT_EQ(PlacedIds(marketing), std::vector<std::string>{"SEC-1"});
  auto outcome = Run(Hr(), "SEC-1", Correct("host_unit", "Brand Marketing", "unit was renamed"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_EQ(State().host.unit, "Brand Marketing");
  EXPECT_TRUE(PlacedIds(marketing).empty());
  marketing.host_unit = "Brand Marketing";
  EXPECT_EQ(PlacedIds(marketing), std::vector<std::string>{"SEC-1"});
  // The feed carries the correction: the field, both values and the reason.
  std::string json = LastEventJson();
  EXPECT_NE(json.find("\"type\":\"corrected\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"field\":\"host_unit\",\"oldValue\":\"Marketing\",\"newValue\":\"Brand "
                      "Marketing\",\"reason\":\"unit was renamed\",\"correctsPosition\":1"),
            std::string::npos)
      << json;
  // As the ledger stood before the correction, the old name.
  auto before = ledger_->Show(Admin(), "SEC-1", outcome->positions.front() - 1);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->state.host.unit, "Marketing");
}

TEST_F(CorrectionsTest, EachFieldCanBeCorrected) {
  struct Case {
    const char* field;
    const char* value;
  };
  for (const Case& c : {Case{"host_org", "Acme Group"}, Case{"host_manager", "mgr-new"},
                        Case{"home_org", "Acme UK"}, Case{"home_unit", "Field Sales"},
                        Case{"home_manager", "mgr-h2"}, Case{"role_title", "Campaign manager"},
                        Case{"fte", "80"}, Case{"location", "Leeds"}, Case{"country", "GB"},
                        Case{"cost", "host_pays"}, Case{"planned_end", "2026-08-31"}}) {
    auto outcome = Run(Hr(), "SEC-1", Correct(c.field, c.value));
    ASSERT_TRUE(outcome.ok()) << c.field << ": " << outcome.status().ToString();
    // A date of a started secondment waits for a second approval (the default policy).
    if (IsDateField(c.field)) {
      ASSERT_TRUE(Run(HrApprover(), "SEC-1", ApproveCommand{Scope::CORRECTION, ""}).ok());
    }
    EXPECT_EQ(FieldValue(State(), c.field), c.value) << c.field;
    // The status projection and the feed say the same.
    auto rows = ledger_->ListSecondments(Admin(), {});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(FieldValue(rows->front().state, c.field), c.value) << c.field;
    EXPECT_NE(LastEventJson().find("\"type\":\"corrected\",\"payload\":{\"field\":\"" +
                                   std::string(c.field) + "\""),
              std::string::npos)
        << c.field << "\n"
        << LastEventJson();
  }
}

TEST_F(CorrectionsTest, APlannedEndCorrectionMovesTheAlerts) {
  auto soon = [&] {
    auto alerts = ledger_->ListAlerts(Admin(), {30, Day("2026-03-15")});
    EXPECT_TRUE(alerts.ok());
    return alerts.ok() && !alerts->empty() && alerts->front().kind == "ending_soon";
  };
  EXPECT_FALSE(soon());
  ASSERT_TRUE(Run(Hr(), "SEC-1", Correct("planned_end", "2026-04-10")).ok());
  EXPECT_FALSE(soon()) << "applied before its approval";
  ASSERT_TRUE(Run(HrApprover(), "SEC-1", ApproveCommand{Scope::CORRECTION, ""}).ok());
  EXPECT_TRUE(soon());
}

TEST_F(CorrectionsTest, ADateAfterTheStartNeedsASecondHrApproval) {
  auto outcome = Run(Hr(), "SEC-1", Correct("actual_start", "2026-02-03", "started on Tuesday"));
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  Secondment waiting = State();
  EXPECT_EQ(*waiting.actual_start, Day("2026-02-01")) << "applied before its approval";
  ASSERT_TRUE(waiting.correction_request.has_value());
  ExpectRefused(Hr(), "SEC-1", ApproveCommand{Scope::CORRECTION, ""}, StatusCode::kRuleViolation,
                "cannot approve SEC-1: hr-1 proposed this correction; a second person approves it");
  ExpectRefused(Hr(), "SEC-1", Correct("role_title", "Lead"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: a correction (change of actual_start) is waiting for "
                "approval; approve or refuse it first");
  auto approved = Run(HrApprover(), "SEC-1", ApproveCommand{Scope::CORRECTION, ""});
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(*State().actual_start, Day("2026-02-03"));
  EXPECT_FALSE(State().correction_request.has_value());
  // A refusal drops the request.
  ASSERT_TRUE(Run(Hr(), "SEC-1", Correct("planned_end", "2026-08-31")).ok());
  ASSERT_TRUE(Run(HrApprover(), "SEC-1", RefuseCommand{Scope::CORRECTION, "not agreed"}).ok());
  EXPECT_EQ(State().planned_end, Day("2026-07-31"));
}

TEST_F(CorrectionsTest, ADateCorrectionIsCheckedByEveryDateRule) {
  ExpectRefused(Hr(), "SEC-1", Correct("planned_end", "2026-01-31"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: the planned end 2026-01-31 would not be after the planned "
                "start 2026-02-01");
  ExpectRefused(Hr(), "SEC-1", Correct("actual_start", "2026-03-16"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: the start 2026-03-16 is after today (2026-03-15); a step "
                "is not dated in the future");
  ExpectRefused(Hr(), "SEC-1", Correct("planned_start", "2025-01-01"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: the start 2026-02-01 is 396 days after the planned start "
                "2025-01-01; the policy allows 30 (correct the planned start first)");
  ExpectRefused(Hr(), "SEC-1", Correct("return_date", "2026-03-01"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: it has not returned; record the return instead");
  ExpectRefused(Hr(), "SEC-1", Correct("planned_end", "2028-03-01"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: from 2026-02-01 to 2028-03-01 runs beyond the policy "
                "maximum of 24 months (latest end 2028-02-01)");
  ASSERT_TRUE(Run(Hr(), "SEC-1", RequestExtensionCommand{Day("2026-10-31"), "more"}).ok());
  ExpectRefused(Hr(), "SEC-1", Correct("planned_end", "2026-10-31"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: an extension to 2026-10-31 waits for approval; the planned "
                "end 2026-10-31 would not be before it");
}

TEST_F(CorrectionsTest, ACorrectionThatWouldCreateAnOverlapIsRefused) {
  ProposeCommand next = Proposal("emp-1", "2026-09-01", "2026-12-31");
  Propose("SEC-2", next);
  ExpectRefused(Hr(), "SEC-1", Correct("planned_end", "2026-09-15"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: employee emp-1 is on secondment SEC-2 from 2026-09-01 to "
                "2026-12-31, which overlaps 2026-02-01 to 2026-09-15");
  ExpectRefused(Hr(), "SEC-2", Correct("planned_start", "2026-07-31"), StatusCode::kRuleViolation,
                "cannot correct SEC-2: employee emp-1 is on secondment SEC-1 from 2026-02-01 to "
                "2026-07-31, which overlaps 2026-07-31 to 2026-12-31");
  ASSERT_TRUE(Run(Hr(), "SEC-2", Correct("planned_start", "2026-08-01")).ok());
}

TEST_F(CorrectionsTest, ACorrectionStaysWithinTheOtherDatesOfThePlacement) {
  // A conversion waits for 2026-02-28: neither the start nor the planned end may pass it.
  ASSERT_TRUE(Run(HostManager(), "SEC-1", FeedbackCommand{4, "good", Day("2026-02-27")}).ok());
  ASSERT_TRUE(
      Run(Hr(), "SEC-1", ProposeConversionCommand{Day("2026-02-28"), "Lead", "", std::nullopt})
          .ok());
  ExpectRefused(Hr(), "SEC-1", Correct("actual_start", "2026-03-01"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: the conversion proposed for 2026-02-28 would fall outside "
                "the placement 2026-03-01 to 2026-07-31");
  ExpectRefused(Hr(), "SEC-1", Correct("planned_end", "2026-02-27"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: the conversion proposed for 2026-02-28 would fall outside "
                "the placement 2026-02-01 to 2026-02-27");
  ExpectRefused(Hr(), "SEC-1", Correct("actual_start", "2026-02-28"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: a feedback dated 2026-02-27 would fall outside the "
                "placement (2026-02-28 to now)");
}

TEST_F(CorrectionsTest, AWaitingCorrectionOfAValueChangedMeanwhileIsRefused) {
  ASSERT_TRUE(Run(Hr(), "SEC-1", Correct("planned_end", "2026-08-31")).ok());
  ASSERT_TRUE(Run(Hr(), "SEC-1", RequestExtensionCommand{Day("2026-10-31"), "more"}).ok());
  ApproveAll("SEC-1", Scope::EXTENSION);
  ExpectRefused(HrApprover(), "SEC-1", ApproveCommand{Scope::CORRECTION, ""},
                StatusCode::kRuleViolation,
                "cannot correct SEC-1: planned_end is now 2026-10-31, no longer 2026-07-31 as "
                "when the correction was proposed; refuse it and propose it again");
  ASSERT_TRUE(Run(HrApprover(), "SEC-1", RefuseCommand{Scope::CORRECTION, "stale"}).ok());
  EXPECT_EQ(State().planned_end, Day("2026-10-31"));
}

TEST_F(CorrectionsTest, AnExceptionCoversOnlyTheEndItApproved) {
  Active("SEC-2", Proposal("emp-2", "2026-02-01", "2028-01-31"));
  ASSERT_TRUE(Run(Hr(), "SEC-2", RequestExtensionCommand{Day("2028-06-30"), "critical"}).ok());
  ApproveAll("SEC-2", Scope::EXTENSION);
  ASSERT_TRUE(Run(Director(), "SEC-2", ApproveCommand{Scope::EXTENSION, "board 12"}).ok());
  EXPECT_EQ(State("SEC-2").planned_end, Day("2028-06-30"));
  ExpectRefused(Hr(), "SEC-2", Correct("planned_end", "2030-06-30"), StatusCode::kRuleViolation,
                "cannot correct SEC-2: from 2026-02-01 to 2030-06-30 runs beyond the policy "
                "maximum of 24 months (latest end 2028-02-01)");
  ASSERT_TRUE(Run(Hr(), "SEC-2", Correct("planned_end", "2028-05-31")).ok());  // within it
}

TEST_F(CorrectionsTest, AWithdrawalDropsAWaitingCorrection) {
  Policy policy = Policy::Default();
  policy.correction_approval = Policy::CorrectionApproval::kAll;
  Open(service::Access::kWrite, policy);
  Propose("SEC-3", Proposal("emp-3", "2026-05-01", "2026-09-30"));
  ASSERT_TRUE(Run(Hr(), "SEC-3", Correct("location", "York")).ok());
  ASSERT_TRUE(Run(Hr(), "SEC-3", WithdrawCommand{"not needed"}).ok());
  ExpectRefused(HrApprover(), "SEC-3", ApproveCommand{Scope::CORRECTION, ""},
                StatusCode::kRuleViolation,
                "cannot approve SEC-3: no correction request is open (it is withdrawn)");
}

TEST_F(CorrectionsTest, ManagersWhoCorrectDoNotRenameTheManagers) {
  Policy policy = Policy::Default();
  policy.correctors = {schema::Role::HR, schema::Role::HOST_MANAGER};
  Open(service::Access::kWrite, policy);
  ASSERT_TRUE(Run(HostManager(), "SEC-1", Correct("location", "Leeds")).ok());
  ExpectRefused(HostManager(), "SEC-1", Correct("host_manager", "mgr-me"),
                StatusCode::kRuleViolation,
                "cannot correct SEC-1: who manages a secondment is corrected by hr, not "
                "host_manager");
  EXPECT_EQ(Policy::FromJson(R"({"correctors":["hr","secondee"]})", "p.json").status(),
            InvalidArgument("correctors in p.json cannot name secondee: a secondee does not "
                            "correct the record"));
}

TEST_F(CorrectionsTest, BadCorrectionsAreRefusedAndWriteNothing) {
  ExpectRefused(Hr(), "SEC-1", Correct("salary", "1"), StatusCode::kInvalidArgument,
                "unknown field 'salary'; the fields that can be corrected are: planned_start, "
                "planned_end, actual_start, return_date, host_org, host_unit, host_manager, "
                "home_org, home_unit, home_manager, role_title, fte, location, country, cost");
  ExpectRefused(Hr(), "SEC-1", Correct("planned_end", "2026-02-30"), StatusCode::kInvalidArgument,
                "invalid date '2026-02-30' for planned_end: 2026-02 has 28 days");
  ExpectRefused(Hr(), "SEC-1", Correct("fte", "80%"), StatusCode::kInvalidArgument,
                "fte must be a whole number of percent, got '80%'");
  ExpectRefused(Hr(), "SEC-1", Correct("fte", "0"), StatusCode::kInvalidArgument,
                "fte must be 1 to 100 percent, got 0");
  ExpectRefused(Hr(), "SEC-1", Correct("country", "gb"), StatusCode::kInvalidArgument,
                "country must be an ISO 3166-1 alpha-2 code such as GB or US");
  ExpectRefused(Hr(), "SEC-1", Correct("host_manager", "m/../x"), StatusCode::kInvalidArgument,
                "host manager id may hold only letters, digits, '.', '_' and '-', starting with "
                "a letter or digit");
  ExpectRefused(Hr(), "SEC-1", Correct("host_unit", std::string(201, 'x').c_str()),
                StatusCode::kInvalidArgument, "host unit is 201 bytes; the limit is 200");
  ExpectRefused(Hr(), "SEC-1", Correct("host_unit", "Sales\nHR"), StatusCode::kInvalidArgument,
                "host unit contains a control character");
  ExpectRefused(Hr(), "SEC-1", Correct("host_unit", "Marketing"), StatusCode::kInvalidArgument,
                "host_unit is already Marketing; nothing to correct");
  ExpectRefused(Hr(), "SEC-1", Correct("host_unit", "X", ""), StatusCode::kInvalidArgument,
                "reason is required");
  ExpectRefused(Hr(), "SEC-1", Correct("home_unit", "Marketing"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: the host unit would be the home unit");
  ExpectRefused(HomeManager(), "SEC-1", Correct("host_unit", "X"), StatusCode::kRuleViolation,
                "cannot correct SEC-1: corrections are made by hr, not home_manager");
  ExpectRefused(Auditor(), "SEC-1", Correct("host_unit", "X"), StatusCode::kRuleViolation,
                "not permitted: role auditor may not correct");
}

TEST_F(CorrectionsTest, AReturnRecordedOnTheWrongSecondmentIsVoided) {
  Active("SEC-2", Proposal("emp-2"));
  auto wrong = Run(Hr(), "SEC-1", ReturnCommand{Day("2026-03-10"), "meant SEC-2"});
  ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
  Position returned = wrong->positions.front();
  EXPECT_EQ(PlacedIds(), std::vector<std::string>{"SEC-2"});
  ExpectRefused(Hr(), "SEC-2", VoidCommand{returned, "recorded on the wrong secondment"},
                StatusCode::kRuleViolation,
                "cannot void SEC-2: position " + std::to_string(returned) +
                    " holds a returned event of secondment-SEC-1, not of SEC-2");
  auto proposed = Run(Hr(), "SEC-1", VoidCommand{returned, "recorded on the wrong secondment"});
  ASSERT_TRUE(proposed.ok()) << proposed.status().ToString();
  EXPECT_EQ(State().status, SecondmentStatus::kReturned) << "a void of a return waits for approval";
  ASSERT_TRUE(Run(HrApprover(), "SEC-1", ApproveCommand{Scope::CORRECTION, ""}).ok());
  EXPECT_EQ(State().status, SecondmentStatus::kActive);
  EXPECT_FALSE(State().returned_on.has_value());
  EXPECT_EQ(PlacedIds(), (std::vector<std::string>{"SEC-1", "SEC-2"}));
  EXPECT_NE(LastEventJson().find("\"type\":\"voided\""), std::string::npos);
  ExpectRefused(Hr(), "SEC-1", VoidCommand{returned, "again"}, StatusCode::kRuleViolation,
                "cannot void SEC-1: position " + std::to_string(returned) + " is already void");
  // The right return, then.
  ASSERT_TRUE(Run(Hr(), "SEC-2", ReturnCommand{Day("2026-03-10"), ""}).ok());
  EXPECT_EQ(PlacedIds({}, Day("2026-03-11")), std::vector<std::string>{"SEC-1"});
}

TEST_F(CorrectionsTest, OnlyStepsOfThePlacementCanBeVoided) {
  auto feedback = Run(HostManager(), "SEC-1", FeedbackCommand{2, "wrong person"});
  ASSERT_TRUE(feedback.ok());
  ExpectRefused(Hr(), "SEC-1", VoidCommand{1, "no"}, StatusCode::kRuleViolation,
                "cannot void SEC-1: position 1 holds a proposed event; only a start, a return, "
                "feedback or a handover can be voided (correct a field instead)");
  ExpectRefused(Hr(), "SEC-1", VoidCommand{ledger_->Head() + 1, "no"}, StatusCode::kNotFound,
                "no event at position " + std::to_string(ledger_->Head() + 1));
  ExpectRefused(Hr(), "SEC-1", VoidCommand{0, "no"}, StatusCode::kInvalidArgument,
                "position must be 1 or more");
  // The start cannot go while feedback of the placement stands.
  Position started = 0;
  auto history = ledger_->History(Admin(), "SEC-1");
  for (const auto& e : *history) {
    if (e.Get().getPayload().isStarted()) started = e.position();
  }
  ExpectRefused(Hr(), "SEC-1", VoidCommand{started, "never started"}, StatusCode::kRuleViolation,
                "cannot void SEC-1: steps of the placement were recorded after its start; void "
                "or correct them first (or correct actual_start)");
  // Feedback is not a date of the placement: its void needs no second approval.
  ASSERT_TRUE(Run(Hr(), "SEC-1", VoidCommand{feedback->positions.front(), "wrong person"}).ok());
  EXPECT_EQ(State().feedback_count, 0);
  ASSERT_TRUE(Run(Hr(), "SEC-1", VoidCommand{started, "never started"}).ok());
  ASSERT_TRUE(Run(HrApprover(), "SEC-1", ApproveCommand{Scope::CORRECTION, ""}).ok());
  EXPECT_EQ(State().status, SecondmentStatus::kApproved);
  EXPECT_TRUE(PlacedIds().empty());
}

TEST_F(CorrectionsTest, APolicyWithoutSecondApprovalsAppliesCorrectionsAtOnce) {
  Policy policy = Policy::Default();
  policy.correction_approval = Policy::CorrectionApproval::kNone;
  Open(service::Access::kWrite, policy);
  ASSERT_TRUE(Run(Hr(), "SEC-1", Correct("actual_start", "2026-02-02")).ok());
  EXPECT_EQ(*State().actual_start, Day("2026-02-02"));
  policy.correction_approval = Policy::CorrectionApproval::kAll;
  Open(service::Access::kWrite, policy);
  ASSERT_TRUE(Run(Hr(), "SEC-1", Correct("location", "York")).ok());
  EXPECT_EQ(State().location, "");
  EXPECT_TRUE(State().correction_request.has_value());
}

}  // namespace
}  // namespace secondment::testing
