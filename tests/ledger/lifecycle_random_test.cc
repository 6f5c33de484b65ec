// Long random command sequences against a real ledger: whatever is accepted, no reachable
// state breaks an invariant of the lifecycle.

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "tests/ledger/lifecycle_fixture.h"

namespace secondment {
namespace {

using schema::Role;
using schema::Scope;
using testing::LifecycleTest;

class RandomLifecycleTest : public LifecycleTest {
 protected:
  std::mt19937_64 rng_{20261122};

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  CivilDate Day(int from_2026) { return CivilFromDays(DaysFromCivil({2026, 1, 1}) + from_2026); }

  Actor AnyActor() {
    static const Role kRoles[] = {Role::HR, Role::HOME_MANAGER, Role::HOST_MANAGER, Role::SECONDEE,
                                  Role::EXCEPTION};
    Role role = kRoles[Pick(5)];
    // Mostly the named managers, sometimes someone else.
    return Pick(10) == 0 ? Actor{"mgr-intruder", role} : As(role);
  }

  Command AnyCommand(const std::string& employee) {
    static const Scope kScopes[] = {Scope::PLACEMENT, Scope::EXTENSION, Scope::CONVERSION};
    int start = Pick(700);
    switch (Pick(12)) {
      case 0:
      case 1: {
        auto c = Proposal();
        c.employee_id = employee;
        c.start = Day(start);
        c.end = Day(start + 30 + Pick(800));
        return c;
      }
      case 2:
      case 3:
        return ApproveCommand{kScopes[Pick(3)], ""};
      case 4:
        return RefuseCommand{kScopes[Pick(3)], "no"};
      case 5:
        return WithdrawCommand{"changed"};
      case 6:
        return SignCommand{"AGR", 1, ""};
      case 7:
        return StartCommand{Day(start)};
      case 8:
        return FeedbackCommand{1 + Pick(5), "fine"};
      case 9:
        return RequestExtensionCommand{Day(start + Pick(900)), "more"};
      case 10:
        return ReturnCommand{Day(start + Pick(300)), "", schema::ReturnPosition::SUBSTANTIVE};
      default:
        return ProposeConversionCommand{Day(start + Pick(400)), "permanent", ""};
    }
  }

  // A step that the secondment's state makes likely to be accepted: the next approval by a
  // role still needed, the agreement, the start, feedback, an extension, a return.
  std::pair<Command, Actor> PlausibleStep(const std::string& id, const std::string& employee) {
    auto loaded = secondments_->Load(id);
    if (!loaded.ok()) {
      auto c = Proposal();
      c.employee_id = employee;
      int start = Pick(700);
      c.start = Day(start);
      c.end = Day(start + 30 + Pick(300));
      return {c, Hr()};
    }
    const Secondment& s = *loaded;
    auto approve_next = [&](Scope scope) -> std::pair<Command, Actor> {
      auto outstanding = OutstandingApprovals(s, scope, Policy::Default());
      Role role =
          outstanding.empty() ? Role::HR : outstanding[Pick(static_cast<int>(outstanding.size()))];
      if (Pick(30) == 0) return {RefuseCommand{scope, "not now"}, As(role)};
      return {ApproveCommand{scope, ""}, As(role)};
    };
    int days_in = static_cast<int>(DaysFromCivil(s.planned_start) - DaysFromCivil({2026, 1, 1}));
    switch (s.status) {
      case SecondmentStatus::kProposed:
        if (Pick(40) == 0) return {WithdrawCommand{"changed"}, Hr()};
        return approve_next(Scope::PLACEMENT);
      case SecondmentStatus::kApproved:
        // People try to start before the agreement is signed; the rule must hold them back.
        if (!s.agreement_reference && Pick(3) != 0) return {SignCommand{"AGR", 1, ""}, Hr()};
        return {StartCommand{s.planned_start}, Hr()};
      case SecondmentStatus::kActive:
        if (s.feedback_count == 0 && Pick(4) == 0) {
          return {ProposeConversionCommand{Day(days_in + Pick(300)), "permanent", ""}, Hr()};
        }
        if (s.extension_request) return approve_next(Scope::EXTENSION);
        if (s.conversion_request) return approve_next(Scope::CONVERSION);
        switch (Pick(6)) {
          case 0:
          case 1:
            return {FeedbackCommand{1 + Pick(5), "fine"}, As(Role::HOST_MANAGER)};
          case 2:
            return {RequestExtensionCommand{Day(days_in + 200 + Pick(700)), "more"}, Hr()};
          case 3:
            return {ProposeConversionCommand{Day(days_in + Pick(300)), "permanent", ""}, Hr()};
          default:
            return {
                ReturnCommand{Day(days_in + Pick(400)), "", schema::ReturnPosition::SUBSTANTIVE},
                Hr()};
        }
      default:
        return {AnyCommand(employee), AnyActor()};
    }
  }

  // Checks every invariant over every secondment that exists.
  void CheckInvariants(const std::vector<std::string>& ids) {
    std::map<std::string, std::vector<Secondment>> open_by_employee;
    for (const auto& id : ids) {
      auto loaded = secondments_->Load(id);
      if (loaded.status().code() == StatusCode::kNotFound) continue;
      ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
      const Secondment& s = *loaded;
      auto history = secondments_->History(id);
      ASSERT_TRUE(history.ok());
      bool active_or_after = s.status == SecondmentStatus::kActive ||
                             s.status == SecondmentStatus::kReturned ||
                             s.status == SecondmentStatus::kConverted;
      if (active_or_after) {
        EXPECT_EQ(s.placement.granted.size(), 3u) << id << " started without every approval";
        EXPECT_TRUE(s.agreement_reference.has_value()) << id << " started without an agreement";
      }
      if (s.status == SecondmentStatus::kConverted) {
        EXPECT_GE(s.feedback_count, 1) << id << " converted without feedback";
      }
      CivilDate start = s.actual_start.value_or(s.planned_start);
      if (s.planned_end > AddMonths(start, 24)) {
        bool exception = false;
        for (const auto& e : *history) {
          auto p = e.Get().getPayload();
          exception |= p.isApprovalGranted() &&
                       p.getApprovalGranted().getApproverRole() == Role::EXCEPTION &&
                       p.getApprovalGranted().getScope() == Scope::EXTENSION;
        }
        EXPECT_TRUE(exception) << id << " runs beyond 24 months without an exception approval";
      }
      if (!IsTerminal(s.status)) open_by_employee[s.employee_id].push_back(s);
    }
    for (const auto& [employee, open] : open_by_employee) {
      for (size_t i = 0; i < open.size(); ++i) {
        for (size_t j = i + 1; j < open.size(); ++j) {
          bool overlap = open[i].planned_start <= open[j].planned_end &&
                         open[j].planned_start <= open[i].planned_end;
          EXPECT_FALSE(overlap) << employee << ": " << open[i].id << " overlaps " << open[j].id;
        }
      }
    }
  }
};

TEST_F(RandomLifecycleTest, NoReachableStateBreaksAnInvariant) {
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back("SEC-" + std::to_string(i));
  std::map<StatusCode, int> outcomes;
  for (int step = 0; step < 3000; ++step) {
    const std::string& id = ids[Pick(static_cast<int>(ids.size()))];
    std::string employee = "emp-" + std::to_string(Pick(6));
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
  EXPECT_GT(outcomes[StatusCode::kOk], 300);
  EXPECT_GT(converted + returned, 3);
  EXPECT_GT(extended, 0);
}

}  // namespace
}  // namespace secondment
