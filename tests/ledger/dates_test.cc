// The date rules of the lifecycle (DESIGN.md section 2, "Dates"), each allowed and refused at
// its boundary: the day before, the day, the day after. Today is set by hand here: a step
// carries the date it names, and the ledger's today does not follow it.

#include <gtest/gtest.h>

#include "tests/ledger/lifecycle_fixture.h"

namespace secondment {
namespace {

using schema::Role;
using schema::Scope;
using testing::D;
using testing::LifecycleTest;
using testing::ShiftDays;

class DatesTest : public LifecycleTest {
 protected:
  void SetUp() override {
    LifecycleTest::SetUp();
    follow_dates_ = false;
    Today(D("2026-03-15"));
  }

  // SEC-1 for emp-1, planned 2026-02-01 to 2026-07-31, proposed on 2026-01-10, approved on
  // 2026-01-20 and signed on 2026-01-25.
  void Approved(const std::string& id = "SEC-1", ProposeCommand c = Proposal()) {
    c.date = D("2026-01-10");
    Ok(Run(id, c, Hr()));
    ApproveAll(id, Scope::PLACEMENT, D("2026-01-20"));
    Ok(Run(id, SignCommand{"AGR-1", 1, "", D("2026-01-25")}, Hr()));
  }
  // Approved, then started on `start`.
  void Started(const std::string& id = "SEC-1", const char* start = "2026-02-01",
               ProposeCommand c = Proposal()) {
    Approved(id, c);
    Ok(Run(id, StartCommand{D(start)}, Hr()));
  }
  Result<Outcome> Feedback(const char* date, const std::string& id = "SEC-1") {
    return Run(id, FeedbackCommand{4, "good", D(date)}, As(Role::HOST_MANAGER));
  }
  Result<Outcome> Return(const char* date, const std::string& id = "SEC-1") {
    return Run(id, ReturnCommand{D(date), "", schema::ReturnPosition::SUBSTANTIVE}, Hr());
  }
};

TEST_F(DatesTest, AStepIsNotDatedAfterToday) {
  ProposeCommand c = Proposal();
  c.date = D("2026-03-16");
  ExpectRefused("SEC-1", c, Hr(), StatusCode::kRuleViolation,
                "cannot propose SEC-1: the proposal 2026-03-16 is after today (2026-03-15); a "
                "step is not dated in the future");
  c.date = D("2026-03-15");
  Ok(Run("SEC-1", c, Hr()));
  EXPECT_EQ(secondments_->Load("SEC-1")->proposed_on, D("2026-03-15"));
}

TEST_F(DatesTest, APolicyMayAllowAFewDaysAhead) {
  Policy policy = Policy::Default();
  policy.max_days_ahead = 3;
  OpenWith(policy);
  ProposeCommand c = Proposal();
  c.date = D("2026-03-19");
  ExpectRefused("SEC-1", c, Hr(), StatusCode::kRuleViolation,
                "cannot propose SEC-1: the proposal 2026-03-19 is more than 3 days after today "
                "(2026-03-15)");
  c.date = D("2026-03-18");
  Ok(Run("SEC-1", c, Hr()));
}

TEST_F(DatesTest, NoStepIsDatedBeforeTheProposal) {
  ProposeCommand c = Proposal();
  c.date = D("2026-01-10");
  Ok(Run("SEC-1", c, Hr()));
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-09")},
                As(Role::HOME_MANAGER), StatusCode::kRuleViolation,
                "cannot approve SEC-1: the decision 2026-01-09 is before its proposal on "
                "2026-01-10");
  ExpectRefused("SEC-1", RefuseCommand{Scope::PLACEMENT, "no", D("2026-01-09")},
                As(Role::HOST_MANAGER), StatusCode::kRuleViolation,
                "cannot refuse SEC-1: the decision 2026-01-09 is before its proposal on "
                "2026-01-10");
  ExpectRefused("SEC-1", WithdrawCommand{"changed", D("2026-01-09")}, Hr(),
                StatusCode::kRuleViolation,
                "cannot withdraw SEC-1: the withdrawal 2026-01-09 is before its proposal on "
                "2026-01-10");
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-10")}, As(Role::HOME_MANAGER)));
  Ok(Run("SEC-1", WithdrawCommand{"changed", D("2026-01-11")}, Hr()));
}

TEST_F(DatesTest, AnApprovalComesOnOrAfterItsRequest) {
  Started();
  Ok(Run("SEC-1", RequestExtensionCommand{D("2026-09-30"), "more", D("2026-03-01")}, Hr()));
  ExpectRefused("SEC-1", ApproveCommand{Scope::EXTENSION, "", D("2026-02-28")},
                As(Role::HOME_MANAGER), StatusCode::kRuleViolation,
                "cannot approve SEC-1: the decision 2026-02-28 is before the extension request "
                "of 2026-03-01");
  Ok(Run("SEC-1", ApproveCommand{Scope::EXTENSION, "", D("2026-03-01")}, As(Role::HOME_MANAGER)));
  Ok(Run("SEC-1", ApproveCommand{Scope::EXTENSION, "", D("2026-03-02")}, As(Role::HOST_MANAGER)));
}

TEST_F(DatesTest, TheStartLiesWithinTheWindowAroundThePlannedStart) {
  // Planned 2026-02-01; the default window is 30 days either way.
  Approved("SEC-1");
  ExpectRefused("SEC-1", StartCommand{D("2026-03-04")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: the start 2026-03-04 is 31 days after the planned start "
                "2026-02-01; the policy allows 30 (correct the planned start first)");
  Ok(Run("SEC-1", StartCommand{D("2026-03-03")}, Hr()));

  Policy policy = Policy::Default();
  policy.start_window_days = 5;
  OpenWith(policy);
  Approved("SEC-2", Proposal("2026-02-01", "2026-07-31", "emp-2"));
  ExpectRefused("SEC-2", StartCommand{D("2026-01-26")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-2: the start 2026-01-26 is 6 days before the planned start "
                "2026-02-01; the policy allows 5 (correct the planned start first)");
  Ok(Run("SEC-2", StartCommand{D("2026-01-27")}, Hr()));
}

TEST_F(DatesTest, TheStartFollowsTheApprovalAndTheAgreement) {
  ProposeCommand c = Proposal();
  c.date = D("2026-01-10");
  Ok(Run("SEC-1", c, Hr()));
  ApproveAll("SEC-1", Scope::PLACEMENT, D("2026-01-20"));
  Ok(Run("SEC-1", SignCommand{"AGR-1", 1, "", D("2026-01-28")}, Hr()));
  ExpectRefused("SEC-1", StartCommand{D("2026-01-19")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: the start 2026-01-19 is before the placement was approved "
                "on 2026-01-20");
  ExpectRefused("SEC-1", StartCommand{D("2026-01-27")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: the start 2026-01-27 is before the agreement was signed on "
                "2026-01-28; the policy asks for it before the start");
  Ok(Run("SEC-1", StartCommand{D("2026-01-28")}, Hr()));
}

TEST_F(DatesTest, WithoutTheAgreementRuleTheSignatureMayFollowTheStart) {
  Policy policy = Policy::Default();
  policy.agreement_before_start = false;
  OpenWith(policy);
  ProposeCommand c = Proposal();
  c.date = D("2026-01-10");
  Ok(Run("SEC-1", c, Hr()));
  ApproveAll("SEC-1", Scope::PLACEMENT, D("2026-01-20"));
  Ok(Run("SEC-1", SignCommand{"AGR-1", 1, "", D("2026-01-28")}, Hr()));
  Ok(Run("SEC-1", StartCommand{D("2026-01-21")}, Hr()));
}

// The case that opened the issue: a start in 2020 on a secondment proposed in 2026, and a
// start three months ahead, are both refused; the over-maximum alert never arises.
TEST_F(DatesTest, AStartBeforeTheProposalOrInTheFutureIsRefused) {
  Approved();
  ExpectRefused("SEC-1", StartCommand{D("2020-01-01")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: the start 2020-01-01 is before its proposal on 2026-01-10");
  ExpectRefused("SEC-1", StartCommand{D("2026-03-16")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: the start 2026-03-16 is after today (2026-03-15); a step is "
                "not dated in the future");
  ExpectRefused("SEC-1", StartCommand{}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: the start 2026-03-15 is 42 days after the planned start "
                "2026-02-01; the policy allows 30 (correct the planned start first)");
}

TEST_F(DatesTest, TheActualIntervalStaysWithinTheMaximum) {
  // Planned 2026-02-01 to 2028-02-01: exactly 24 months. Starting a day early makes it longer.
  Approved("SEC-1", Proposal("2026-02-01", "2028-02-01"));
  ExpectRefused("SEC-1", StartCommand{D("2026-01-31")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: from 2026-01-31 to 2028-02-01 runs beyond the policy maximum "
                "of 24 months (latest end 2028-01-31)");
  Ok(Run("SEC-1", StartCommand{D("2026-02-01")}, Hr()));
}

TEST_F(DatesTest, FeedbackFallsWithinThePlacement) {
  Started("SEC-1", "2026-02-03");
  EXPECT_EQ(Feedback("2026-02-02").status(),
            RuleViolation("cannot record feedback for SEC-1: feedback dated 2026-02-02 is before "
                          "the start 2026-02-03"));
  Ok(Feedback("2026-02-03"));
  Ok(Return("2026-03-01"));
  Ok(Feedback("2026-03-01"));
  EXPECT_EQ(Feedback("2026-03-02").status(),
            RuleViolation("cannot record feedback for SEC-1: feedback dated 2026-03-02 is after "
                          "the return 2026-03-01"));
}

TEST_F(DatesTest, AReturnHandoverFallsWithinThePlacement) {
  Approved();
  HandoverCommand back{
      schema::HandoverDirection::RETURN, "emp-9", "emp-1", {"rota"}, "", D("2026-01-30")};
  ExpectRefused("SEC-1", back, Hr(), StatusCode::kRuleViolation,
                "cannot record a handover for SEC-1: it is approved; a return handover is "
                "recorded once started");
  HandoverCommand out{
      schema::HandoverDirection::OUTBOUND, "emp-1", "emp-9", {"rota"}, "", D("2026-01-30")};
  Ok(Run("SEC-1", out, Hr()));  // outbound: before the start is its point
  Ok(Run("SEC-1", StartCommand{D("2026-02-01")}, Hr()));
  back.date = D("2026-01-31");
  ExpectRefused("SEC-1", back, Hr(), StatusCode::kRuleViolation,
                "cannot record a handover for SEC-1: a return handover dated 2026-01-31 is "
                "before the start 2026-02-01");
  Ok(Return("2026-03-10"));
  back.date = D("2026-03-11");
  ExpectRefused("SEC-1", back, Hr(), StatusCode::kRuleViolation,
                "cannot record a handover for SEC-1: a return handover dated 2026-03-11 is "
                "after the return 2026-03-10");
  back.date = D("2026-03-10");
  Ok(Run("SEC-1", back, Hr()));
}

TEST_F(DatesTest, AReturnLiesBetweenTheStartAndToday) {
  Started("SEC-1", "2026-02-03");
  Ok(Feedback("2026-02-20"));
  EXPECT_EQ(Return("2026-02-02").status(),
            RuleViolation("cannot return SEC-1: the return date 2026-02-02 is before the start "
                          "2026-02-03"));
  EXPECT_EQ(Return("2026-02-19").status(),
            RuleViolation("cannot return SEC-1: the return date 2026-02-19 is before a step of "
                          "the placement dated 2026-02-20"));
  EXPECT_EQ(Return("2026-03-16").status(),
            RuleViolation("cannot return SEC-1: the return 2026-03-16 is after today "
                          "(2026-03-15); a step is not dated in the future"));
  Ok(Return("2026-02-20"));
}

TEST_F(DatesTest, AConversionTakesEffectWithinThePlacement) {
  Started("SEC-1", "2026-02-03");
  Ok(Feedback("2026-02-20"));
  auto conversion = [](const char* effective) {
    return ProposeConversionCommand{D(effective), "Marketing manager", "", D("2026-03-01")};
  };
  ExpectRefused("SEC-1", conversion("2026-02-02"), Hr(), StatusCode::kRuleViolation,
                "cannot convert SEC-1: the effective date 2026-02-02 is before the start "
                "2026-02-03");
  ExpectRefused("SEC-1", conversion("2026-08-01"), Hr(), StatusCode::kRuleViolation,
                "cannot convert SEC-1: the effective date 2026-08-01 is after the planned end "
                "2026-07-31");
  Ok(Run("SEC-1", conversion("2026-07-31"), Hr()));
}

// A conversion that takes effect later leaves the secondment on placement until then.
TEST_F(DatesTest, UntilItsEffectiveDateAConversionIsStillOnPlacement) {
  Started("SEC-1", "2026-02-03");
  Ok(Feedback("2026-02-20"));
  Ok(Run("SEC-1", ProposeConversionCommand{D("2026-04-01"), "Manager", "", D("2026-03-01")}, Hr()));
  ApproveAll("SEC-1", Scope::CONVERSION, D("2026-03-10"));
  auto s = secondments_->Load("SEC-1");
  EXPECT_EQ(s->status, SecondmentStatus::kConverted);
  EXPECT_EQ(StatusOn(*s, D("2026-03-31")), SecondmentStatus::kActive);
  EXPECT_EQ(StatusOn(*s, D("2026-04-01")), SecondmentStatus::kConverted);
  // Cumulative days stop at the conversion, not at the planned end.
  EXPECT_EQ(s->CumulativeDays(), DaysFromCivil(D("2026-04-01")) - DaysFromCivil(D("2026-02-03")));
  EXPECT_EQ(s->PlannedDays(), DaysFromCivil(D("2026-07-31")) - DaysFromCivil(D("2026-02-01")));
}

TEST_F(DatesTest, CumulativeDaysStopAtTheReturn) {
  Started("SEC-1", "2026-02-03");
  Ok(Return("2026-03-03"));
  EXPECT_EQ(secondments_->Load("SEC-1")->CumulativeDays(), 28);
}

// After a return, the days the secondment held are still held: a new secondment of the same
// employee may begin the day after the return, not on it.
TEST_F(DatesTest, NoEmployeeIsOnTwoPlacementsOnAnyDay) {
  Started("SEC-1", "2026-02-03");
  Ok(Return("2026-03-01"));
  ExpectRefused("SEC-2", Proposal("2026-03-01", "2026-06-30"), Hr(), StatusCode::kRuleViolation,
                "cannot propose SEC-2: employee emp-1 is on secondment SEC-1 from 2026-02-03 to "
                "2026-03-01, which overlaps 2026-03-01 to 2026-06-30");
  Ok(Run("SEC-2", Proposal("2026-03-02", "2026-06-30"), Hr()));
}

// A start that moves a placement onto another's planned days is refused, though the plans did
// not overlap.
TEST_F(DatesTest, AStartMayNotMoveOntoAnotherPlacement) {
  Approved("SEC-1", Proposal("2026-03-01", "2026-07-31"));
  ProposeCommand earlier = Proposal("2026-01-05", "2026-02-20");
  earlier.date = D("2026-01-02");
  Ok(Run("SEC-0", earlier, Hr()));
  ExpectRefused("SEC-1", StartCommand{D("2026-02-20")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: employee emp-1 is on secondment SEC-0 from 2026-01-05 to "
                "2026-02-20, which overlaps 2026-02-20 to 2026-07-31");
  Ok(Run("SEC-1", StartCommand{D("2026-02-21")}, Hr()));
}

// Someone still on a placement past its planned end holds it until their return is recorded.
TEST_F(DatesTest, AnOverduePlacementHoldsItsDaysUntilTheReturn) {
  Started("SEC-1", "2026-02-01", Proposal("2026-02-01", "2026-02-28"));
  // Today is 2026-03-15: SEC-1 is overdue and holds its employee to today.
  ExpectRefused("SEC-2", Proposal("2026-03-10", "2026-06-30"), Hr(), StatusCode::kRuleViolation,
                "cannot propose SEC-2: employee emp-1 is on secondment SEC-1 from 2026-02-01 to "
                "2026-03-15, which overlaps 2026-03-10 to 2026-06-30");
  ProposeCommand next = Proposal("2026-03-20", "2026-06-30");
  Ok(Run("SEC-2", next, Hr()));  // planned after today: allowed
  ApproveAll("SEC-2", Scope::PLACEMENT, D("2026-03-15"));
  Ok(Run("SEC-2", SignCommand{"AGR-2", 1, "", D("2026-03-15")}, Hr()));
  Today(D("2026-03-20"));
  ExpectRefused("SEC-2", StartCommand{D("2026-03-20")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-2: employee emp-1 is on secondment SEC-1 from 2026-02-01 to "
                "2026-03-20, which overlaps 2026-03-20 to 2026-06-30");
  Ok(Return("2026-03-19"));
  Ok(Run("SEC-2", StartCommand{D("2026-03-20")}, Hr()));
}

// Found in review: each of these once let a forbidden state in, or refused a real one.

TEST_F(DatesTest, ASignatureFollowsTheApproval) {
  ProposeCommand c = Proposal();
  c.date = D("2026-01-10");
  Ok(Run("SEC-1", c, Hr()));
  ApproveAll("SEC-1", Scope::PLACEMENT, D("2026-01-20"));
  ExpectRefused("SEC-1", SignCommand{"AGR-1", 1, "", D("2026-01-19")}, Hr(),
                StatusCode::kRuleViolation,
                "cannot sign SEC-1: the signature 2026-01-19 is before the placement was approved "
                "on 2026-01-20");
  Ok(Run("SEC-1", SignCommand{"AGR-1", 1, "", D("2026-01-20")}, Hr()));
}

// A start after the planned end has passed holds the days to today: it may not run over
// another placement of the same person in between.
TEST_F(DatesTest, AStartHoldsItsDaysToTodayWhenThePlannedEndHasPassed) {
  Policy policy = Policy::Default();
  policy.start_window_days = 60;
  OpenWith(policy);
  Today(D("2026-03-15"));
  ProposeCommand late = Proposal("2026-01-05", "2026-01-31");
  late.date = D("2026-01-02");
  Ok(Run("SEC-A", late, Hr()));
  ApproveAll("SEC-A", Scope::PLACEMENT, D("2026-01-03"));
  Ok(Run("SEC-A", SignCommand{"AGR-A", 1, "", D("2026-01-04")}, Hr()));
  ProposeCommand other = Proposal("2026-02-05", "2026-02-20");
  other.date = D("2026-01-02");
  // Refused at its proposal: SEC-A's plan holds January only, so February is free...
  Ok(Run("SEC-B", other, Hr()));
  ApproveAll("SEC-B", Scope::PLACEMENT, D("2026-01-03"));
  Ok(Run("SEC-B", SignCommand{"AGR-B", 1, "", D("2026-01-04")}, Hr()));
  Ok(Run("SEC-B", StartCommand{D("2026-02-05")}, Hr()));
  Ok(Run("SEC-B", ReturnCommand{D("2026-02-20"), "", schema::ReturnPosition::SUBSTANTIVE}, Hr()));
  // ... but SEC-A starting in January now would be on placement to today, over SEC-B.
  ExpectRefused("SEC-A", StartCommand{D("2026-01-05")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-A: employee emp-1 is on secondment SEC-B from 2026-02-05 to "
                "2026-02-20, which overlaps 2026-01-05 to 2026-03-15");
}

TEST_F(DatesTest, AConversionTakesEffectAfterTheStepsOfThePlacement) {
  Started("SEC-1", "2026-02-03");
  Ok(Feedback("2026-03-10"));
  ExpectRefused("SEC-1", ProposeConversionCommand{D("2026-03-09"), "Manager", "", D("2026-03-12")},
                Hr(), StatusCode::kRuleViolation,
                "cannot convert SEC-1: the effective date 2026-03-09 is before a step of the "
                "placement dated 2026-03-10");
  Ok(Run("SEC-1", ProposeConversionCommand{D("2026-04-01"), "Manager", "", D("2026-03-12")}, Hr()));
  // While it waits, and until it takes effect, the placement goes on: feedback up to the day.
  EXPECT_EQ(Feedback("2026-03-14").status(), Status::Ok());
  ApproveAll("SEC-1", Scope::CONVERSION, D("2026-03-13"));
  EXPECT_EQ(Return("2026-03-14").status(),
            RuleViolation("cannot return SEC-1: it becomes a permanent post on 2026-04-01; there "
                          "is no return"));
  Today(D("2026-04-02"));
  Ok(Feedback("2026-04-01"));
  EXPECT_EQ(Feedback("2026-04-02").status(),
            RuleViolation("cannot record feedback for SEC-1: feedback dated 2026-04-02 is after "
                          "the conversion on 2026-04-01"));
}

TEST_F(DatesTest, AReturnLaterThanTheMaximumIsRecordedAsItHappened) {
  Started("SEC-1", "2026-02-01", Proposal("2026-02-01", "2028-02-01"));
  Today(D("2028-02-20"));
  Ok(Return("2028-02-15"));
  EXPECT_EQ(secondments_->Load("SEC-1")->returned_on, D("2028-02-15"));
}

TEST_F(DatesTest, FourEyesOnePersonOneApprovalAndNotTheRequestersHr) {
  ProposeCommand c = Proposal();
  c.date = D("2026-01-10");
  c.home.manager_id = "m-1";
  Ok(Run("SEC-1", c, Hr()));
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-11")},
         As(Role::HOME_MANAGER, "m-1")));
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-11")}, As(Role::HR, "m-1"),
                StatusCode::kRuleViolation,
                "cannot approve SEC-1: m-1 has already approved the placement request; one "
                "person gives at most one approval of a request");
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-11")}, Hr(),
                StatusCode::kRuleViolation,
                "cannot approve SEC-1: hr-1 made the placement request; its hr approval comes "
                "from someone else");
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-11")}, As(Role::HOST_MANAGER)));
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-11")}, As(Role::HR, "hr-2")));
  EXPECT_EQ(StatusOf("SEC-1"), SecondmentStatus::kApproved);
  auto s = secondments_->Load("SEC-1");
  EXPECT_EQ(s->placement.granted_by, (std::vector<std::string>{"m-1", "mgr-host", "hr-2"}));
}

TEST_F(DatesTest, TheRequesterOfAnExtensionDoesNotGiveItsHrApproval) {
  Started();
  Ok(Run("SEC-1", RequestExtensionCommand{D("2026-09-30"), "more", D("2026-03-01")},
         As(Role::HR, "hr-3")));
  ExpectRefused("SEC-1", ApproveCommand{Scope::EXTENSION, "", D("2026-03-02")},
                As(Role::HR, "hr-3"), StatusCode::kRuleViolation,
                "cannot approve SEC-1: hr-3 made the extension request; its hr approval comes "
                "from someone else");
  Ok(Run("SEC-1", ApproveCommand{Scope::EXTENSION, "", D("2026-03-02")}, Hr()));
}

TEST_F(DatesTest, OnlyAnExplicitPolicyKeyRelaxesFourEyes) {
  Policy policy = Policy::Default();
  policy.one_approval_per_person = false;
  policy.requester_may_approve_as_hr = true;
  OpenWith(policy);
  ProposeCommand c = Proposal();
  c.date = D("2026-01-10");
  c.home.manager_id = "hr-1";
  Ok(Run("SEC-1", c, Hr()));
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-11")},
         As(Role::HOME_MANAGER, "hr-1")));
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, "", D("2026-01-11")}, Hr()));
  std::string said;
  for (const auto& line : policy.Describe()) said += line + "\n";
  EXPECT_NE(said.find("four eyes RELAXED (oneApprovalPerPerson false)"), std::string::npos) << said;
  EXPECT_NE(said.find("four eyes RELAXED (requesterMayApproveAsHr true)"), std::string::npos);
}

TEST_F(DatesTest, APolicyNamesItsDateAndFourEyesKeys) {
  auto policy = Policy::FromJson(
      R"({"maxDaysAhead":2,"startWindowDays":10,"oneApprovalPerPerson":false,
          "correctionApproval":"all","correctors":["hr","home_manager"],
          "approvers":{"correction":["hr","host_manager"]}})",
      "p.json");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->max_days_ahead, 2);
  EXPECT_EQ(policy->start_window_days, 10);
  EXPECT_FALSE(policy->one_approval_per_person);
  EXPECT_EQ(policy->correction_approval, Policy::CorrectionApproval::kAll);
  EXPECT_EQ(policy->correctors, (std::vector<Role>{Role::HR, Role::HOME_MANAGER}));
  auto again = Policy::FromJson(policy->ToJson(), "round trip");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ToJson(), policy->ToJson());
  EXPECT_EQ(Policy::FromJson(R"({"correctionApproval":"sometimes"})", "p.json").status(),
            InvalidArgument("correctionApproval in p.json must be none, dates_after_start or all"));
  EXPECT_EQ(Policy::FromJson(R"({"maxDaysAhead":40})", "p.json").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Policy::FromJson(R"({"startWindowDays":-1})", "p.json").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace secondment
