// Every lifecycle rule of DESIGN.md section 2, allowed and refused.

#include <gtest/gtest.h>

#include <thread>

#include "ledger/log/privacy.h"
#include "tests/ledger/lifecycle_fixture.h"

namespace secondment {
namespace {

using schema::Role;
using schema::Scope;
using testing::D;
using testing::LifecycleTest;

TEST_F(LifecycleTest, ProposalRecordsTheSecondmentAndClaimsThePeriod) {
  Propose("SEC-1");
  auto s = secondments_->Load("SEC-1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->status, SecondmentStatus::kProposed);
  EXPECT_EQ(s->employee_id, "emp-1");
  EXPECT_EQ(s->host.unit, "Marketing");
  EXPECT_EQ(s->planned_end, D("2026-07-31"));
  // The claim goes to the employee's subject stream, named by a pseudonym, not by the id.
  EXPECT_EQ(log_->ReadStream("employee-emp-1", 0, 10).status().code(), StatusCode::kNotFound);
  auto subject = FindSubject(*log_, "emp-1");
  ASSERT_TRUE(subject.ok() && subject->has_value());
  auto claims = log_->ReadStream(SubjectStream(**subject), 0, 10);
  ASSERT_TRUE(claims.ok());
  ASSERT_EQ(claims->size(), 1u);
  EXPECT_EQ(
      std::string(claims->front().Get().getPayload().getPeriodClaimed().getSecondmentId().cStr()),
      "SEC-1");
}

TEST_F(LifecycleTest, GeneratedIdsAreReadableAndUnique) {
  auto first = secondments_->Execute(std::nullopt, Proposal(), Hr());
  auto second = secondments_->Execute(std::nullopt, Proposal("2026-09-01", "2026-10-01"), Hr());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->id, "SEC-000001");
  EXPECT_NE(first->id, second->id);
  EXPECT_EQ(second->id.rfind("SEC-", 0), 0u);
}

TEST_F(LifecycleTest, ProposalIsRefusedForBadInput) {
  ExpectRefused("SEC-1", Proposal("2026-07-31", "2026-02-01"), Hr(), StatusCode::kInvalidArgument,
                "end date 2026-02-01 is not after start date 2026-07-31");
  auto same_unit = Proposal();
  same_unit.host = same_unit.home;
  ExpectRefused("SEC-1", same_unit, Hr(), StatusCode::kInvalidArgument,
                "the host unit is the home unit; a secondment moves to another unit");
  auto no_kind = Proposal();
  no_kind.kind = schema::Kind::UNSPECIFIED;
  ExpectRefused("SEC-1", no_kind, Hr(), StatusCode::kInvalidArgument, "kind is required");
  auto control = Proposal();
  control.role_title = "lead\x1b[31m";
  ExpectRefused("SEC-1", control, Hr(), StatusCode::kInvalidArgument,
                "role title contains a control character");
  auto long_title = Proposal();
  long_title.role_title = std::string(10 << 20, 'x');
  ExpectRefused("SEC-1", long_title, Hr(), StatusCode::kInvalidArgument,
                "role title is 10485760 bytes; the limit is 200");
  auto bad_employee = Proposal();
  bad_employee.employee_id = "../etc/passwd";
  ExpectRefused("SEC-1", bad_employee, Hr(), StatusCode::kInvalidArgument,
                "employee id may hold only letters, digits, '.', '_' and '-', starting with a "
                "letter or digit");
  ExpectRefused("SEC 1; rm -rf /", Proposal(), Hr(), StatusCode::kInvalidArgument,
                "secondment id may hold only letters, digits, '.', '_' and '-', starting with a "
                "letter or digit");
  auto bad_fte = Proposal();
  bad_fte.fte_percent = 0;
  ExpectRefused("SEC-1", bad_fte, Hr(), StatusCode::kInvalidArgument,
                "fte must be 1 to 100 percent, got 0");
}

TEST_F(LifecycleTest, ProposalBeyondThePolicyMaximumIsARuleViolation) {
  ExpectRefused("SEC-1", Proposal("2026-02-01", "2028-02-02"), Hr(), StatusCode::kRuleViolation,
                "cannot propose SEC-1: the planned end 2028-02-02 is more than 24 months after "
                "the start 2026-02-01 (policy maximum; latest end 2028-02-01)");
  Propose("SEC-1", Proposal("2026-02-01", "2028-02-01"));
}

TEST_F(LifecycleTest, AnExistingIdCannotBeProposedAgain) {
  Propose("SEC-1");
  ExpectRefused("SEC-1", Proposal("2027-01-01", "2027-02-01"), Hr(), StatusCode::kConflict,
                "secondment SEC-1 already exists");
}

TEST_F(LifecycleTest, OneEmployeeNeverHoldsTwoOverlappingOpenSecondments) {
  Propose("SEC-1", Proposal("2026-02-01", "2026-07-31"));
  ExpectRefused("SEC-2", Proposal("2026-07-31", "2026-12-31"), Hr(), StatusCode::kRuleViolation,
                "cannot propose SEC-2: employee emp-1 is on secondment SEC-1 from "
                "2026-02-01 to 2026-07-31, which overlaps 2026-07-31 to 2026-12-31");
  Propose("SEC-2", Proposal("2026-08-01", "2026-12-31"));           // the day after: fine
  Propose("SEC-3", Proposal("2026-03-01", "2026-04-01", "emp-2"));  // another employee
  Ok(Run("SEC-1", WithdrawCommand{"role filled"}, Hr()));
  Propose("SEC-4", Proposal("2026-03-01", "2026-04-01"));  // SEC-1 no longer holds it
}

TEST_F(LifecycleTest, RacingProposalsForOneEmployeeCannotBothWin) {
  // Two writers, each with its own view, propose overlapping periods at the same moment: the
  // employee stream's expected version lets only one through; the other re-decides and is
  // refused.
  Secondments other(log_.get(), Policy::Default(), &clock_);
  std::atomic<int> ok{0}, refused{0};
  auto propose = [&](Secondments* s, const char* id) {
    auto outcome = s->Execute(id, Proposal(), Hr());
    (outcome.ok() ? ok : refused)++;
    if (!outcome.ok()) {
      EXPECT_EQ(outcome.status().code(), StatusCode::kRuleViolation);
    }
  };
  for (int round = 0; round < 10; ++round) {
    std::string a = "A-" + std::to_string(round), b = "B-" + std::to_string(round);
    std::thread t1(propose, secondments_.get(), a.c_str());
    std::thread t2(propose, &other, b.c_str());
    t1.join();
    t2.join();
    // Free the period for the next round.
    for (const auto& id : {a, b}) {
      if (StatusOf(id) == SecondmentStatus::kProposed) Ok(Run(id, WithdrawCommand{"next"}, Hr()));
    }
  }
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(refused.load(), 10);
}

TEST_F(LifecycleTest, PlacementNeedsEachRequiredRoleOnce) {
  Propose("SEC-1");
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, ""}, As(Role::HOME_MANAGER)));
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, ""}, As(Role::HOME_MANAGER),
                StatusCode::kRuleViolation,
                "cannot approve SEC-1: home_manager has already approved the placement request");
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, ""}, As(Role::EXCEPTION),
                StatusCode::kRuleViolation,
                "cannot approve SEC-1: the placement request needs no decision from exception; it "
                "waits for host_manager, hr");
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, ""}, As(Role::SECONDEE),
                StatusCode::kRuleViolation,
                "cannot approve SEC-1: the placement request needs no decision from secondee; it "
                "waits for host_manager, hr");
  EXPECT_EQ(StatusOf("SEC-1"), SecondmentStatus::kProposed);
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, ""}, As(Role::HOST_MANAGER)));
  Ok(Run("SEC-1", ApproveCommand{Scope::PLACEMENT, "subject to budget"}, Approver(Role::HR)));
  EXPECT_EQ(StatusOf("SEC-1"), SecondmentStatus::kApproved);
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, ""}, Approver(Role::HR),
                StatusCode::kRuleViolation,
                "cannot approve SEC-1: no placement request is open (it is approved)");
}

TEST_F(LifecycleTest, ManagersDecideOnlyTheSecondmentsThatNameThem) {
  Propose("SEC-1");
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, ""}, As(Role::HOST_MANAGER, "mgr-other"),
                StatusCode::kRuleViolation,
                "cannot approve SEC-1: mgr-other is not its host manager (mgr-host)");
}

TEST_F(LifecycleTest, ARefusalClosesThePlacement) {
  Propose("SEC-1");
  Ok(Run("SEC-1", RefuseCommand{Scope::PLACEMENT, "no budget this year"}, As(Role::HOST_MANAGER)));
  EXPECT_EQ(StatusOf("SEC-1"), SecondmentStatus::kRejected);
  ExpectRefused("SEC-1", ApproveCommand{Scope::PLACEMENT, ""}, Hr(), StatusCode::kRuleViolation,
                "cannot approve SEC-1: no placement request is open (it is rejected)");
  ExpectRefused("SEC-1", RefuseCommand{Scope::PLACEMENT, ""}, Hr(), StatusCode::kInvalidArgument,
                "reason is required");
}

TEST_F(LifecycleTest, WithdrawalOnlyBeforeStart) {
  Active("SEC-1");
  ExpectRefused("SEC-1", WithdrawCommand{"changed mind"}, Hr(), StatusCode::kRuleViolation,
                "cannot withdraw SEC-1: it is active; only a proposed or approved secondment can "
                "be withdrawn");
  Propose("SEC-2", Proposal("2026-09-01", "2026-12-01"));
  Ok(Run("SEC-2", WithdrawCommand{"host reorganised"}, Hr()));
  EXPECT_EQ(StatusOf("SEC-2"), SecondmentStatus::kWithdrawn);
}

TEST_F(LifecycleTest, StartNeedsApprovalAndAgreement) {
  Propose("SEC-1");
  ExpectRefused("SEC-1", StartCommand{D("2026-02-01")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: not approved yet (waiting for home_manager, host_manager, "
                "hr)");
  ExpectRefused("SEC-1", SignCommand{"AGR-1", 1, ""}, Hr(), StatusCode::kRuleViolation,
                "cannot sign SEC-1: it is proposed; an agreement is signed once the placement is "
                "approved and before it starts");
  ApproveAll("SEC-1");
  ExpectRefused("SEC-1", StartCommand{D("2026-02-01")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: agreement not signed");
  ExpectRefused("SEC-1", SignCommand{"AGR-1", 1, "abc"}, Hr(), StatusCode::kInvalidArgument,
                "sha256 must be 64 hex digits");
  Ok(Run("SEC-1", SignCommand{"AGR-1", 2, std::string(64, 'a')}, Hr()));
  Ok(Run("SEC-1", StartCommand{D("2026-02-03")}, Hr()));
  auto s = secondments_->Load("SEC-1");
  EXPECT_EQ(s->status, SecondmentStatus::kActive);
  EXPECT_EQ(*s->actual_start, D("2026-02-03"));
}

TEST_F(LifecycleTest, APolicyWithoutTheAgreementRuleStartsWithoutOne) {
  Policy policy = Policy::Default();
  policy.agreement_before_start = false;
  OpenWith(policy);
  Propose("SEC-1");
  ApproveAll("SEC-1");
  Ok(Run("SEC-1", StartCommand{D("2026-02-01")}, Hr()));
}

TEST_F(LifecycleTest, HandoverWhenApprovedOrActive) {
  Propose("SEC-1");
  HandoverCommand handover{
      schema::HandoverDirection::OUTBOUND, "emp-1", "emp-7", {"weekly report"}, ""};
  ExpectRefused("SEC-1", handover, Hr(), StatusCode::kRuleViolation,
                "cannot record a handover for SEC-1: it is proposed; handovers are recorded once "
                "approved and while active");
  ApproveAll("SEC-1");
  Ok(Run("SEC-1", handover, As(Role::HOME_MANAGER)));
}

TEST_F(LifecycleTest, FeedbackFromTheRightRolesWhileActiveOrReturned) {
  Propose("SEC-1");
  ExpectRefused("SEC-1", FeedbackCommand{4, "good"}, As(Role::HOST_MANAGER),
                StatusCode::kRuleViolation,
                "cannot record feedback for SEC-1: it is proposed; feedback is recorded while "
                "active or after return");
  Propose("SEC-2", Proposal("2026-09-01", "2026-12-01"));
  ApproveAll("SEC-2");
  Sign("SEC-2");
  Start("SEC-2", "2026-09-01");
  ExpectRefused("SEC-2", FeedbackCommand{4, "good"}, Hr(), StatusCode::kRuleViolation,
                "cannot record feedback for SEC-2: feedback comes from host_manager, "
                "home_manager or secondee, not hr");
  ExpectRefused("SEC-2", FeedbackCommand{6, "good"}, As(Role::SECONDEE),
                StatusCode::kInvalidArgument, "rating must be 1 to 5, got 6");
  ExpectRefused("SEC-2", FeedbackCommand{5, "great"}, As(Role::SECONDEE, "emp-other"),
                StatusCode::kRuleViolation,
                "cannot record feedback for SEC-2: emp-other is not its secondee (emp-1)");
  Ok(Run("SEC-2", FeedbackCommand{0, "learning a lot"}, As(Role::SECONDEE)));
  EXPECT_EQ(secondments_->Load("SEC-2")->feedback_count, 1);
}

TEST_F(LifecycleTest, ExtensionIsApprovedLikeAPlacementAndRecordedAtomically) {
  Active("SEC-1");
  ExpectRefused("SEC-1", RequestExtensionCommand{D("2026-07-01"), "more time"}, Hr(),
                StatusCode::kRuleViolation,
                "cannot extend SEC-1: the new end 2026-07-01 is not after the planned end "
                "2026-07-31");
  Ok(Run("SEC-1", RequestExtensionCommand{D("2026-10-31"), "launch slipped"}, Hr()));
  ExpectRefused("SEC-1", RequestExtensionCommand{D("2026-11-30"), "again"}, Hr(),
                StatusCode::kRuleViolation,
                "cannot extend SEC-1: an extension to 2026-10-31 is already waiting for approval");
  Ok(Run("SEC-1", ApproveCommand{Scope::EXTENSION, ""}, As(Role::HOME_MANAGER)));
  Ok(Run("SEC-1", ApproveCommand{Scope::EXTENSION, ""}, As(Role::HOST_MANAGER)));
  EXPECT_EQ(secondments_->Load("SEC-1")->planned_end, D("2026-07-31"));
  auto last = Run("SEC-1", ApproveCommand{Scope::EXTENSION, ""}, Approver(Role::HR));
  ASSERT_TRUE(last.ok());
  // The approval, the Extended and the employee's new claim land in one append.
  EXPECT_EQ(last->positions.size(), 3u);
  auto s = secondments_->Load("SEC-1");
  EXPECT_EQ(s->planned_end, D("2026-10-31"));
  ASSERT_EQ(s->extensions.size(), 1u);
  EXPECT_EQ(s->extensions[0].cumulative_days, 272u);
}

TEST_F(LifecycleTest, ExtendingAnInactiveSecondmentIsRefused) {
  Propose("SEC-1");
  ExpectRefused("SEC-1", RequestExtensionCommand{D("2026-10-31"), "x"}, Hr(),
                StatusCode::kRuleViolation,
                "cannot extend SEC-1: it is proposed; only an active secondment can be extended");
}

TEST_F(LifecycleTest, ExtensionBeyondTheMaximumNeedsAnExceptionApproval) {
  Active("SEC-1", Proposal("2026-02-01", "2027-12-31"));
  Ok(Run("SEC-1", RequestExtensionCommand{D("2028-06-30"), "critical project"}, Hr()));
  ApproveAll("SEC-1", Scope::EXTENSION);
  auto s = secondments_->Load("SEC-1");
  EXPECT_EQ(s->planned_end, D("2027-12-31")) << "extended without the exception approval";
  EXPECT_EQ(OutstandingApprovals(*s, Scope::EXTENSION, Policy::Default()),
            std::vector<Role>{Role::EXCEPTION});
  ExpectRefused("SEC-1", StartCommand{D("2026-02-01")}, Hr(), StatusCode::kRuleViolation,
                "cannot start SEC-1: it is active");
  Ok(Run("SEC-1", ApproveCommand{Scope::EXTENSION, "board decision 12"}, As(Role::EXCEPTION)));
  EXPECT_EQ(secondments_->Load("SEC-1")->planned_end, D("2028-06-30"));
}

TEST_F(LifecycleTest, AnExtensionMayNotOverlapTheEmployeesNextSecondment) {
  Active("SEC-1", Proposal("2026-02-01", "2026-06-30"));
  Propose("SEC-2", Proposal("2026-09-01", "2026-12-31"));
  ExpectRefused("SEC-1", RequestExtensionCommand{D("2026-09-15"), "more"}, Hr(),
                StatusCode::kRuleViolation,
                "cannot extend SEC-1: employee emp-1 is on secondment SEC-2 from "
                "2026-09-01 to 2026-12-31, which overlaps 2026-02-01 to 2026-09-15");
  Ok(Run("SEC-1", RequestExtensionCommand{D("2026-08-31"), "more"}, Hr()));
}

TEST_F(LifecycleTest, ReturnNotBeforeTheStartAndFlaggedWhenEarly) {
  Active("SEC-1");
  ExpectRefused("SEC-1", ReturnCommand{D("2026-01-15"), "", schema::ReturnPosition::SUBSTANTIVE},
                Hr(), StatusCode::kRuleViolation,
                "cannot return SEC-1: the return date 2026-01-15 is before the start 2026-02-01");
  Ok(Run("SEC-1",
         ReturnCommand{D("2026-05-15"), "family reasons", schema::ReturnPosition::EQUIVALENT},
         Hr()));
  auto s = secondments_->Load("SEC-1");
  EXPECT_EQ(s->status, SecondmentStatus::kReturned);
  EXPECT_TRUE(s->returned_early);
  ExpectRefused("SEC-1", ReturnCommand{D("2026-06-15"), "", schema::ReturnPosition::SUBSTANTIVE},
                Hr(), StatusCode::kRuleViolation,
                "cannot return SEC-1: it is returned; only an active secondment returns");
}

TEST_F(LifecycleTest, ConversionNeedsFeedbackThenApprovals) {
  Active("SEC-1");
  ProposeConversionCommand conversion{D("2026-07-01"), "Marketing manager", "REQ-77"};
  ExpectRefused("SEC-1", conversion, Hr(), StatusCode::kRuleViolation,
                "cannot convert SEC-1: no feedback recorded; the policy asks for evidence first");
  Feedback("SEC-1");
  Ok(Run("SEC-1", conversion, Hr()));
  ApproveAll("SEC-1", Scope::CONVERSION);
  auto s = secondments_->Load("SEC-1");
  EXPECT_EQ(s->status, SecondmentStatus::kConverted);
  EXPECT_EQ(s->converted_role, "Marketing manager");
  EXPECT_EQ(*s->converted_on, D("2026-07-01"));
}

TEST_F(LifecycleTest, UnknownSecondmentIsNotFound) {
  ExpectRefused("SEC-999", StartCommand{D("2026-02-01")}, Hr(), StatusCode::kNotFound,
                "no secondment SEC-999");
  EXPECT_EQ(secondments_->Load("SEC-999").status().message(), "no secondment SEC-999");
}

TEST_F(LifecycleTest, EveryWriteNeedsAnActingRoleAndActor) {
  ExpectRefused("SEC-1", Proposal(), Actor{"hr-1", Role::UNSPECIFIED}, StatusCode::kInvalidArgument,
                "the acting role must be hr, home_manager, host_manager, secondee or exception");
  ExpectRefused("SEC-1", Proposal(), Actor{"", Role::HR}, StatusCode::kInvalidArgument,
                "actor id is required");
}

TEST_F(LifecycleTest, EvolvingTheStoredEventsGivesTheLoadedState) {
  Active("SEC-1");
  Feedback("SEC-1");
  auto history = secondments_->History("SEC-1");
  ASSERT_TRUE(history.ok());
  Secondment folded;
  folded.id = "SEC-1";
  for (const auto& e : *history) folded = Evolve(std::move(folded), e.Get());
  auto loaded = secondments_->Load("SEC-1");
  EXPECT_EQ(folded.status, loaded->status);
  EXPECT_EQ(folded.feedback_count, 1);
  EXPECT_EQ(folded.placement.granted.size(), 3u);
}

TEST(PolicyTest, LoadsAFileAndKeepsDefaultsForAbsentKeys) {
  auto policy = Policy::FromJson(
      R"({"approvers":{"placement":["hr"]},"maxMonths":12,"agreementBeforeStart":false})",
      "p.json");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->placement_approvers, std::vector<Role>{Role::HR});
  EXPECT_EQ(policy->extension_approvers.size(), 3u);
  EXPECT_EQ(policy->max_months, 12);
  EXPECT_FALSE(policy->agreement_before_start);
  EXPECT_TRUE(policy->feedback_before_conversion);
}

TEST(PolicyTest, RefusesWrongFiles) {
  auto message = [](std::string_view json) {
    return Policy::FromJson(json, "p.json").status().message();
  };
  EXPECT_EQ(message(R"({"maxMonth":12})"), "unknown field 'maxMonth' in p.json");
  EXPECT_EQ(message(R"({"maxMonths":0})"),
            "maxMonths in p.json must be a whole number from 1 to 120");
  EXPECT_EQ(message(R"({"maxMonths":12.5})"),
            "maxMonths in p.json must be a whole number from 1 to 120");
  EXPECT_EQ(message(R"({"approvers":{"placement":["boss"]}})"),
            "unknown value 'boss' for approvers.placement in p.json; expected one "
            "of: hr, home_manager, host_manager, secondee, exception");
  EXPECT_EQ(message(R"({"approvers":{"placement":["hr","hr"]}})"),
            "approvers.placement in p.json names hr twice");
  EXPECT_EQ(message(R"({"approvers":{"placement":[]}})"),
            "approvers.placement in p.json must name 1 to 4 roles");
  EXPECT_EQ(message(R"([1,2])"), "p.json must hold a JSON object");
  EXPECT_NE(message(R"({"maxMonths":)").find("p.json is not valid JSON"), std::string::npos);
  EXPECT_EQ(message("{\"a\":\"\xff\"}"), "p.json is not valid UTF-8");
  EXPECT_EQ(Policy::Load("/nonexistent/policy.json").status().message(),
            "cannot read /nonexistent/policy.json");
}

}  // namespace
}  // namespace secondment
