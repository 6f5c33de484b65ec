// The server side of a Desk (schemas/api.capnp): each typed call, turned into a call on the
// application as the session's principal in the desk's role.

#ifndef SECONDMENT_SERVER_DESK_SERVER_H_
#define SECONDMENT_SERVER_DESK_SERVER_H_

#include <functional>
#include <optional>
#include <string>

#include "schemas/api.capnp.h"
#include "server/tokens.h"
#include "server/workers.h"
#include "service/ledger_service.h"

namespace secondment::server {

// The token a session was opened with: checked again before every call, so that a revocation
// ends what a session can do at once, not when it disconnects.
struct Credential {
  TokenSource* tokens;  // borrowed; outlives every session
  std::string token;

  // Throws Unauthenticated unless the token still names `principal` (with `role`, when
  // given).
  void Check(const Principal& principal, std::optional<Role> role = std::nullopt) const;
};

class DeskServer final : public api::Desk::Server {
 public:
  // `ledger` and `workers` are borrowed and must outlive the desk. Every call runs on
  // `workers`, off the event loop.
  DeskServer(Principal principal, Role role, service::LedgerService& ledger, Workers& workers,
             Credential credential);

  kj::Promise<void> propose(ProposeContext context) override;
  kj::Promise<void> approve(ApproveContext context) override;
  kj::Promise<void> refuse(RefuseContext context) override;
  kj::Promise<void> withdraw(WithdrawContext context) override;
  kj::Promise<void> sign(SignContext context) override;
  kj::Promise<void> start(StartContext context) override;
  kj::Promise<void> handover(HandoverContext context) override;
  kj::Promise<void> feedback(FeedbackContext context) override;
  kj::Promise<void> requestExtension(RequestExtensionContext context) override;
  kj::Promise<void> recordReturn(RecordReturnContext context) override;
  kj::Promise<void> proposeConversion(ProposeConversionContext context) override;
  kj::Promise<void> correct(CorrectContext context) override;
  kj::Promise<void> voidStep(VoidStepContext context) override;
  kj::Promise<void> policy(PolicyContext context) override;

  kj::Promise<void> show(ShowContext context) override;
  kj::Promise<void> history(HistoryContext context) override;
  kj::Promise<void> employeeHistory(EmployeeHistoryContext context) override;
  kj::Promise<void> status(StatusContext context) override;
  kj::Promise<void> placements(PlacementsContext context) override;
  kj::Promise<void> alerts(AlertsContext context) override;
  kj::Promise<void> log(LogContext context) override;
  kj::Promise<void> head(HeadContext context) override;
  kj::Promise<void> positionAt(PositionAtContext context) override;

  kj::Promise<void> treeHead(TreeHeadContext context) override;
  kj::Promise<void> verify(VerifyContext context) override;
  kj::Promise<void> prove(ProveContext context) override;
  kj::Promise<void> storeCheckpoint(StoreCheckpointContext context) override;
  kj::Promise<void> rebuild(RebuildContext context) override;

  // Called on the loop once a call has appended events (to wake the feeds), if set.
  std::function<void()> on_append;

 private:
  // On a worker: checks the credential, then runs `work` (which must not touch `context`);
  // then, on the loop, `write(context.getResults(), value)` with what it returned.
  template <typename T, typename Context, typename Work, typename Write>
  kj::Promise<void> Offload(Context context, Work work, Write write);

  // Records `command` on `id` (empty: a new proposal's generated id) and returns the outcome.
  template <typename Context>
  kj::Promise<void> Execute(Context context, const std::string& id, Command command);

  const Principal principal_;
  const service::Caller caller_;
  service::LedgerService& ledger_;
  Workers& workers_;
  const Credential credential_;
};

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_DESK_SERVER_H_
