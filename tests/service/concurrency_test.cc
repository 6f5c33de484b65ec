// One LedgerService called from 8 threads at once, as the server's workers will: commands on
// distinct secondments all land; commands on one shared secondment all land, none lost; and a
// writer outside the service meets it through conflicts retried as the write path always has.

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "ledger/log/verify.h"
#include "tests/service/service_fixture.h"

namespace secondment::testing {
namespace {

constexpr int kThreads = 8;

// The i-th handover of thread t: duties go to a cover named after the thread.
HandoverCommand Cover(int t, int i) {
  return {schema::HandoverDirection::OUTBOUND,
          "emp-1",
          "cover-" + std::to_string(t),
          {},
          std::to_string(i)};
}

TEST_F(ServiceTest, EightThreadsOnDistinctSecondmentsAllLand) {
  constexpr int kEach = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string n = std::to_string(t * kEach + i);
        if (!Run(Hr(), "SEC-" + n, Proposal(("emp-" + n).c_str())).ok()) ++failures;
        if (!Run(HomeManager(), "SEC-" + n, ApproveCommand{schema::Scope::PLACEMENT, ""}).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ledger_->Head(), static_cast<Position>(kThreads * kEach * 3));
  auto rows = ledger_->ListSecondments(Admin(), {});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), static_cast<size_t>(kThreads * kEach));
  for (const auto& row : *rows) {
    EXPECT_EQ(row.state.placement.granted, std::vector<schema::Role>{schema::Role::HOME_MANAGER});
  }
  EXPECT_TRUE(VerifyLog(ledger_->log()).ok());
}

TEST_F(ServiceTest, EightThreadsProposingUnderGeneratedIdsGetDistinctIds) {
  constexpr int kEach = 10;
  std::mutex mu;
  std::set<std::string> ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string employee = "emp-" + std::to_string(t * kEach + i);
        auto outcome = ledger_->Execute(Hr(), std::nullopt, Proposal(employee.c_str()));
        EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
        if (!outcome.ok()) continue;
        std::lock_guard<std::mutex> lock(mu);
        EXPECT_TRUE(ids.insert(outcome->id).second) << outcome->id << " given twice";
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kEach));
}

// Every thread records handovers on the same secondment: within one service, commands on one
// secondment take turns, so none meets a conflict and none is lost.
TEST_F(ServiceTest, EightThreadsOnOneSharedSecondmentLoseNoUpdate) {
  Active("SEC-1");
  constexpr int kEach = 12;
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto outcome = Run(HomeManager(), "SEC-1", Cover(t, i));
        if (!outcome.ok()) {
          ++refused;
          ADD_FAILURE() << outcome.status().ToString();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(refused.load(), 0);
  auto shown = ledger_->Show(Admin(), "SEC-1");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->state.handover_count, kThreads * kEach);
  EXPECT_EQ(shown->version, 5u + kThreads * kEach);
  auto rows = ledger_->ListSecondments(Admin(), {});
  EXPECT_EQ((*rows)[0].state.handover_count, kThreads * kEach);
}

// A writer outside the service (as another process would, through its own write path on the
// same log) records feedback on the secondment the threads record handovers on. They meet
// through the expected versions: a command that loses decides again on the new state, up to
// 5 times, and is refused with Conflict, writing nothing, if it keeps losing. Every
// acknowledged command is in the stream, exactly once; nothing else is.
TEST_F(ServiceTest, AWriterOutsideTheServiceMeetsItThroughRetriedConflicts) {
  Active("SEC-1");
  constexpr int kEach = 12;
  Secondments outside(&ledger_->log(), Policy::Default(), &clock_);
  std::atomic<int> handovers{0}, feedbacks{0}, conflicts{0};
  auto count = [&](const Result<Outcome>& outcome, std::atomic<int>& landed) {
    if (outcome.ok()) {
      ++landed;
    } else if (outcome.status().code() == StatusCode::kConflict) {
      ++conflicts;
    } else {
      ADD_FAILURE() << outcome.status().ToString();
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        count(Run(HomeManager(), "SEC-1", Cover(t, i)), handovers);
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kEach; ++i) {
      count(outside.Execute("SEC-1", FeedbackCommand{4, "week " + std::to_string(i)},
                            {"mgr-host", schema::Role::HOST_MANAGER}),
            feedbacks);
    }
  });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(handovers + feedbacks + conflicts, (kThreads + 1) * kEach);
  auto shown = ledger_->Show(Admin(), "SEC-1");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->state.handover_count, handovers.load());
  EXPECT_EQ(shown->state.feedback_count, feedbacks.load());
  EXPECT_EQ(shown->version, 5u + handovers + feedbacks);
  // The read models take in the writes from outside too, with the next command.
  Ok(Hr(), "SEC-1", ReturnCommand{Day("2026-06-30"), ""});
  auto rows = ledger_->ListSecondments(Admin(), {});
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].state.handover_count, handovers.load());
  EXPECT_EQ((*rows)[0].state.feedback_count, feedbacks.load());
}

}  // namespace
}  // namespace secondment::testing
