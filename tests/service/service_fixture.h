// A fixture for the application layer: a real ledger in a temp dir opened through
// LedgerService with a fake clock, callers for every role, and verbs that walk a secondment
// through its life.

#ifndef SECONDMENT_TESTS_SERVICE_SERVICE_FIXTURE_H_
#define SECONDMENT_TESTS_SERVICE_SERVICE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "service/ledger_service.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {

using service::Caller;
using service::LedgerService;
using service::Role;

inline CivilDate Day(const char* text) { return *ParseDate(text); }

class ServiceTest : public ::testing::Test {
 protected:
  static constexpr int64_t kNow = 1767225600000000;  // 2026-01-01T00:00:00Z

  void SetUp() override {
    ASSERT_TRUE(LedgerService::Create(Data()).ok());
    Open(service::Access::kWrite);
  }

  std::string Data() const { return dir_.Sub("ledger"); }

  void Open(service::Access access, Policy policy = Policy::Default()) {
    ledger_.reset();
    service::OpenOptions options;
    options.access = access;
    options.policy = std::move(policy);
    options.clock = &clock_;
    options.durability = Durability::kNoSync;  // the application, not the disk, is under test
    auto opened = LedgerService::Open(Data(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ledger_ = std::move(opened).value();
  }

  // hr-1 records and proposes; hr-2 gives the hr approvals (four eyes).
  static Caller Hr() { return {"hr-1", Role::kHr}; }
  static Caller HrApprover() { return {"hr-2", Role::kHr}; }
  static Caller HomeManager(std::string id = "mgr-home") { return {id, Role::kHomeManager}; }
  static Caller HostManager(std::string id = "mgr-host") { return {id, Role::kHostManager}; }
  static Caller Secondee(std::string id = "emp-1") { return {id, Role::kSecondee}; }
  static Caller Director() { return {"director-1", Role::kException}; }
  static Caller Auditor() { return {"aud-1", Role::kAuditor}; }
  static Caller Admin() { return Caller::Administrator(); }

  static ProposeCommand Proposal(const char* employee = "emp-1", const char* start = "2026-02-01",
                                 const char* end = "2026-07-31") {
    ProposeCommand c;
    c.employee_id = employee;
    c.home = {"Acme", "Sales", "mgr-home"};
    c.host = {"Acme", "Marketing", "mgr-host"};
    c.kind = schema::Kind::INTERNAL;
    c.role_title = "Campaign lead";
    c.start = Day(start);
    c.end = Day(end);
    return c;
  }

  // Moves the ledger's today to `date` (never back): steps are recorded on their day.
  void Today(const CivilDate& date) {
    int64_t micros = (DaysFromCivil(date) * 86400 + 12 * 3600) * 1000000;
    if (micros > clock_.NowMicros()) clock_.Set(micros);
  }

  // Runs `command`, first moving today to the date it names (when `follow_dates_`).
  Result<Outcome> Run(const Caller& caller, const std::string& id, const Command& command) {
    if (follow_dates_) {
      if (auto date = CommandDate(command)) Today(*date);
    }
    return ledger_->Execute(caller, id, command);
  }
  // Runs `command`; the test fails unless it is recorded. Returns the state after it.
  Secondment Ok(const Caller& caller, const std::string& id, const Command& command) {
    auto outcome = Run(caller, id, command);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome.ok() ? outcome->state : Secondment{};
  }

  void Propose(const std::string& id, ProposeCommand c = Proposal()) { Ok(Hr(), id, c); }
  void ApproveAll(const std::string& id, schema::Scope scope = schema::Scope::PLACEMENT,
                  const std::string& home = "mgr-home", const std::string& host = "mgr-host",
                  std::optional<CivilDate> date = std::nullopt) {
    for (const Caller& caller : {HomeManager(home), HostManager(host), HrApprover()}) {
      Ok(caller, id, ApproveCommand{scope, "", date});
    }
  }
  void Sign(const std::string& id, std::optional<CivilDate> date = std::nullopt) {
    Ok(Hr(), id, SignCommand{"AGR-" + id, 1, "", date});
  }
  void Start(const std::string& id, const char* date = "2026-02-01") {
    Ok(Hr(), id, StartCommand{Day(date)});
  }
  CivilDate Today() const { return DateOfMicros(clock_.NowMicros()); }
  // Proposed (30 days before its start, or today if later), approved 20 days and signed 10
  // days before it, and started on its planned start: a plausible backfilled history.
  void Active(const std::string& id, ProposeCommand c = Proposal()) {
    CivilDate proposed = std::min(Today(), ShiftDays(c.start, -30), DateLess);
    if (!c.date) c.date = proposed;
    Propose(id, c);
    CivilDate approved = std::max(*c.date, ShiftDays(c.start, -20), DateLess);
    ApproveAll(id, schema::Scope::PLACEMENT, c.home.manager_id, c.host.manager_id, approved);
    Sign(id, std::max(approved, ShiftDays(c.start, -10), DateLess));
    Start(id, FormatDate(c.start).c_str());
  }

  // The command is refused with `code` and exactly `message`, and nothing is written.
  void ExpectRefused(const Caller& caller, const std::string& id, const Command& command,
                     StatusCode code, const std::string& message) {
    Position head = ledger_->Head();
    auto outcome = Run(caller, id, command);
    EXPECT_EQ(outcome.status().code(), code) << outcome.status().ToString();
    EXPECT_EQ(outcome.status().message(), message);
    EXPECT_EQ(ledger_->Head(), head) << "a refused command wrote";
  }

  SecondmentStatus StatusOf(const std::string& id) {
    auto shown = ledger_->Show(Admin(), id);
    return shown.ok() ? shown->state.status : SecondmentStatus::kNone;
  }

  bool follow_dates_ = true;
  TempDir dir_;
  FakeClock clock_{kNow};
  std::unique_ptr<LedgerService> ledger_;
};

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_SERVICE_SERVICE_FIXTURE_H_
