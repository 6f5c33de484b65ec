// Who may do what, decided by the application from the caller for every door alike: each
// role's operations, managers on the secondments that name them, secondees on their own.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "service/caller.h"
#include "tests/service/service_fixture.h"

namespace secondment::testing {
namespace {

using schema::Scope;
using service::MayPerform;
using service::Operation;

constexpr Operation kEvery[] = {Operation::kPropose,
                                Operation::kApprove,
                                Operation::kRefuse,
                                Operation::kWithdraw,
                                Operation::kSign,
                                Operation::kStart,
                                Operation::kHandover,
                                Operation::kFeedback,
                                Operation::kRequestExtension,
                                Operation::kReturn,
                                Operation::kProposeConversion,
                                Operation::kReadSecondment,
                                Operation::kReadEmployee,
                                Operation::kList,
                                Operation::kAlerts,
                                Operation::kReadLog,
                                Operation::kTreeHead,
                                Operation::kAudit,
                                Operation::kStoreCheckpoint,
                                Operation::kMakeCheckpoint,
                                Operation::kExport,
                                Operation::kRebuild,
                                Operation::kBackup};

// The table of docs/cli.md ("Who may do what"), written out once more here so that a change to
// it is a change to this test too.
const std::map<Role, std::set<Operation>>& Expected() {
  using O = Operation;
  static const std::map<Role, std::set<Operation>> kTable = {
      {Role::kHr,
       {O::kPropose, O::kApprove, O::kRefuse, O::kWithdraw, O::kSign, O::kStart, O::kHandover,
        O::kRequestExtension, O::kReturn, O::kProposeConversion, O::kReadSecondment,
        O::kReadEmployee, O::kList, O::kAlerts, O::kReadLog, O::kTreeHead, O::kRebuild}},
      {Role::kHomeManager,
       {O::kApprove, O::kRefuse, O::kHandover, O::kFeedback, O::kRequestExtension,
        O::kReadSecondment, O::kList}},
      {Role::kHostManager,
       {O::kApprove, O::kRefuse, O::kHandover, O::kFeedback, O::kRequestExtension,
        O::kReadSecondment, O::kList}},
      {Role::kSecondee, {O::kFeedback, O::kReadSecondment, O::kReadEmployee, O::kList}},
      {Role::kException, {O::kApprove, O::kRefuse, O::kReadSecondment}},
      {Role::kAuditor,
       {O::kReadSecondment, O::kReadEmployee, O::kList, O::kAlerts, O::kReadLog, O::kTreeHead,
        O::kAudit, O::kStoreCheckpoint}},
      {Role::kSubscriber, {O::kReadLog}},
      {Role::kAdministrator,
       {O::kReadSecondment, O::kReadEmployee, O::kList, O::kAlerts, O::kReadLog, O::kTreeHead,
        O::kAudit, O::kStoreCheckpoint, O::kMakeCheckpoint, O::kExport, O::kRebuild, O::kBackup}},
  };
  return kTable;
}

TEST(PermissionsTest, EachRoleMayDoWhatTheTableSaysAndNothingElse) {
  for (const auto& [role, allowed] : Expected()) {
    for (Operation op : kEvery) {
      Status may = MayPerform({"someone", role}, op);
      if (allowed.count(op)) {
        EXPECT_TRUE(may.ok()) << RoleName(role) << " " << OperationName(op);
      } else {
        EXPECT_EQ(may.code(), StatusCode::kRuleViolation)
            << RoleName(role) << " " << OperationName(op);
        EXPECT_EQ(may.message(), fmt::format("not permitted: role {} may not {}", RoleName(role),
                                             OperationName(op)));
      }
    }
  }
}

TEST(PermissionsTest, RolesReadBackFromTheirNames) {
  for (const auto& [role, allowed] : Expected()) {
    EXPECT_EQ(*service::ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(service::ParseRole("boss").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ServiceTest, AStepIsRecordedOnlyByARoleThatMayTakeIt) {
  Active("SEC-1");
  ExpectRefused(Secondee(), "SEC-2", Proposal("emp-2"), StatusCode::kRuleViolation,
                "not permitted: role secondee may not propose");
  ExpectRefused(Auditor(), "SEC-1", WithdrawCommand{"x"}, StatusCode::kRuleViolation,
                "not permitted: role auditor may not withdraw");
  ExpectRefused(Admin(), "SEC-1", ReturnCommand{Day("2026-03-01"), ""}, StatusCode::kRuleViolation,
                "not permitted: role administrator may not return");
  ExpectRefused(HomeManager(), "SEC-1", ReturnCommand{Day("2026-03-01"), ""},
                StatusCode::kRuleViolation, "not permitted: role home_manager may not return");
  ExpectRefused({"payroll", Role::kSubscriber}, "SEC-1", FeedbackCommand{3, "x"},
                StatusCode::kRuleViolation, "not permitted: role subscriber may not feedback");
}

TEST_F(ServiceTest, ManagersActOnlyOnTheSecondmentsThatNameThem) {
  Active("SEC-1");
  ExpectRefused(HomeManager("mgr-else"), "SEC-1",
                HandoverCommand{schema::HandoverDirection::OUTBOUND, "a", "b", {}, ""},
                StatusCode::kRuleViolation,
                "not permitted: mgr-else is not the home manager of SEC-1");
  ExpectRefused(HostManager("mgr-home"), "SEC-1", FeedbackCommand{3, "x"},
                StatusCode::kRuleViolation,
                "not permitted: mgr-home is not the host manager of SEC-1");
  Ok(HostManager(), "SEC-1", FeedbackCommand{3, "fine"});
  Ok(HomeManager(), "SEC-1",
     HandoverCommand{schema::HandoverDirection::OUTBOUND, "a", "b", {}, ""});
}

TEST_F(ServiceTest, ASecondeeSpeaksOnlyForThemself) {
  Active("SEC-1");
  ExpectRefused(Secondee("emp-2"), "SEC-1", FeedbackCommand{3, "x"}, StatusCode::kRuleViolation,
                "not permitted: emp-2 is not the secondee of SEC-1");
  Ok(Secondee(), "SEC-1", FeedbackCommand{5, "glad to be here"});
  EXPECT_EQ(ledger_->EmployeeHistory(Secondee("emp-2"), "emp-1").status(),
            RuleViolation("not permitted: emp-2 may read only their own history"));
  EXPECT_TRUE(ledger_->EmployeeHistory(Secondee(), "emp-1").ok());
}

TEST_F(ServiceTest, ListsShowEachCallerTheSecondmentsTheyMaySee) {
  Active("SEC-1");  // mgr-home and mgr-host, emp-1
  ProposeCommand other = Proposal("emp-2");
  other.home.manager_id = "mgr-b";
  other.host.manager_id = "mgr-c";
  Active("SEC-2", other);
  auto ids = [](const auto& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(row.state.id);
    return out;
  };
  EXPECT_EQ(ids(*ledger_->ListSecondments(Hr(), {})), (std::vector<std::string>{"SEC-1", "SEC-2"}));
  EXPECT_EQ(ids(*ledger_->ListSecondments(HomeManager("mgr-b"), {})),
            std::vector<std::string>{"SEC-2"});
  EXPECT_EQ(ids(*ledger_->ListSecondments(Secondee(), {})), std::vector<std::string>{"SEC-1"});
  auto placements = ledger_->ListPlacements(HostManager("mgr-c"), {});
  ASSERT_TRUE(placements.ok());
  ASSERT_EQ(placements->size(), 1u);
  EXPECT_EQ((*placements)[0].id, "SEC-2");
  EXPECT_EQ(ledger_->Show(HostManager("mgr-c"), "SEC-1").status().code(),
            StatusCode::kRuleViolation);
  EXPECT_EQ(ledger_->ListAlerts(HomeManager(), {}).status().code(), StatusCode::kRuleViolation);
  EXPECT_EQ(ledger_->ReadLog({"payroll", Role::kSubscriber}, 1, 10)->size(), 10u);
  EXPECT_EQ(ledger_->Show({"payroll", Role::kSubscriber}, "SEC-1").status().code(),
            StatusCode::kRuleViolation);
}

TEST_F(ServiceTest, TheExceptionApproverGrantsAnExtensionBeyondTheMaximum) {
  Active("SEC-1", Proposal("emp-1", "2026-02-01", "2027-12-31"));
  Ok(Hr(), "SEC-1", RequestExtensionCommand{Day("2028-06-30"), "the programme runs on"});
  ApproveAll("SEC-1", Scope::EXTENSION);
  EXPECT_EQ(ledger_->Show(Admin(), "SEC-1")->state.planned_end, Day("2027-12-31"));
  Ok(Director(), "SEC-1", ApproveCommand{Scope::EXTENSION, "board approved"});
  EXPECT_EQ(ledger_->Show(Admin(), "SEC-1")->state.planned_end, Day("2028-06-30"));
  ExpectRefused(Director(), "SEC-1", WithdrawCommand{"x"}, StatusCode::kRuleViolation,
                "not permitted: role exception may not withdraw");
}

TEST_F(ServiceTest, AuditAndMaintenanceBelongToTheirRoles) {
  Active("SEC-1");
  EXPECT_EQ(ledger_->GetTreeHead({"payroll", Role::kSubscriber}).status().code(),
            StatusCode::kRuleViolation);
  EXPECT_TRUE(ledger_->GetTreeHead(Hr()).ok());
  EXPECT_EQ(ledger_->Verify(Hr(), std::nullopt, std::nullopt).status(),
            RuleViolation("not permitted: role hr may not audit"));
  EXPECT_TRUE(ledger_->Verify(Auditor(), std::nullopt, std::nullopt).ok());
  auto key = SigningKey::Generate();
  EXPECT_EQ(ledger_->MakeCheckpoint(Auditor(), *key).status().code(), StatusCode::kRuleViolation);
  EXPECT_TRUE(ledger_->MakeCheckpoint(Admin(), *key).ok());
  EXPECT_EQ(ledger_->Rebuild(Auditor(), std::nullopt).status().code(), StatusCode::kRuleViolation);
  EXPECT_EQ(*ledger_->Rebuild(Hr(), std::nullopt), ledger_->Head());
  EXPECT_EQ(ledger_->Backup(Hr(), dir_.Sub("backup")).status().code(), StatusCode::kRuleViolation);
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("backup")));
}

}  // namespace
}  // namespace secondment::testing
