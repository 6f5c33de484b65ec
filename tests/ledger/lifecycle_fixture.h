// A fixture for lifecycle tests: a real ledger in a temp dir, a fake clock, and verbs that
// walk a secondment through its life.

#ifndef SECONDMENT_TESTS_LEDGER_LIFECYCLE_FIXTURE_H_
#define SECONDMENT_TESTS_LEDGER_LIFECYCLE_FIXTURE_H_

#include <gtest/gtest.h>

#include "service/secondments.h"
#include "tests/ledger/test_util.h"

namespace secondment::testing {

inline CivilDate D(const char* text) { return *ParseDate(text); }

class LifecycleTest : public ::testing::Test {
 protected:
  static constexpr int64_t kNow = 1767225600000000;  // 2026-01-01T00:00:00Z

  void SetUp() override { OpenWith(Policy::Default()); }

  void OpenWith(Policy policy) {
    secondments_.reset();
    log_.reset();
    Options options;
    options.clock = &clock_;
    options.durability = Durability::kNoSync;  // the rules, not the disk, are under test
    auto opened = EventLog::Open(dir_.Sub("ledger"), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    log_ = std::move(opened).value();
    secondments_ = std::make_unique<Secondments>(log_.get(), std::move(policy), &clock_);
  }

  // The default principal of each role: hr-1 records (and proposes), hr-2 gives the hr
  // approvals (four eyes: the proposer may not).
  static Actor As(schema::Role role, std::string id = "") {
    if (id.empty()) {
      id = role == schema::Role::HOME_MANAGER   ? "mgr-home"
           : role == schema::Role::HOST_MANAGER ? "mgr-host"
           : role == schema::Role::SECONDEE     ? "emp-1"
           : role == schema::Role::EXCEPTION    ? "director-1"
                                                : "hr-1";
    }
    return {id, role};
  }
  static Actor Hr() { return As(schema::Role::HR); }
  static Actor Approver(schema::Role role) {
    return role == schema::Role::HR ? As(role, "hr-2") : As(role);
  }

  // Moves the ledger's today to `date` (never back): steps are recorded on their day.
  void Today(const CivilDate& date) {
    int64_t micros = (DaysFromCivil(date) * 86400 + 12 * 3600) * 1000000;
    if (micros > clock_.NowMicros()) clock_.Set(micros);
  }
  CivilDate Today() const { return DateOfMicros(clock_.NowMicros()); }

  static ProposeCommand Proposal(const char* start = "2026-02-01", const char* end = "2026-07-31",
                                 const char* employee = "emp-1") {
    ProposeCommand c;
    c.employee_id = employee;
    c.home = {"Acme", "Sales", "mgr-home"};
    c.host = {"Acme", "Marketing", "mgr-host"};
    c.kind = schema::Kind::INTERNAL;
    c.role_title = "Campaign lead";
    c.start = D(start);
    c.end = D(end);
    c.objectives = {"Align campaigns with field insight"};
    return c;
  }

  // Runs `command`; when `follow_dates_`, first moves today to the date the command names.
  Result<Outcome> Run(const std::string& id, const Command& command, const Actor& actor) {
    if (follow_dates_) {
      if (auto date = CommandDate(command)) Today(*date);
    }
    return secondments_->Execute(id, command, actor);
  }

  // Proposes `id`; the test fails if it is refused.
  void Propose(const std::string& id, ProposeCommand c = Proposal()) {
    auto outcome = Run(id, c, Hr());
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  }
  void ApproveAll(const std::string& id, schema::Scope scope = schema::Scope::PLACEMENT,
                  std::optional<CivilDate> date = std::nullopt) {
    for (auto role : {schema::Role::HOME_MANAGER, schema::Role::HOST_MANAGER, schema::Role::HR}) {
      auto outcome = Run(id, ApproveCommand{scope, "", date}, Approver(role));
      ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    }
  }
  void Sign(const std::string& id, std::optional<CivilDate> date = std::nullopt) {
    Ok(Run(id, SignCommand{"AGR-1", 1, "", date}, Hr()));
  }
  void Start(const std::string& id, const char* date = "2026-02-01") {
    Ok(Run(id, StartCommand{D(date)}, Hr()));
  }
  // Proposed (30 days before its start, or today if later), approved 20 days and signed 10
  // days before it, and started on its planned start: a plausible backfilled history.
  void Active(const std::string& id, ProposeCommand c = Proposal()) {
    CivilDate proposed = std::min(Today(), ShiftDays(c.start, -30), DateLess);
    if (!c.date) c.date = proposed;
    Propose(id, c);
    CivilDate approved = std::max(*c.date, ShiftDays(c.start, -20), DateLess);
    ApproveAll(id, schema::Scope::PLACEMENT, approved);
    Sign(id, std::max(approved, ShiftDays(c.start, -10), DateLess));
    Start(id, FormatDate(c.start).c_str());
  }
  void Feedback(const std::string& id) {
    Ok(Run(id, FeedbackCommand{4, "strong delivery"}, As(schema::Role::HOST_MANAGER)));
  }

  static void Ok(const Result<Outcome>& outcome) {
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  }
  // The command is refused with `code` and exactly `message`, and nothing is written.
  void ExpectRefused(const std::string& id, const Command& command, const Actor& actor,
                     StatusCode code, const std::string& message) {
    Position head = log_->Head();
    auto outcome = Run(id, command, actor);
    EXPECT_EQ(outcome.status().code(), code) << outcome.status().ToString();
    EXPECT_EQ(outcome.status().message(), message);
    EXPECT_EQ(log_->Head(), head) << "a refused command wrote";
  }

  SecondmentStatus StatusOf(const std::string& id) {
    auto s = secondments_->Load(id);
    return s.ok() ? s->status : SecondmentStatus::kNone;
  }

  bool follow_dates_ = true;
  TempDir dir_;
  FakeClock clock_{kNow};
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<Secondments> secondments_;
};

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_LEDGER_LIFECYCLE_FIXTURE_H_
