// The lifecycle steps after approval: withdraw, sign, start, handover, feedback,
// request-extension, return, propose-conversion. Each takes the secondment id and its options,
// is decided by the lifecycle rules and appended as the --actor acting --as a role.

#include "cli/commands.h"
#include "ledger/event/vocabulary.h"

namespace secondment::cli {
namespace {

Result<Command> Withdraw(const Args& args) {
  ASSIGN_OR_RETURN(std::string reason, args.Required("reason"));
  return Command(WithdrawCommand{reason});
}

Result<Command> Sign(const Args& args) {
  SignCommand c;
  ASSIGN_OR_RETURN(c.reference, args.Required("agreement"));
  ASSIGN_OR_RETURN(auto version, args.Integer("version", 1, 1000000));
  if (version) c.version = static_cast<uint32_t>(*version);
  c.sha256_hex = args.Get("sha256").value_or("");
  return Command(c);
}

Result<Command> Start(const Args& args) {
  ASSIGN_OR_RETURN(CivilDate date, args.RequiredDate("date"));
  return Command(StartCommand{date});
}

Result<Command> Handover(const Args& args) {
  HandoverCommand c;
  ASSIGN_OR_RETURN(std::string direction, args.Required("direction"));
  ASSIGN_OR_RETURN(c.direction, ParseDirection(direction, "--direction"));
  ASSIGN_OR_RETURN(c.from, args.Required("from"));
  ASSIGN_OR_RETURN(c.to, args.Required("to"));
  c.duties = args.All("duty");
  c.notes = args.Get("notes").value_or("");
  return Command(c);
}

Result<Command> Feedback(const Args& args) {
  FeedbackCommand c;
  ASSIGN_OR_RETURN(auto rating, args.Integer("rating", 1, 5));
  if (rating) c.rating = static_cast<int>(*rating);
  ASSIGN_OR_RETURN(c.text, args.Required("text"));
  return Command(c);
}

Result<Command> RequestExtension(const Args& args) {
  RequestExtensionCommand c;
  ASSIGN_OR_RETURN(c.until, args.RequiredDate("until"));
  ASSIGN_OR_RETURN(c.rationale, args.Required("rationale"));
  return Command(c);
}

Result<Command> Return(const Args& args) {
  ReturnCommand c;
  ASSIGN_OR_RETURN(c.date, args.RequiredDate("date"));
  c.reason = args.Get("reason").value_or("");
  if (auto position = args.Get("position")) {
    ASSIGN_OR_RETURN(c.position, ParseReturnPosition(*position, "--position"));
  }
  return Command(c);
}

Result<Command> ProposeConversion(const Args& args) {
  ProposeConversionCommand c;
  ASSIGN_OR_RETURN(c.effective, args.RequiredDate("effective"));
  ASSIGN_OR_RETURN(c.new_role, args.Required("new-role"));
  c.recruitment_ref = args.Get("recruitment-ref").value_or("");
  return Command(c);
}

template <Result<Command> (*Build)(const Args&)>
int RunStep(Env& env, const Args& args, std::string_view name) {
  auto id = args.OnlyPositional("secondment");
  if (!id.ok()) return Fail(id.status());
  auto command = Build(args);
  if (!command.ok()) return Fail(command.status());
  return ExecuteAndReport(env, name, *id, *command);
}

}  // namespace

std::vector<CommandDef> StepCommandDefs() {
  return {
      {"withdraw",
       "withdraw ID --reason TEXT",
       "withdraw a proposed or approved secondment",
       {{"reason"}},
       [](Env& e, const Args& a) { return RunStep<Withdraw>(e, a, "withdraw"); }},
      {"sign",
       "sign ID --agreement REF [--version N] [--sha256 HEX]",
       "record the signed secondment agreement",
       {{"agreement"}, {"version"}, {"sha256"}},
       [](Env& e, const Args& a) { return RunStep<Sign>(e, a, "sign"); }},
      {"start",
       "start ID --date YYYY-MM-DD",
       "record the actual start",
       {{"date"}},
       [](Env& e, const Args& a) { return RunStep<Start>(e, a, "start"); }},
      {"handover",
       "handover ID --direction outbound|inbound|return --from P --to P [--duty TEXT]... "
       "[--notes TEXT]",
       "record a handover of duties",
       {{"direction"}, {"from"}, {"to"}, {"duty", true, true}, {"notes"}},
       [](Env& e, const Args& a) { return RunStep<Handover>(e, a, "handover"); }},
      {"feedback",
       "feedback ID [--rating 1-5] --text TEXT",
       "record feedback from the --as role (host_manager, home_manager, secondee)",
       {{"rating"}, {"text"}},
       [](Env& e, const Args& a) { return RunStep<Feedback>(e, a, "feedback"); }},
      {"request-extension",
       "request-extension ID --until YYYY-MM-DD --rationale TEXT",
       "ask to extend an active secondment (approved like a placement)",
       {{"until"}, {"rationale"}},
       [](Env& e, const Args& a) { return RunStep<RequestExtension>(e, a, "request-extension"); }},
      {"return",
       "return ID --date YYYY-MM-DD [--reason TEXT] [--position substantive|equivalent]",
       "record the return to the home unit",
       {{"date"}, {"reason"}, {"position"}},
       [](Env& e, const Args& a) { return RunStep<Return>(e, a, "return"); }},
      {"propose-conversion",
       "propose-conversion ID --effective YYYY-MM-DD --new-role T [--recruitment-ref REF]",
       "propose converting the secondment into a permanent post (approved like a placement)",
       {{"effective"}, {"new-role"}, {"recruitment-ref"}},
       [](Env& e, const Args& a) {
         return RunStep<ProposeConversion>(e, a, "propose-conversion");
       }},
  };
}

}  // namespace secondment::cli
