#include "server/desk_server.h"

#include <fmt/format.h>

#include "ledger/event/schema_date.h"
#include "projections/row.h"
#include "server/wire.h"

namespace secondment::server {
namespace {

constexpr uint32_t kMaxLogPage = 10000;

}  // namespace

void Credential::Check(const Principal& principal, std::optional<Role> role) const {
  auto tokens = TokenFile::Load(tokens_path);
  if (!tokens.ok()) throw ToException(IOError("the server cannot read its tokens"));
  auto now = tokens->Authenticate(token);
  if (!now || now->id != principal.id || (role && !now->Has(*role))) {
    throw Unauthenticated("the token was revoked or changed");
  }
}

DeskServer::DeskServer(Principal principal, Role role, service::LedgerService& ledger,
                       Credential credential)
    : principal_(std::move(principal)),
      caller_{principal_.id, role},
      ledger_(ledger),
      credential_(std::move(credential)) {}

void DeskServer::Execute(const std::string& id, const Command& command, api::Outcome::Builder out) {
  credential_.Check(principal_, caller_.role);
  std::optional<std::string> target;
  if (!id.empty() || !std::holds_alternative<ProposeCommand>(command)) target = id;
  Outcome outcome = ValueOrThrow(ledger_.Execute(caller_, target, command));
  WriteOutcome(out, outcome);
}

kj::Promise<void> DeskServer::propose(ProposeContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()), ProposalOf(p.getProposal()), context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::approve(ApproveContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()), ApproveCommand{p.getScope(), TextOf(p.getConditions())},
          context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::refuse(RefuseContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()), RefuseCommand{p.getScope(), TextOf(p.getReason())},
          context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::withdraw(WithdrawContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()), WithdrawCommand{TextOf(p.getReason())},
          context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::sign(SignContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()),
          SignCommand{TextOf(p.getReference()), p.getVersion(), TextOf(p.getSha256Hex())},
          context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::start(StartContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()), StartCommand{DateOf(p.getDate())}, context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::handover(HandoverContext context) {
  auto p = context.getParams();
  HandoverCommand c;
  c.direction = p.getDirection();
  c.from = TextOf(p.getFrom());
  c.to = TextOf(p.getTo());
  for (auto duty : p.getDuties()) c.duties.push_back(TextOf(duty));
  c.notes = TextOf(p.getNotes());
  Execute(TextOf(p.getId()), c, context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::feedback(FeedbackContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()), FeedbackCommand{p.getRating(), TextOf(p.getText())},
          context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::requestExtension(RequestExtensionContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()),
          RequestExtensionCommand{DateOf(p.getUntil()), TextOf(p.getRationale())},
          context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::recordReturn(RecordReturnContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()),
          ReturnCommand{DateOf(p.getDate()), TextOf(p.getReason()), p.getPosition()},
          context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::proposeConversion(ProposeConversionContext context) {
  auto p = context.getParams();
  Execute(TextOf(p.getId()),
          ProposeConversionCommand{DateOf(p.getEffective()), TextOf(p.getNewRole()),
                                   TextOf(p.getRecruitmentRef())},
          context.getResults().initOutcome());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::show(ShowContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  auto folded = ValueOrThrow(ledger_.Show(caller_, TextOf(p.getId()), ReadAt(p.getAt())));
  projections::WriteSecondmentRow(context.getResults().initSecondment(), folded);
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::history(HistoryContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  auto events = ValueOrThrow(ledger_.History(caller_, TextOf(p.getId()), ReadAt(p.getAt())));
  WriteEvents(context.getResults().initEvents(static_cast<unsigned>(events.size())), events);
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::employeeHistory(EmployeeHistoryContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  auto events =
      ValueOrThrow(ledger_.EmployeeHistory(caller_, TextOf(p.getEmployee()), ReadAt(p.getAt())));
  WriteEvents(context.getResults().initEvents(static_cast<unsigned>(events.size())), events);
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::status(StatusContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  service::StatusQuery query;
  if (auto state = OptionalText(p.getState())) {
    query.state = ValueOrThrow(ParseStatusName(*state, "state"));
  }
  query.filter = ReadFilter(p.getFilter());
  query.at = ReadAt(p.getAt());
  auto rows = ValueOrThrow(ledger_.ListSecondments(caller_, query));
  auto out = context.getResults().initSecondments(static_cast<unsigned>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    projections::WriteSecondmentRow(out[static_cast<unsigned>(i)], rows[i]);
  }
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::placements(PlacementsContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  service::PlacementQuery query;
  query.filter = ReadFilter(p.getFilter());
  query.as_of = OptionalDate(p.getAsOf());
  query.at = ReadAt(p.getAt());
  auto rows = ValueOrThrow(ledger_.ListPlacements(caller_, query));
  auto out = context.getResults().initPlacements(static_cast<unsigned>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    projections::WritePlacementRow(out[static_cast<unsigned>(i)], rows[i]);
  }
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::alerts(AlertsContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  service::AlertQuery query;
  query.within_days = static_cast<int>(std::min<uint32_t>(p.getWithinDays(), 3650));
  query.today = OptionalDate(p.getToday());
  auto alerts = ValueOrThrow(ledger_.ListAlerts(caller_, query));
  auto out = context.getResults().initAlerts(static_cast<unsigned>(alerts.size()));
  for (size_t i = 0; i < alerts.size(); ++i) {
    out[static_cast<unsigned>(i)].setKind(alerts[i].kind);
    out[static_cast<unsigned>(i)].setId(alerts[i].id);
    out[static_cast<unsigned>(i)].setWhy(alerts[i].why);
  }
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::log(LogContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  if (p.getFrom() == 0) ThrowIfError(InvalidArgument("positions start at 1"));
  if (p.getLimit() == 0 || p.getLimit() > kMaxLogPage) {
    ThrowIfError(
        InvalidArgument(fmt::format("a page of the log holds 1 to {} events", kMaxLogPage)));
  }
  auto events = ValueOrThrow(ledger_.ReadLog(caller_, p.getFrom(), p.getLimit()));
  WriteEvents(context.getResults().initEvents(static_cast<unsigned>(events.size())), events);
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::head(HeadContext context) {
  credential_.Check(principal_, caller_.role);
  context.getResults().setPosition(ledger_.Head());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::positionAt(PositionAtContext context) {
  credential_.Check(principal_, caller_.role);
  context.getResults().setPosition(
      ValueOrThrow(ledger_.PositionAt(context.getParams().getMicros())));
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::treeHead(TreeHeadContext context) {
  credential_.Check(principal_, caller_.role);
  auto head = ValueOrThrow(ledger_.GetTreeHead(caller_));
  auto results = context.getResults();
  results.setLedger(head.ledger_id);
  results.setSize(head.head.size);
  results.setRoot(kj::arrayPtr(head.head.root.data(), head.head.root.size()));
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::verify(VerifyContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  std::optional<PublicKey> trusted;
  if (auto pem = OptionalText(p.getTrustedKeyPem())) {
    trusted = ValueOrThrow(PublicKey::FromPem(*pem));
  }
  std::optional<SignedCheckpoint> held;
  if (auto note = OptionalText(p.getHeldNote())) held = ValueOrThrow(ParseCheckpointNote(*note));
  auto outcome = ValueOrThrow(ledger_.Verify(caller_, trusted, held));
  auto report = context.getResults().initReport();
  report.setEvents(outcome.report.events);
  report.setRoot(kj::arrayPtr(outcome.report.root.data(), outcome.report.root.size()));
  report.setStreams(outcome.report.streams);
  report.setCheckpoints(outcome.report.checkpoints);
  auto ids = report.initCheckpointKeyIds(static_cast<unsigned>(outcome.checkpoint_key_ids.size()));
  for (size_t i = 0; i < outcome.checkpoint_key_ids.size(); ++i) {
    ids.set(static_cast<unsigned>(i), outcome.checkpoint_key_ids[i]);
  }
  if (outcome.extension) {
    report.setExtendsSize(outcome.extension->size);
    report.setExtendsRoot(
        kj::arrayPtr(outcome.extension->root.data(), outcome.extension->root.size()));
  }
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::prove(ProveContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  SignedCheckpoint checkpoint = ValueOrThrow(ParseCheckpointNote(TextOf(p.getCheckpointNote())));
  auto proof = ValueOrThrow(ledger_.Prove(caller_, TextOf(p.getId()), checkpoint));
  context.getResults().setProofJson(proof.ToJson());
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::storeCheckpoint(StoreCheckpointContext context) {
  credential_.Check(principal_, caller_.role);
  auto p = context.getParams();
  SignedCheckpoint checkpoint = ValueOrThrow(ParseCheckpointNote(TextOf(p.getNote())));
  PublicKey key = ValueOrThrow(PublicKey::FromPem(TextOf(p.getPublicKeyPem())));
  ThrowIfError(ledger_.StoreCheckpoint(caller_, checkpoint, key));
  return kj::READY_NOW;
}

kj::Promise<void> DeskServer::rebuild(RebuildContext context) {
  credential_.Check(principal_, caller_.role);
  auto name = OptionalText(context.getParams().getProjection());
  context.getResults().setEvents(ValueOrThrow(ledger_.Rebuild(caller_, name)));
  return kj::READY_NOW;
}

}  // namespace secondment::server
