// LedgerService without any door: every command's outcome and refusals, reads that see the
// writes before them, the secondment folded once per command, and opening only what exists.

#include "service/ledger_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "ledger/lifecycle/streams.h"
#include "ledger/log/tables.h"
#include "projections/projector.h"
#include "tests/service/service_fixture.h"

namespace secondment::testing {
namespace {

using schema::Scope;

TEST_F(ServiceTest, EveryStepRecordsItsEventsAndReturnsTheStateAfterThem) {
  auto proposed = Run(Hr(), "SEC-1", Proposal());
  ASSERT_TRUE(proposed.ok());
  EXPECT_EQ(proposed->positions, (std::vector<Position>{1, 2}));  // the event, the claim
  EXPECT_EQ(proposed->version, 0u);
  EXPECT_EQ(proposed->last_position, 1u);
  EXPECT_EQ(proposed->state.status, SecondmentStatus::kProposed);
  Ok(HomeManager(), "SEC-1", ApproveCommand{Scope::PLACEMENT, ""});
  Ok(HostManager(), "SEC-1", ApproveCommand{Scope::PLACEMENT, ""});
  EXPECT_EQ(Ok(HrApprover(), "SEC-1", ApproveCommand{Scope::PLACEMENT, "budget"}).status,
            SecondmentStatus::kApproved);
  EXPECT_TRUE(Ok(Hr(), "SEC-1", SignCommand{"AGR-1", 2, ""}).agreement_reference.has_value());
  EXPECT_EQ(Ok(Hr(), "SEC-1", StartCommand{Day("2026-02-01")}).status, SecondmentStatus::kActive);
  EXPECT_EQ(Ok(HomeManager(), "SEC-1",
               HandoverCommand{schema::HandoverDirection::OUTBOUND, "emp-1", "emp-9", {"rota"}, ""})
                .handover_count,
            1);
  EXPECT_EQ(Ok(Secondee(), "SEC-1", FeedbackCommand{5, "learning a lot"}).feedback_count, 1);
  EXPECT_TRUE(Ok(Hr(), "SEC-1", RequestExtensionCommand{Day("2026-10-31"), "launch slipped"})
                  .extension_request.has_value());
  ApproveAll("SEC-1", Scope::EXTENSION);
  auto extended = ledger_->Show(Auditor(), "SEC-1");
  ASSERT_TRUE(extended.ok());
  EXPECT_EQ(extended->state.planned_end, Day("2026-10-31"));
  EXPECT_EQ(extended->state.extensions.size(), 1u);
  Ok(Hr(), "SEC-1", ProposeConversionCommand{Day("2026-09-01"), "Head of campaigns", "REQ-9"});
  ApproveAll("SEC-1", Scope::CONVERSION);
  EXPECT_EQ(StatusOf("SEC-1"), SecondmentStatus::kConverted);

  Active("SEC-2", Proposal("emp-2"));
  EXPECT_EQ(Ok(Hr(), "SEC-2", ReturnCommand{Day("2026-05-01"), "project ended"}).status,
            SecondmentStatus::kReturned);
  Propose("SEC-3", Proposal("emp-3"));
  EXPECT_EQ(Ok(Hr(), "SEC-3", WithdrawCommand{"budget cut"}).status, SecondmentStatus::kWithdrawn);
  Propose("SEC-4", Proposal("emp-4"));
  EXPECT_EQ(Ok(HostManager(), "SEC-4", RefuseCommand{Scope::PLACEMENT, "no desk"}).status,
            SecondmentStatus::kRejected);
}

TEST_F(ServiceTest, AProposalWithoutAnIdGetsAFreshOne) {
  auto first = ledger_->Execute(Hr(), std::nullopt, Proposal("emp-1"));
  auto second = ledger_->Execute(Hr(), std::nullopt, Proposal("emp-2"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->id, "SEC-000001");
  EXPECT_EQ(second->id, "SEC-000003");
}

TEST_F(ServiceTest, RefusalsCarryTheirCodeAndWriteNothing) {
  Propose("SEC-1");
  ExpectRefused(Hr(), "SEC 1", WithdrawCommand{"x"}, StatusCode::kInvalidArgument,
                "secondment id may hold only letters, digits, '.', '_' and '-', starting with a "
                "letter or digit");
  ExpectRefused(Hr(), "SEC-1", WithdrawCommand{""}, StatusCode::kInvalidArgument,
                "reason is required");
  ExpectRefused(
      Hr(), "SEC-1", StartCommand{Day("2026-02-01")}, StatusCode::kRuleViolation,
      "cannot start SEC-1: not approved yet (waiting for home_manager, host_manager, hr)");
  ExpectRefused(Hr(), "SEC-1", Proposal("emp-9"), StatusCode::kConflict,
                "secondment SEC-1 already exists");
  ExpectRefused(Hr(), "SEC-9", WithdrawCommand{"x"}, StatusCode::kNotFound, "no secondment SEC-9");
  auto without_id = ledger_->Execute(Hr(), std::nullopt, WithdrawCommand{"x"});
  EXPECT_EQ(without_id.status(), InvalidArgument("a secondment id is required for withdraw"));
  ExpectRefused({"hr 1", Role::kHr}, "SEC-1", WithdrawCommand{"x"}, StatusCode::kInvalidArgument,
                "actor id may hold only letters, digits, '.', '_' and '-', starting with a letter "
                "or digit");
  Open(service::Access::kRead);
  ExpectRefused(Hr(), "SEC-1", WithdrawCommand{"x"}, StatusCode::kUnavailable,
                "withdraw needs the ledger at " + Data() + " open for writing");
}

TEST_F(ServiceTest, ReadsSeeEveryWriteBeforeThem) {
  Active("SEC-1");
  // The projections were caught up inside Execute: no caller has to remember.
  for (const auto& name : projections::ProjectionNames()) {
    EXPECT_EQ(*Tables(ledger_->log()).Checkpoint(name), ledger_->Head()) << name;
  }
  auto rows = ledger_->ListSecondments(Admin(), {});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].state.status, SecondmentStatus::kActive);
  auto placements = ledger_->ListPlacements(Admin(), {});
  ASSERT_TRUE(placements.ok());
  ASSERT_EQ(placements->size(), 1u);
  EXPECT_EQ((*placements)[0].host_unit, "Marketing");
  EXPECT_EQ(ledger_->History(Admin(), "SEC-1")->size(), 6u);
  EXPECT_EQ(ledger_->EmployeeHistory(Admin(), "emp-1")->size(), 6u);
  auto before = ledger_->Show(Admin(), "SEC-1", 2);
  EXPECT_EQ(before->state.status, SecondmentStatus::kProposed);
  EXPECT_EQ(ledger_->Show(Admin(), "SEC-1", 99).status().code(), StatusCode::kInvalidArgument);
  auto alerts = ledger_->ListAlerts(Admin(), {30, Day("2026-07-15")});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].kind, "ending_soon");
  auto at_two = ledger_->ListSecondments(Admin(), {std::nullopt, {}, 2});
  EXPECT_EQ((*at_two)[0].state.status, SecondmentStatus::kProposed);
}

// A command reads its secondment's stream once and folds it once; the state it returns is that
// fold evolved by the events it decided, not the stream read again.
TEST_F(ServiceTest, ACommandFoldsItsSecondmentOnce) {
  Active("SEC-1");
  ReadCounts before = ledger_->reads();
  Ok(Secondee(), "SEC-1", FeedbackCommand{4, "good"});
  ReadCounts after = ledger_->reads();
  EXPECT_EQ(after.secondment_streams - before.secondment_streams, 1u);
  EXPECT_EQ(after.employee_streams - before.employee_streams, 0u);

  // A claim of a period reads the employee's stream too, and each of the employee's other open
  // secondments once.
  Propose("SEC-2", Proposal("emp-1", "2026-09-01", "2026-12-31"));
  before = ledger_->reads();
  Ok(Hr(), "SEC-1", RequestExtensionCommand{Day("2026-08-15"), "more to do"});
  after = ledger_->reads();
  EXPECT_EQ(after.secondment_streams - before.secondment_streams, 2u);  // SEC-1, and SEC-2
  EXPECT_EQ(after.employee_streams - before.employee_streams, 1u);
  // The state returned is the state stored.
  auto stored = ledger_->Show(Admin(), "SEC-1");
  EXPECT_EQ(stored->state.extension_request->until, Day("2026-08-15"));
  EXPECT_EQ(stored->version, 7u);
}

TEST_F(ServiceTest, OnlyCreateMakesALedger) {
  service::OpenOptions options;
  for (auto access : {service::Access::kRead, service::Access::kWrite, service::Access::kFollow}) {
    options.access = access;
    auto opened = LedgerService::Open(dir_.Sub("missing"), options);
    EXPECT_EQ(opened.status(), InvalidArgument("no ledger at " + dir_.Sub("missing") +
                                               "; create one with secondment init"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("missing")));
  auto again = LedgerService::Create(Data());
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  std::filesystem::create_directories(dir_.Sub("other"));
  std::ofstream(dir_.Sub("other/notes.txt")) << "x";
  options.access = service::Access::kWrite;
  EXPECT_EQ(LedgerService::Open(dir_.Sub("other"), options).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LedgerService::Create(dir_.Sub("other")).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ServiceTest, AReaderRepairsProjectionsACrashLeftBehind) {
  Propose("SEC-1");
  ledger_.reset();
  {
    // A writer that died between a commit and its projection update: the event is there, the
    // read models are not.
    Options options;
    options.create_if_missing = false;
    options.tables = projections::ProjectionTables();
    auto log = EventLog::Open(Data(), options);
    ASSERT_TRUE(log.ok());
    Secondments writer(log->get(), Policy::Default(), &clock_);
    ASSERT_TRUE(writer.Execute("SEC-2", Proposal("emp-2"), {"hr-1", schema::Role::HR}).ok());
  }
  Open(service::Access::kRead);
  auto rows = ledger_->ListSecondments(Admin(), {});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 2u);
  // Having repaired, the reader gave the lock back: a writer opens beside it.
  service::OpenOptions write;
  write.access = service::Access::kWrite;
  write.lock_patience = std::chrono::milliseconds(0);
  auto writer = LedgerService::Open(Data(), write);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
}

TEST_F(ServiceTest, ARebuildLeavesReadsWhole) {
  Active("SEC-1");
  Propose("SEC-2", Proposal("emp-2"));
  ASSERT_EQ(*ledger_->Rebuild(Admin(), std::nullopt), ledger_->Head());
  EXPECT_EQ(ledger_->ListSecondments(Admin(), {})->size(), 2u);
  EXPECT_EQ(ledger_->ListPlacements(Admin(), {})->size(), 1u);
  EXPECT_EQ(ledger_->Rebuild(Admin(), "nonsense").status().code(), StatusCode::kInvalidArgument);
  Ok(Hr(), "SEC-2", WithdrawCommand{"no budget"});
  EXPECT_EQ(ledger_->ListSecondments(Admin(), {SecondmentStatus::kWithdrawn, {}, {}})->size(), 1u);
}

TEST_F(ServiceTest, PositionZeroIsBeforeAnythingWasRecorded) {
  Propose("SEC-1");
  EXPECT_EQ(ledger_->Show(Admin(), "SEC-1", 0).status(),
            NotFound("no secondment SEC-1 at position 0"));
  EXPECT_TRUE(ledger_->ListSecondments(Admin(), {std::nullopt, {}, 0})->empty());
  EXPECT_TRUE(ledger_->ListPlacements(Admin(), {{}, std::nullopt, 0})->empty());
}

}  // namespace
}  // namespace secondment::testing
