// Sealing one event at a time: every personal field leaves the clear bytes and comes back
// exactly on opening; erased, the ids read as erased and the texts as empty.

#include "ledger/event/sealing.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace secondment {
namespace {

constexpr char kSubject[] = "E-4242";

std::string Bytes(kj::ArrayPtr<const capnp::word> words) {
  return std::string(reinterpret_cast<const char*>(words.begin()), words.size() * 8);
}

std::string CanonicalBytes(schema::Event::Reader event) {
  return Bytes(capnp::AnyStruct::Reader(event).canonicalize());
}

// An event of one payload member with every field set, personal ones included.
using Fill = std::function<void(schema::Event::Payload::Builder)>;

struct Case {
  const char* name;
  Fill fill;
  std::vector<std::string> personal;  // the texts that must not stay in clear
};

std::vector<Case> Cases() {
  auto texts = [](capnp::List<capnp::Text>::Builder list, std::vector<const char*> values) {
    for (size_t i = 0; i < values.size(); ++i) list.set(static_cast<unsigned>(i), values[i]);
  };
  return {
      {"proposed",
       [&](auto p) {
         auto b = p.initProposed();
         b.setEmployeeId(kSubject);
         b.initHome().setOrg("Acme");
         b.getHome().setManagerId("mgr-home-77");
         b.initHost().setOrg("Globex");
         b.getHost().setManagerId("mgr-host-88");
         b.setRoleTitle("Analyst");
         texts(b.initObjectives(2), {"learn treasury", "mentor juniors"});
         b.setBackfillPlan("cover by a temp");
       },
       {"learn treasury", "mentor juniors", "cover by a temp", "mgr-home-77", "mgr-host-88"}},
      {"approvalGranted",
       [](auto p) { p.initApprovalGranted().setConditions("if budget ok"); },
       {"if budget ok"}},
      {"approvalRefused",
       [](auto p) { p.initApprovalRefused().setReason("no budget left"); },
       {"no budget left"}},
      {"withdrawn",
       [](auto p) { p.initWithdrawn().setReason("family reasons"); },
       {"family reasons"}},
      {"handoverRecorded",
       [&](auto p) {
         auto b = p.initHandoverRecorded();
         b.setFrom("colleague-a");
         b.setTo("colleague-b");
         texts(b.initDuties(2), {"payroll runs", "vendor calls"});
         b.setNotes("handed over well");
       },
       {"colleague-a", "colleague-b", "payroll runs", "vendor calls", "handed over well"}},
      {"feedbackRecorded",
       [](auto p) { p.initFeedbackRecorded().setText("a quick learner"); },
       {"a quick learner"}},
      {"extensionRequested",
       [](auto p) { p.initExtensionRequested().setRationale("project runs late"); },
       {"project runs late"}},
      {"returned",
       [](auto p) { p.initReturned().setReason("came back early, ill"); },
       {"came back early, ill"}},
      {"corrected",
       [](auto p) { p.initCorrected().setReason("typo in the unit"); },
       {"typo in the unit"}},
      {"correctionProposed",
       [](auto p) { p.initCorrectionProposed().setReason("wrong date entered"); },
       {"wrong date entered"}},
      {"voided", [](auto p) { p.initVoided().setReason("recorded twice"); }, {"recorded twice"}},
  };
}

TEST(SealingTest, EveryPersonalFieldLeavesTheClearBytesAndComesBackExactly) {
  SubjectKey key = NewSubjectKey();
  std::string pseudonym = NewPseudonym();
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    capnp::MallocMessageBuilder message;
    auto event = message.initRoot<schema::Event>();
    event.setStreamId("secondment-S-1");
    uint8_t id[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    event.setEventId(kj::arrayPtr(id, sizeof id));
    event.initActor().setId(kSubject);
    event.getActor().setRole(schema::Role::SECONDEE);
    c.fill(event.getPayload());
    std::string original = CanonicalBytes(event.asReader());

    ASSERT_TRUE(Seal(event, pseudonym, key, kSubject, SealOptions{.managers = true}).ok());
    std::string sealed = CanonicalBytes(event.asReader());
    EXPECT_EQ(sealed.find(kSubject), std::string::npos);
    for (const std::string& text : c.personal) EXPECT_EQ(sealed.find(text), std::string::npos);

    auto opened = Open(event.asReader(), Opening::kReveal, &key, pseudonym);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(Bytes(*opened), original);

    auto erased = Open(event.asReader(), Opening::kErase, nullptr, pseudonym);
    ASSERT_TRUE(erased.ok());
    std::string shown = Bytes(*erased);
    EXPECT_EQ(shown.find(kSubject), std::string::npos);
    for (const std::string& text : c.personal) {
      if (text.rfind("mgr-", 0) != 0) EXPECT_EQ(shown.find(text), std::string::npos);
    }
    EXPECT_NE(shown.find(ErasedId(pseudonym)), std::string::npos);

    SubjectKey other = NewSubjectKey();
    EXPECT_FALSE(Open(event.asReader(), Opening::kReveal, &other, pseudonym).ok());
  }
}

TEST(SealingTest, ManagersStayInClearUnlessThePolicySealsThem) {
  for (bool managers : {false, true}) {
    capnp::MallocMessageBuilder message;
    auto event = message.initRoot<schema::Event>();
    event.initActor().setId("hr-ana");
    Cases()[0].fill(event.getPayload());  // the proposal
    std::string original = CanonicalBytes(event.asReader());
    SubjectKey key = NewSubjectKey();
    std::string pseudonym = NewPseudonym();
    ASSERT_TRUE(Seal(event, pseudonym, key, kSubject, SealOptions{.managers = managers}).ok());
    std::string sealed = CanonicalBytes(event.asReader());
    EXPECT_EQ(sealed.find("mgr-home-77") == std::string::npos, managers);
    EXPECT_EQ(sealed.find("mgr-host-88") == std::string::npos, managers);
    EXPECT_EQ(sealed.find("learn treasury"), std::string::npos);
    auto opened = Open(event.asReader(), Opening::kReveal, &key, pseudonym);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(Bytes(*opened), original);
  }
}

TEST(SealingTest, AnEventWithNothingPersonalStaysInClear) {
  capnp::MallocMessageBuilder message;
  auto event = message.initRoot<schema::Event>();
  event.initActor().setId("hr-ana");
  event.getPayload().initStarted().initActualStart().setDay(3);
  std::string before = CanonicalBytes(event.asReader());
  ASSERT_TRUE(Seal(event, NewPseudonym(), NewSubjectKey(), kSubject, SealOptions{}).ok());
  EXPECT_FALSE(event.hasSealed());
  EXPECT_EQ(CanonicalBytes(event.asReader()), before);
}

}  // namespace
}  // namespace secondment
