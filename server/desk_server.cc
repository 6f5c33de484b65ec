#include "server/desk_server.h"

#include <fmt/format.h>

#include "ledger/event/schema_date.h"
#include "projections/row.h"
#include "server/wire.h"

namespace secondment::server {
namespace {

constexpr uint32_t kMaxLogPage = 10000;

// A step's business date: none when all zero, else a real calendar day.
std::optional<CivilDate> StepDate(schema::Date::Reader date) {
  if (date.getYear() == 0 && date.getMonth() == 0 && date.getDay() == 0) return std::nullopt;
  CivilDate d = DateOf(date);
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 ||
      CivilFromDays(DaysFromCivil(d)) != d) {
    throw ToException(
        InvalidArgument(fmt::format("invalid date {:04}-{:02}-{:02}", d.year, d.month, d.day)));
  }
  return d;
}

}  // namespace

void Credential::Check(const Principal& principal, std::optional<Role> role) const {
  auto now = tokens->Authenticate(token);
  if (!now.ok()) throw ToException(IOError("the server cannot read its tokens"));
  if (!*now || (*now)->id != principal.id || (role && !(*now)->Has(*role))) {
    throw Unauthenticated("the token was revoked or changed");
  }
}

DeskServer::DeskServer(Principal principal, Role role, service::LedgerService& ledger,
                       Workers& workers, Credential credential)
    : principal_(std::move(principal)),
      caller_{principal_.id, role},
      ledger_(ledger),
      workers_(workers),
      credential_(std::move(credential)) {}

template <typename T, typename Context, typename Work, typename Write>
kj::Promise<void> DeskServer::Offload(Context context, Work work, Write write) {
  // The closure holds copies, not `this`: the client may drop the desk while it runs.
  return workers_
      .Run<T>([credential = credential_, principal = principal_, role = caller_.role,
               work = kj::mv(work)]() mutable -> T {
        credential.Check(principal, role);
        return work();
      })
      .then([context, write = kj::mv(write)](T value) mutable {
        write(context.getResults(), value);
      });
}

template <typename Context>
kj::Promise<void> DeskServer::Execute(Context context, const std::string& id, Command command) {
  std::optional<std::string> target;
  if (!id.empty() || !std::holds_alternative<ProposeCommand>(command)) target = id;
  return Offload<Outcome>(
      context,
      [ledger = &ledger_, caller = caller_, target = std::move(target),
       command = std::move(command)] {
        return ValueOrThrow(ledger->Execute(caller, target, command));
      },
      [on_append = on_append](auto results, const Outcome& outcome) {
        WriteOutcome(results.initOutcome(), outcome);
        if (on_append && !outcome.positions.empty()) on_append();
      });
}

kj::Promise<void> DeskServer::propose(ProposeContext context) {
  auto p = context.getParams();
  ProposeCommand c = ProposalOf(p.getProposal());
  c.date = StepDate(p.getDate());
  return Execute(context, TextOf(p.getId()), c);
}

kj::Promise<void> DeskServer::approve(ApproveContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 ApproveCommand{p.getScope(), TextOf(p.getConditions()), StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::refuse(RefuseContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 RefuseCommand{p.getScope(), TextOf(p.getReason()), StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::withdraw(WithdrawContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 WithdrawCommand{TextOf(p.getReason()), StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::sign(SignContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 SignCommand{TextOf(p.getReference()), p.getVersion(), TextOf(p.getSha256Hex()),
                             StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::start(StartContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()), StartCommand{StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::handover(HandoverContext context) {
  auto p = context.getParams();
  HandoverCommand c;
  c.direction = p.getDirection();
  c.from = TextOf(p.getFrom());
  c.to = TextOf(p.getTo());
  for (auto duty : p.getDuties()) c.duties.push_back(TextOf(duty));
  c.notes = TextOf(p.getNotes());
  c.date = StepDate(p.getDate());
  return Execute(context, TextOf(p.getId()), c);
}

kj::Promise<void> DeskServer::feedback(FeedbackContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 FeedbackCommand{p.getRating(), TextOf(p.getText()), StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::requestExtension(RequestExtensionContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 RequestExtensionCommand{DateOf(p.getUntil()), TextOf(p.getRationale()),
                                         StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::recordReturn(RecordReturnContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 ReturnCommand{StepDate(p.getDate()), TextOf(p.getReason()), p.getPosition()});
}

kj::Promise<void> DeskServer::proposeConversion(ProposeConversionContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 ProposeConversionCommand{DateOf(p.getEffective()), TextOf(p.getNewRole()),
                                          TextOf(p.getRecruitmentRef()), StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::correct(CorrectContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 CorrectCommand{TextOf(p.getField()), TextOf(p.getValue()), TextOf(p.getReason()),
                                StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::voidStep(VoidStepContext context) {
  auto p = context.getParams();
  return Execute(context, TextOf(p.getId()),
                 VoidCommand{p.getPosition(), TextOf(p.getReason()), StepDate(p.getDate())});
}

kj::Promise<void> DeskServer::policy(PolicyContext context) {
  return Offload<Policy>(
      context, [ledger = &ledger_] { return ledger->policy(); },
      [](auto results, const Policy& policy) {
        results.setJson(policy.ToJson());
        auto lines = policy.Describe();
        auto rules = results.initRules(static_cast<unsigned>(lines.size()));
        for (size_t i = 0; i < lines.size(); ++i) rules.set(static_cast<unsigned>(i), lines[i]);
      });
}

kj::Promise<void> DeskServer::show(ShowContext context) {
  auto p = context.getParams();
  return Offload<projections::Folded>(
      context,
      [ledger = &ledger_, caller = caller_, id = TextOf(p.getId()), at = ReadAt(p.getAt())] {
        return ValueOrThrow(ledger->Show(caller, id, at));
      },
      [](auto results, const projections::Folded& folded) {
        projections::WriteSecondmentRow(results.initSecondment(), folded);
      });
}

// Writes a list of events into the `events` of any result that has them.
constexpr auto kWriteEvents = [](auto results, const std::vector<RecordedEvent>& events) {
  WriteEvents(results.initEvents(static_cast<unsigned>(events.size())), events);
};

kj::Promise<void> DeskServer::history(HistoryContext context) {
  auto p = context.getParams();
  return Offload<std::vector<RecordedEvent>>(
      context,
      [ledger = &ledger_, caller = caller_, id = TextOf(p.getId()), at = ReadAt(p.getAt())] {
        return ValueOrThrow(ledger->History(caller, id, at));
      },
      kWriteEvents);
}

kj::Promise<void> DeskServer::employeeHistory(EmployeeHistoryContext context) {
  auto p = context.getParams();
  return Offload<std::vector<RecordedEvent>>(
      context,
      [ledger = &ledger_, caller = caller_, employee = TextOf(p.getEmployee()),
       at = ReadAt(p.getAt())] {
        return ValueOrThrow(ledger->EmployeeHistory(caller, employee, at));
      },
      kWriteEvents);
}

kj::Promise<void> DeskServer::status(StatusContext context) {
  auto p = context.getParams();
  service::StatusQuery query;
  if (auto state = OptionalText(p.getState())) {
    query.state = ValueOrThrow(ParseStatusName(*state, "state"));
  }
  query.filter = ReadFilter(p.getFilter());
  query.at = ReadAt(p.getAt());
  return Offload<std::vector<projections::Folded>>(
      context,
      [ledger = &ledger_, caller = caller_, query] {
        return ValueOrThrow(ledger->ListSecondments(caller, query));
      },
      [](auto results, const std::vector<projections::Folded>& rows) {
        auto out = results.initSecondments(static_cast<unsigned>(rows.size()));
        for (size_t i = 0; i < rows.size(); ++i) {
          projections::WriteSecondmentRow(out[static_cast<unsigned>(i)], rows[i]);
        }
      });
}

kj::Promise<void> DeskServer::placements(PlacementsContext context) {
  auto p = context.getParams();
  service::PlacementQuery query;
  query.filter = ReadFilter(p.getFilter());
  query.as_of = OptionalDate(p.getAsOf());
  query.at = ReadAt(p.getAt());
  return Offload<std::vector<projections::Placement>>(
      context,
      [ledger = &ledger_, caller = caller_, query] {
        return ValueOrThrow(ledger->ListPlacements(caller, query));
      },
      [](auto results, const std::vector<projections::Placement>& rows) {
        auto out = results.initPlacements(static_cast<unsigned>(rows.size()));
        for (size_t i = 0; i < rows.size(); ++i) {
          projections::WritePlacementRow(out[static_cast<unsigned>(i)], rows[i]);
        }
      });
}

kj::Promise<void> DeskServer::alerts(AlertsContext context) {
  auto p = context.getParams();
  service::AlertQuery query;
  query.within_days = static_cast<int>(std::min<uint32_t>(p.getWithinDays(), 3650));
  query.today = OptionalDate(p.getToday());
  return Offload<std::vector<projections::Alert>>(
      context,
      [ledger = &ledger_, caller = caller_, query] {
        return ValueOrThrow(ledger->ListAlerts(caller, query));
      },
      [](auto results, const std::vector<projections::Alert>& alerts) {
        auto out = results.initAlerts(static_cast<unsigned>(alerts.size()));
        for (size_t i = 0; i < alerts.size(); ++i) {
          out[static_cast<unsigned>(i)].setKind(alerts[i].kind);
          out[static_cast<unsigned>(i)].setId(alerts[i].id);
          out[static_cast<unsigned>(i)].setWhy(alerts[i].why);
        }
      });
}

kj::Promise<void> DeskServer::log(LogContext context) {
  auto p = context.getParams();
  if (p.getFrom() == 0) ThrowIfError(InvalidArgument("positions start at 1"));
  if (p.getLimit() == 0 || p.getLimit() > kMaxLogPage) {
    ThrowIfError(
        InvalidArgument(fmt::format("a page of the log holds 1 to {} events", kMaxLogPage)));
  }
  return Offload<std::vector<RecordedEvent>>(
      context,
      [ledger = &ledger_, caller = caller_, from = p.getFrom(), limit = p.getLimit()] {
        return ValueOrThrow(ledger->ReadLog(caller, from, limit));
      },
      kWriteEvents);
}

kj::Promise<void> DeskServer::head(HeadContext context) {
  return Offload<Position>(
      context, [ledger = &ledger_] { return ledger->Head(); },
      [](auto results, Position head) { results.setPosition(head); });
}

kj::Promise<void> DeskServer::positionAt(PositionAtContext context) {
  return Offload<Position>(
      context,
      [ledger = &ledger_, micros = context.getParams().getMicros()] {
        return ValueOrThrow(ledger->PositionAt(micros));
      },
      [](auto results, Position position) { results.setPosition(position); });
}

kj::Promise<void> DeskServer::treeHead(TreeHeadContext context) {
  return Offload<service::TreeHeadView>(
      context,
      [ledger = &ledger_, caller = caller_] { return ValueOrThrow(ledger->GetTreeHead(caller)); },
      [](auto results, const service::TreeHeadView& head) {
        results.setLedger(head.ledger_id);
        results.setSize(head.head.size);
        results.setRoot(kj::arrayPtr(head.head.root.data(), head.head.root.size()));
      });
}

kj::Promise<void> DeskServer::verify(VerifyContext context) {
  auto p = context.getParams();
  std::optional<PublicKey> trusted;
  if (auto pem = OptionalText(p.getTrustedKeyPem())) {
    trusted = ValueOrThrow(PublicKey::FromPem(*pem));
  }
  std::optional<SignedCheckpoint> held;
  if (auto note = OptionalText(p.getHeldNote())) held = ValueOrThrow(ParseCheckpointNote(*note));
  return Offload<service::VerifyOutcome>(
      context,
      [ledger = &ledger_, caller = caller_, trusted = std::move(trusted), held = std::move(held)] {
        return ValueOrThrow(ledger->Verify(caller, trusted, held));
      },
      [](auto results, const service::VerifyOutcome& outcome) {
        auto report = results.initReport();
        report.setEvents(outcome.report.events);
        report.setRoot(kj::arrayPtr(outcome.report.root.data(), outcome.report.root.size()));
        report.setStreams(outcome.report.streams);
        report.setCheckpoints(outcome.report.checkpoints);
        auto ids =
            report.initCheckpointKeyIds(static_cast<unsigned>(outcome.checkpoint_key_ids.size()));
        for (size_t i = 0; i < outcome.checkpoint_key_ids.size(); ++i) {
          ids.set(static_cast<unsigned>(i), outcome.checkpoint_key_ids[i]);
        }
        if (outcome.extension) {
          report.setExtendsSize(outcome.extension->size);
          report.setExtendsRoot(
              kj::arrayPtr(outcome.extension->root.data(), outcome.extension->root.size()));
        }
      });
}

kj::Promise<void> DeskServer::prove(ProveContext context) {
  auto p = context.getParams();
  SignedCheckpoint checkpoint = ValueOrThrow(ParseCheckpointNote(TextOf(p.getCheckpointNote())));
  return Offload<std::string>(
      context,
      [ledger = &ledger_, caller = caller_, id = TextOf(p.getId()),
       checkpoint = std::move(checkpoint)] {
        return ValueOrThrow(ledger->Prove(caller, id, checkpoint)).ToJson();
      },
      [](auto results, const std::string& json) { results.setProofJson(json); });
}

kj::Promise<void> DeskServer::storeCheckpoint(StoreCheckpointContext context) {
  auto p = context.getParams();
  SignedCheckpoint checkpoint = ValueOrThrow(ParseCheckpointNote(TextOf(p.getNote())));
  PublicKey key = ValueOrThrow(PublicKey::FromPem(TextOf(p.getPublicKeyPem())));
  return Offload<bool>(
      context,
      [ledger = &ledger_, caller = caller_, checkpoint = std::move(checkpoint),
       key = std::move(key)] {
        ThrowIfError(ledger->StoreCheckpoint(caller, checkpoint, key));
        return true;
      },
      [](auto, bool) {});
}

kj::Promise<void> DeskServer::rebuild(RebuildContext context) {
  return Offload<uint64_t>(
      context,
      [ledger = &ledger_, caller = caller_,
       name = OptionalText(context.getParams().getProjection())] {
        return ValueOrThrow(ledger->Rebuild(caller, name));
      },
      [](auto results, uint64_t events) { results.setEvents(events); });
}

}  // namespace secondment::server
