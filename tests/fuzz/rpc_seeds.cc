// rpc_seeds: writes the seeds of the rpc fuzz target (tests/data/fuzz/rpc): for each method of
// schemas/api.capnp, the bytes a real Cap'n Proto client sends to log in with the fixture's
// token, take a desk or the feed, and make that call; and a few that never log in.
//
//   rpc_seeds DIR
//
// Run it again when the schema changes, and commit what it writes.

#include <capnp/rpc-twoparty.h>
#include <kj/async-io.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include "ledger/event/schema_date.h"
#include "ledger/lifecycle/lifecycle.h"
#include "schemas/api.capnp.h"
#include "tests/fuzz/rpc_fixture.h"

namespace secondment::fuzz {
namespace {

// The client's end of a connection, keeping a copy of every byte the client writes.
class Recorder final : public kj::AsyncIoStream {
 public:
  explicit Recorder(kj::Own<kj::AsyncIoStream> inner) : inner_(kj::mv(inner)) {}
  const std::string& sent() const { return sent_; }

  kj::Promise<size_t> tryRead(void* buffer, size_t min_bytes, size_t max_bytes) override {
    return inner_->tryRead(buffer, min_bytes, max_bytes);
  }
  kj::Promise<void> write(const void* buffer, size_t size) override {
    sent_.append(static_cast<const char*>(buffer), size);
    return inner_->write(buffer, size);
  }
  kj::Promise<void> write(kj::ArrayPtr<const kj::ArrayPtr<const kj::byte>> pieces) override {
    for (auto piece : pieces)
      sent_.append(reinterpret_cast<const char*>(piece.begin()), piece.size());
    return inner_->write(pieces);
  }
  kj::Promise<void> whenWriteDisconnected() override { return inner_->whenWriteDisconnected(); }
  void shutdownWrite() override { inner_->shutdownWrite(); }

 private:
  kj::Own<kj::AsyncIoStream> inner_;
  std::string sent_;
};

class Sink final : public api::EventSink::Server {
 protected:
  kj::Promise<void> event(EventContext) override { return kj::READY_NOW; }
};

using Body = std::function<kj::Promise<void>(api::Login::Client)>;

// Connects, runs `body` (its calls may fail: a refusal is a fine seed), and writes what the
// client sent to DIR/NAME.
void Record(RpcFixture& fixture, const std::string& dir, const std::string& name, Body body) {
  auto pipe = kj::newTwoWayPipe();
  auto serving = fixture.server().Connect(kj::mv(pipe.ends[0]), "seeds");
  Recorder recorder(kj::mv(pipe.ends[1]));
  {
    capnp::TwoPartyClient client(recorder);
    auto login = client.bootstrap().castAs<api::Login>();
    body(login)
        .catch_([](kj::Exception&&) {})
        .exclusiveJoin(fixture.timer().afterDelay(500 * kj::MILLISECONDS))
        .wait(fixture.wait_scope());
  }
  // (An in-memory pipe holds nothing: what the server still sends must be read.)
  auto reading = Drain(recorder).catch_([](kj::Exception&&) {}).eagerlyEvaluate(nullptr);
  recorder.shutdownWrite();
  serving.catch_([](kj::Exception&&) {}).wait(fixture.wait_scope());
  reading.wait(fixture.wait_scope());
  fixture.server().WaitForCalls();
  std::ofstream(dir + "/" + name + ".bin", std::ios::binary) << recorder.sent();
  std::printf("%s: %zu bytes\n", name.c_str(), recorder.sent().size());
}

api::Session::Client LogIn(api::Login::Client login, const std::string& token = kFuzzToken) {
  auto request = login.authenticateRequest();
  request.setToken(token);
  return request.send().getSession();
}

api::Desk::Client DeskAs(api::Login::Client login, const char* role) {
  auto request = LogIn(login).deskRequest();
  request.setRole(role);
  return request.send().getDesk();
}

constexpr char kId[] = "FZ-1";

void SetDay(schema::Date::Builder date, unsigned month, unsigned day) {
  SetDate(date, CivilDate{2026, month, day});
}

}  // namespace

int WriteSeeds(const std::string& dir) {
  RpcFixture fixture;
  auto& f = fixture;
  Record(f, dir, "whoami",
         [](auto login) { return LogIn(login).whoamiRequest().send().ignoreResult(); });
  Record(f, dir, "unknown-token", [](auto login) {
    return LogIn(login, "sl_" + std::string(64, '0')).whoamiRequest().send().ignoreResult();
  });
  Record(f, dir, "no-role", [](auto login) {
    auto request = LogIn(login).deskRequest();
    request.setRole("admin");
    return request.send().ignoreResult();
  });
  Record(f, dir, "propose", [](auto login) {
    auto request = DeskAs(login, "hr").proposeRequest();
    request.setId(kId);
    ProposeCommand c;
    c.employee_id = "e-fuzz";
    c.home = {"Org", "Home", "m-home"};
    c.host = {"Org", "Host", "m-host"};
    c.kind = schema::Kind::INTERNAL;
    c.role_title = "Analyst";
    c.start = CivilDate{2026, 4, 1};
    c.end = CivilDate{2026, 9, 30};
    SetProposal(request.initProposal(), c);
    return request.send().ignoreResult();
  });
  Record(f, dir, "approve", [](auto login) {
    auto request = DeskAs(login, "home_manager").approveRequest();
    request.setId(kId);
    request.setScope(schema::Scope::PLACEMENT);
    request.setConditions("none");
    return request.send().ignoreResult();
  });
  Record(f, dir, "refuse", [](auto login) {
    auto request = DeskAs(login, "host_manager").refuseRequest();
    request.setId(kId);
    request.setScope(schema::Scope::PLACEMENT);
    request.setReason("no budget");
    return request.send().ignoreResult();
  });
  Record(f, dir, "withdraw", [](auto login) {
    auto request = DeskAs(login, "hr").withdrawRequest();
    request.setId(kId);
    request.setReason("changed plans");
    return request.send().ignoreResult();
  });
  Record(f, dir, "sign", [](auto login) {
    auto request = DeskAs(login, "hr").signRequest();
    request.setId(kId);
    request.setReference("AGR-1");
    request.setVersion(1);
    request.setSha256Hex(std::string(64, 'a'));
    return request.send().ignoreResult();
  });
  Record(f, dir, "start", [](auto login) {
    auto request = DeskAs(login, "hr").startRequest();
    request.setId(kId);
    SetDay(request.initDate(), 4, 1);
    return request.send().ignoreResult();
  });
  Record(f, dir, "handover", [](auto login) {
    auto request = DeskAs(login, "home_manager").handoverRequest();
    request.setId(kId);
    request.setDirection(schema::HandoverDirection::OUTBOUND);
    request.setFrom("e-fuzz");
    request.setTo("e-cover");
    auto duties = request.initDuties(2);
    duties.set(0, "payroll run");
    duties.set(1, "audit");
    request.setNotes("notes");
    return request.send().ignoreResult();
  });
  Record(f, dir, "feedback", [](auto login) {
    auto request = DeskAs(login, "host_manager").feedbackRequest();
    request.setId(kId);
    request.setRating(4);
    request.setText("good");
    return request.send().ignoreResult();
  });
  Record(f, dir, "request-extension", [](auto login) {
    auto request = DeskAs(login, "hr").requestExtensionRequest();
    request.setId(kId);
    SetDay(request.initUntil(), 12, 31);
    request.setRationale("project");
    return request.send().ignoreResult();
  });
  Record(f, dir, "return", [](auto login) {
    auto request = DeskAs(login, "hr").recordReturnRequest();
    request.setId(kId);
    SetDay(request.initDate(), 9, 30);
    request.setReason("ended");
    request.setPosition(schema::ReturnPosition::SUBSTANTIVE);
    return request.send().ignoreResult();
  });
  Record(f, dir, "propose-conversion", [](auto login) {
    auto request = DeskAs(login, "hr").proposeConversionRequest();
    request.setId(kId);
    SetDay(request.initEffective(), 10, 1);
    request.setNewRole("Lead");
    request.setRecruitmentRef("REC-1");
    return request.send().ignoreResult();
  });
  Record(f, dir, "correct", [](auto login) {
    auto request = DeskAs(login, "hr").correctRequest();
    request.setId(kId);
    request.setField("host_unit");
    request.setValue("Outreach");
    request.setReason("renamed");
    SetDay(request.initDate(), 3, 1);
    return request.send().ignoreResult();
  });
  Record(f, dir, "void-step", [](auto login) {
    auto request = DeskAs(login, "hr").voidStepRequest();
    request.setId(kId);
    request.setPosition(3);
    request.setReason("wrong secondment");
    return request.send().ignoreResult();
  });
  Record(f, dir, "policy",
         [](auto login) { return DeskAs(login, "auditor").policyRequest().send().ignoreResult(); });
  Record(f, dir, "show", [](auto login) {
    auto request = DeskAs(login, "hr").showRequest();
    request.setId(kId);
    request.initAt().setPosition(1);
    return request.send().ignoreResult();
  });
  Record(f, dir, "history", [](auto login) {
    auto request = DeskAs(login, "hr").historyRequest();
    request.setId(kId);
    request.initAt().setNow();
    return request.send().ignoreResult();
  });
  Record(f, dir, "employee-history", [](auto login) {
    auto request = DeskAs(login, "hr").employeeHistoryRequest();
    request.setEmployee("e-fuzz");
    return request.send().ignoreResult();
  });
  Record(f, dir, "status", [](auto login) {
    auto request = DeskAs(login, "hr").statusRequest();
    request.setState("active");
    request.initFilter().setHostOrg("Org");
    return request.send().ignoreResult();
  });
  Record(f, dir, "placements", [](auto login) {
    auto request = DeskAs(login, "hr").placementsRequest();
    request.initFilter().setCountry("FR");
    SetDay(request.initAsOf(), 5, 1);
    return request.send().ignoreResult();
  });
  Record(f, dir, "alerts", [](auto login) {
    auto request = DeskAs(login, "hr").alertsRequest();
    request.setWithinDays(30);
    return request.send().ignoreResult();
  });
  Record(f, dir, "log", [](auto login) {
    auto request = DeskAs(login, "auditor").logRequest();
    request.setFrom(1);
    request.setLimit(100);
    return request.send().ignoreResult();
  });
  Record(f, dir, "head-position-at", [](auto login) {
    auto desk = DeskAs(login, "auditor");
    auto at = desk.positionAtRequest();
    at.setMicros(1800000000000000);
    return desk.headRequest().send().ignoreResult().then(
        [at = kj::mv(at)]() mutable { return at.send().ignoreResult(); });
  });
  Record(f, dir, "tree-head", [](auto login) {
    return DeskAs(login, "auditor").treeHeadRequest().send().ignoreResult();
  });
  Record(f, dir, "verify",
         [](auto login) { return DeskAs(login, "auditor").verifyRequest().send().ignoreResult(); });
  Record(f, dir, "prove", [](auto login) {
    auto request = DeskAs(login, "auditor").proveRequest();
    request.setId(kId);
    request.setCheckpointNote("ledger\n1\nAAAA\n\n- key sig\n");
    return request.send().ignoreResult();
  });
  Record(f, dir, "store-checkpoint", [](auto login) {
    auto request = DeskAs(login, "auditor").storeCheckpointRequest();
    request.setNote("ledger\n1\nAAAA\n\n- key sig\n");
    request.setPublicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    return request.send().ignoreResult();
  });
  Record(f, dir, "rebuild", [](auto login) {
    auto request = DeskAs(login, "hr").rebuildRequest();
    request.setProjection("placements");
    return request.send().ignoreResult();
  });
  Record(f, dir, "follow-acknowledge", [](auto login) {
    auto feed = LogIn(login).feedRequest().send().getFeed();
    auto ack = feed.acknowledgeRequest();
    ack.setConsumer("payroll");
    ack.setPosition(1);
    auto follow = feed.followRequest();
    follow.setFrom(1);
    follow.initTypes(1).set(0, "proposed");
    follow.setConsumer("payroll");
    follow.setSink(kj::heap<Sink>());
    return ack.send().ignoreResult().then(
        [follow = kj::mv(follow)]() mutable { return follow.send().ignoreResult(); });
  });
  return 0;
}

}  // namespace secondment::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: rpc_seeds DIR\n");
    return 2;
  }
  return secondment::fuzz::WriteSeeds(argv[1]);
}
