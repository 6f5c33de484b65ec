// Long random command sequences against a real ledger, on a calendar that moves forward a day
// or two at a time: dated steps (most on the day, some backdated, some in the future, some far
// off), corrections and voids among them. Whatever is accepted, no reachable state breaks an
// invariant of the lifecycle, and no employee is on two placements on any day of the calendar.

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "ledger/event/schema_date.h"
#include "tests/ledger/lifecycle_fixture.h"

namespace secondment {
namespace {

using schema::Role;
using schema::Scope;
using testing::LifecycleTest;
using testing::ShiftDays;

constexpr CivilDate kFirstDay{2026, 1, 1};

class RandomLifecycleTest : public LifecycleTest {
 protected:
  void SetUp() override {
    LifecycleTest::SetUp();
    follow_dates_ = false;
    Today(kFirstDay);
  }

  std::mt19937_64 rng_{20261130};

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  CivilDate Now() { return Today(); }
  // A step's date: mostly today or a few days back, sometimes ahead, rarely far off.
  CivilDate StepDay() {
    switch (Pick(10)) {
      case 0:
        return ShiftDays(Now(), 1 + Pick(5));
      case 1:
        return ShiftDays(Now(), -200 + Pick(400));
      default:
        return ShiftDays(Now(), -Pick(10));
    }
  }
  std::optional<CivilDate> MaybeDated() {
    if (Pick(3) == 0) return std::nullopt;  // today
    return StepDay();
  }

  Actor AnyActor() {
    static const Role kRoles[] = {Role::HR, Role::HOME_MANAGER, Role::HOST_MANAGER, Role::SECONDEE,
                                  Role::EXCEPTION};
    Role role = kRoles[Pick(5)];
    // Mostly the named people, sometimes an intruder, sometimes the second hr.
    if (Pick(10) == 0) return Actor{"mgr-intruder", role};
    if (role == Role::HR && Pick(2) == 0) return As(role, "hr-2");
    return As(role);
  }

  ProposeCommand RandomProposal(const std::string& employee) {
    auto c = Proposal();
    c.employee_id = employee;
    c.start = ShiftDays(Now(), -10 + Pick(60));
    c.end = ShiftDays(c.start, 30 + Pick(400));
    c.date = MaybeDated();
    return c;
  }

  CorrectCommand RandomCorrection(const Secondment* s) {
    static const char* kUnits[] = {"Marketing", "Brand", "Sales"};
    CivilDate base = s ? s->planned_start : Now();
    switch (Pick(6)) {
      case 0:
        return {"planned_end", FormatDate(ShiftDays(base, 20 + Pick(500))), "typo", MaybeDated()};
      case 1:
        return {"planned_start", FormatDate(ShiftDays(base, -20 + Pick(40))), "typo", MaybeDated()};
      case 2:
        return {"actual_start", FormatDate(ShiftDays(base, -15 + Pick(30))), "typo", MaybeDated()};
      case 3:
        return {"return_date", FormatDate(ShiftDays(Now(), -Pick(60))), "typo", MaybeDated()};
      case 4:
        return {"host_unit", kUnits[Pick(3)], "renamed", MaybeDated()};
      default:
        return {"fte", std::to_string(1 + Pick(100)), "typo", MaybeDated()};
    }
  }

  // A void of some event of the log (mostly of another secondment: refused).
  VoidCommand RandomVoid() {
    Position head = log_->Head();
    return {head == 0 ? 1 : 1 + static_cast<Position>(Pick(static_cast<int>(head))), "mistake",
            MaybeDated()};
  }
  // A void of one of the secondment's own steps (a start, return, feedback or handover).
  VoidCommand OwnVoid(const std::string& id) {
    std::vector<Position> steps;
    auto history = secondments_->History(id);
    for (const auto& e : *history) {
      auto p = e.Get().getPayload();
      if (p.isStarted() || p.isReturned() || p.isFeedbackRecorded() || p.isHandoverRecorded()) {
        steps.push_back(e.position());
      }
    }
    if (steps.empty()) return RandomVoid();
    return {steps[static_cast<size_t>(Pick(static_cast<int>(steps.size())))], "mistake",
            std::nullopt};
  }

  Command AnyCommand(const std::string& employee) {
    static const Scope kScopes[] = {Scope::PLACEMENT, Scope::EXTENSION, Scope::CONVERSION,
                                    Scope::CORRECTION};
    switch (Pick(14)) {
      case 0:
      case 1:
        return RandomProposal(employee);
      case 2:
      case 3:
        return ApproveCommand{kScopes[Pick(4)], "", MaybeDated()};
      case 4:
        return RefuseCommand{kScopes[Pick(4)], "no", MaybeDated()};
      case 5:
        return WithdrawCommand{"changed", MaybeDated()};
      case 6:
        return SignCommand{"AGR", 1, "", MaybeDated()};
      case 7:
        return StartCommand{MaybeDated()};
      case 8:
        return FeedbackCommand{1 + Pick(5), "fine", MaybeDated()};
      case 9:
        return RequestExtensionCommand{ShiftDays(Now(), Pick(700)), "more", MaybeDated()};
      case 10:
        return ReturnCommand{MaybeDated(), "", schema::ReturnPosition::SUBSTANTIVE};
      case 11:
        return RandomCorrection(nullptr);
      case 12:
        return RandomVoid();
      default:
        return ProposeConversionCommand{ShiftDays(Now(), Pick(200)), "permanent", "", MaybeDated()};
    }
  }

  // A step that the secondment's state makes likely to be accepted.
  std::pair<Command, Actor> PlausibleStep(const std::string& id, const std::string& employee) {
    auto loaded = secondments_->Load(id);
    if (!loaded.ok()) return {RandomProposal(employee), Hr()};
    const Secondment& s = *loaded;
    auto approve_next = [&](Scope scope, const Approvals& approvals) -> std::pair<Command, Actor> {
      auto outstanding = OutstandingApprovals(s, scope, Policy::Default());
      Role role =
          outstanding.empty() ? Role::HR : outstanding[Pick(static_cast<int>(outstanding.size()))];
      Actor actor = As(role);
      if (role == Role::HR && approvals.requested_by == "hr-1") actor.id = "hr-2";
      std::optional<CivilDate> date = std::max(approvals.requested_on, Now());
      if (Pick(30) == 0) return {RefuseCommand{scope, "not now", date}, actor};
      return {ApproveCommand{scope, "", date}, actor};
    };
    if (s.correction_request)
      return approve_next(Scope::CORRECTION, s.correction_request->approvals);
    if (Pick(25) == 0) return {RandomCorrection(&s), Hr()};
    if (Pick(30) == 0) return {OwnVoid(id), Hr()};
    switch (s.status) {
      case SecondmentStatus::kProposed:
        if (Pick(40) == 0) return {WithdrawCommand{"changed", std::nullopt}, Hr()};
        return approve_next(Scope::PLACEMENT, s.placement);
      case SecondmentStatus::kApproved:
        // People try to start before the agreement is signed; the rule must hold them back.
        if (!s.agreement_reference && Pick(3) != 0) {
          return {SignCommand{"AGR", 1, "", std::nullopt}, Hr()};
        }
        if (s.planned_start > Now()) {
          // Not yet: wait (a handover before leaving).
          return {
              HandoverCommand{schema::HandoverDirection::OUTBOUND, "a", "b", {}, "", std::nullopt},
              Hr()};
        }
        if (DaysFromCivil(Now()) - DaysFromCivil(s.planned_start) > 25) {
          // Approved too late to start in the window: HR moves the planned start.
          return {CorrectCommand{"planned_start", FormatDate(Now()), "start moved", std::nullopt},
                  Hr()};
        }
        return {StartCommand{Pick(4) == 0 ? ShiftDays(Now(), -Pick(3)) : Now()}, Hr()};
      case SecondmentStatus::kActive:
        if (s.extension_request)
          return approve_next(Scope::EXTENSION, s.extension_request->approvals);
        if (s.conversion_request) {
          return approve_next(Scope::CONVERSION, s.conversion_request->approvals);
        }
        switch (Pick(8)) {
          case 0:
          case 1:
            return {FeedbackCommand{1 + Pick(5), "fine", std::nullopt}, As(Role::HOST_MANAGER)};
          case 2:
            return {RequestExtensionCommand{ShiftDays(s.planned_end, 30 + Pick(300)), "more",
                                            std::nullopt},
                    Hr()};
          case 3:
            return {
                ProposeConversionCommand{ShiftDays(Now(), Pick(60)), "permanent", "", std::nullopt},
                Hr()};
          case 4:
            return {
                HandoverCommand{schema::HandoverDirection::RETURN, "b", "a", {}, "", std::nullopt},
                Hr()};
          default:
            // Return once the planned end is near or passed.
            if (Now() < ShiftDays(s.planned_end, -20)) {
              return {FeedbackCommand{3, "fine", std::nullopt}, As(Role::HOME_MANAGER)};
            }
            return {
                ReturnCommand{ShiftDays(Now(), -Pick(3)), "", schema::ReturnPosition::SUBSTANTIVE},
                Hr()};
        }
      default:
        return {AnyCommand(employee), AnyActor()};
    }
  }

  // The days a started secondment covered, as placements --as-of counts them.
  std::optional<Period> Placement(const Secondment& s) {
    if (!s.actual_start) return std::nullopt;
    if (s.status == SecondmentStatus::kActive) {
      return Period{*s.actual_start, std::max(s.planned_end, Now())};
    }
    if (s.returned_on || s.converted_on) return Period{*s.actual_start, s.EndBasis()};
    return std::nullopt;
  }

  // Checks every invariant over every secondment that exists.
  void CheckInvariants(const std::vector<std::string>& ids) {
    std::map<std::string, std::vector<std::pair<std::string, Period>>> placed;  // by employee
    for (const auto& id : ids) {
      auto loaded = secondments_->Load(id);
      if (loaded.status().code() == StatusCode::kNotFound) continue;
      ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
      const Secondment& s = *loaded;
      auto history = secondments_->History(id);
      ASSERT_TRUE(history.ok());
      bool started = s.actual_start.has_value();
      if (started) {
        EXPECT_EQ(s.placement.granted.size(), 3u) << id << " started without every approval";
        EXPECT_TRUE(s.agreement_reference.has_value()) << id << " started without an agreement";
        EXPECT_LE(*s.approved_on, *s.actual_start) << id << " started before its approval";
        EXPECT_LE(*s.signed_on, *s.actual_start) << id << " started before its agreement";
        int64_t off = DaysFromCivil(*s.actual_start) - DaysFromCivil(s.planned_start);
        EXPECT_LE(off < 0 ? -off : off, 30) << id << " started outside its window";
      }
      if (s.returned_on) {
        EXPECT_LE(*s.actual_start, *s.returned_on) << id;
      }
      if (s.converted_on) {
        EXPECT_LE(*s.actual_start, *s.converted_on) << id;
        EXPECT_LE(*s.converted_on, s.planned_end) << id << " converted after its planned end";
      }
      if (s.status == SecondmentStatus::kConverted) {
        EXPECT_GE(s.feedback_count, 1) << id << " converted without feedback";
      }
      if (s.placement.granted_by.size() == 3) {
        EXPECT_NE(s.placement.granted_by[0], s.placement.granted_by[1]) << id << ": four eyes";
        EXPECT_NE(s.placement.granted_by[1], s.placement.granted_by[2]) << id << ": four eyes";
        EXPECT_NE(s.placement.granted_by[0], s.placement.granted_by[2]) << id << ": four eyes";
      }
      for (const Fact& fact : s.facts) {
        if (!fact.within_placement || fact.voided) continue;
        EXPECT_LE(*s.actual_start, fact.date) << id << ": a step before the start";
        if (s.returned_on) {
          EXPECT_LE(fact.date, *s.returned_on) << id << ": a step after return";
        }
      }
      if (s.EndBasis() > AddMonths(s.actual_start.value_or(s.planned_start), 24)) {
        EXPECT_TRUE(s.exception_until && !(*s.exception_until < s.EndBasis()))
            << id << " runs beyond 24 months without an exception approval";
      }
      // Every step is dated on or after the proposal and no later than the day it was recorded
      // (a conversion takes effect on its own date).
      for (const auto& e : *history) {
        auto event = e.Get();
        if (event.getPayload().isConvertedToPermanent()) continue;
        CivilDate effective = DateOf(event.getEffectiveDate());
        EXPECT_LE(s.proposed_on, effective) << id << " #" << e.position();
        EXPECT_LE(effective, DateOfMicros(event.getRecordedAtMicros()))
            << id << " #" << e.position() << " is dated after the day it was recorded";
      }
      if (auto period = Placement(s)) placed[s.employee_id].push_back({id, *period});
    }
    // No employee on two placements on any day of the calendar so far.
    for (CivilDate day = kFirstDay; day <= Now(); day = ShiftDays(day, 1)) {
      for (const auto& [employee, periods] : placed) {
        std::vector<std::string> on;
        for (const auto& [id, period] : periods) {
          if (period.start <= day && day <= period.end) on.push_back(id);
        }
        ASSERT_LE(on.size(), 1u) << employee << " is on " << on[0] << " and " << on[1] << " on "
                                 << FormatDate(day);
      }
    }
  }
};

TEST_F(RandomLifecycleTest, NoReachableStateBreaksAnInvariant) {
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) ids.push_back("SEC-" + std::to_string(i));
  std::map<StatusCode, int> outcomes;
  std::map<std::string, int> accepted;  // by command
  for (int step = 0; step < 3000; ++step) {
    if (Pick(4) == 0) Today(ShiftDays(Now(), 1));
    const std::string& id = ids[Pick(static_cast<int>(ids.size()))];
    std::string employee = "emp-" + std::to_string(Pick(10));
    Position head = log_->Head();
    auto [command, actor] = Pick(4) == 0
                                ? std::pair<Command, Actor>(AnyCommand(employee), AnyActor())
                                : PlausibleStep(id, employee);
    auto outcome = secondments_->Execute(id, command, actor);
    outcomes[outcome.status().code()]++;
    if (!outcome.ok()) {
      ASSERT_NE(outcome.status().code(), StatusCode::kIOError) << outcome.status().ToString();
      ASSERT_NE(outcome.status().code(), StatusCode::kCorruption) << outcome.status().ToString();
      ASSERT_EQ(log_->Head(), head) << "refused but wrote: " << outcome.status().ToString();
    } else {
      accepted[std::string(CommandName(command))]++;
    }
    if (step % 100 == 99) {
      CheckInvariants(ids);
      if (HasFailure()) return;
    }
  }
  CheckInvariants(ids);
  // The walk must reach deep states, not just bounce off the first rules.
  int converted = 0, extended = 0, returned = 0;
  for (const auto& id : ids) {
    auto s = secondments_->Load(id);
    if (!s.ok()) continue;
    converted += s->status == SecondmentStatus::kConverted;
    returned += s->status == SecondmentStatus::kReturned;
    extended += !s->extensions.empty();
  }
  std::string seen;
  for (const auto& [name, count] : accepted) seen += name + "=" + std::to_string(count) + " ";
  RecordProperty("accepted", seen);
  EXPECT_GT(outcomes[StatusCode::kOk], 300) << seen;
  EXPECT_GT(converted + returned, 3) << seen;
  EXPECT_GT(extended, 0) << seen;
  EXPECT_GT(accepted["correct"], 10) << seen;
  EXPECT_GT(accepted["void"], 3) << seen;
  EXPECT_GT(accepted["start"], 10) << seen;
}

}  // namespace
}  // namespace secondment
