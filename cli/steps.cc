// The lifecycle steps after approval: withdraw, sign, start, handover, feedback,
// request-extension, return, propose-conversion, and the corrections correct and void. Each
// takes the secondment id and its options, with the step's business date (--date, default
// today), is decided by the lifecycle rules and appended as the --actor acting --as a role.

#include "cli/commands.h"
#include "ledger/event/vocabulary.h"

namespace secondment::cli {
namespace {

Result<Command> Withdraw(const Args& args) {
  ASSIGN_OR_RETURN(std::string reason, args.Required("reason"));
  return Command(WithdrawCommand{reason});
}

Result<Command> Correct(const Args& args) {
  CorrectCommand c;
  ASSIGN_OR_RETURN(c.field, args.Required("field"));
  ASSIGN_OR_RETURN(c.value, args.Required("value"));
  ASSIGN_OR_RETURN(c.reason, args.Required("reason"));
  return Command(c);
}

Result<Command> Void(const Args& args) {
  VoidCommand c;
  ASSIGN_OR_RETURN(auto position, args.Integer("position", 1, INT64_MAX));
  if (!position) return InvalidArgument("--position is required");
  c.position = static_cast<uint64_t>(*position);
  ASSIGN_OR_RETURN(c.reason, args.Required("reason"));
  return Command(c);
}

Result<Command> Sign(const Args& args) {
  SignCommand c;
  ASSIGN_OR_RETURN(c.reference, args.Required("agreement"));
  ASSIGN_OR_RETURN(auto version, args.Integer("version", 1, 1000000));
  if (version) c.version = static_cast<uint32_t>(*version);
  c.sha256_hex = args.Get("sha256").value_or("");
  return Command(c);
}

Result<Command> Start(const Args&) { return Command(StartCommand{}); }

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
  if (Status dated = SetStepDate(args, *command); !dated.ok()) return Fail(dated);
  return ExecuteAndReport(env, name, *id, *command);
}

}  // namespace

std::vector<CommandDef> StepCommandDefs() {
  return {
      {"withdraw",
       "withdraw ID --reason TEXT [--date D]",
       "withdraw a proposed or approved secondment",
       {{"reason"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep<Withdraw>(e, a, "withdraw"); }},
      {"sign",
       "sign ID --agreement REF [--version N] [--sha256 HEX] [--date D]",
       "record the signed secondment agreement",
       {{"agreement"}, {"version"}, {"sha256"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep<Sign>(e, a, "sign"); }},
      {"start",
       "start ID [--date D]",
       "record the actual start (default today)",
       {{"date"}},
       [](Env& e, const Args& a) { return RunStep<Start>(e, a, "start"); }},
      {"handover",
       "handover ID --direction outbound|inbound|return --from P --to P [--duty TEXT]... "
       "[--notes TEXT] [--date D]",
       "record a handover of duties",
       {{"direction"}, {"from"}, {"to"}, {"duty", true, true}, {"notes"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep<Handover>(e, a, "handover"); }},
      {"feedback",
       "feedback ID [--rating 1-5] --text TEXT [--date D]",
       "record feedback from the --as role (host_manager, home_manager, secondee)",
       {{"rating"}, {"text"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep<Feedback>(e, a, "feedback"); }},
      {"request-extension",
       "request-extension ID --until YYYY-MM-DD --rationale TEXT [--date D]",
       "ask to extend an active secondment (approved like a placement)",
       {{"until"}, {"rationale"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep<RequestExtension>(e, a, "request-extension"); }},
      {"return",
       "return ID [--date D] [--reason TEXT] [--position substantive|equivalent]",
       "record the return to the home unit (default today)",
       {{"date"}, {"reason"}, {"position"}},
       [](Env& e, const Args& a) { return RunStep<Return>(e, a, "return"); }},
      {"propose-conversion",
       "propose-conversion ID --effective YYYY-MM-DD --new-role T [--recruitment-ref REF] "
       "[--date D]",
       "propose converting the secondment into a permanent post (approved like a placement)",
       {{"effective"}, {"new-role"}, {"recruitment-ref"}, {"date"}},
       [](Env& e, const Args& a) {
         return RunStep<ProposeConversion>(e, a, "propose-conversion");
       }},
      {"correct",
       "correct ID --field F --value V --reason TEXT [--date D]",
       "correct a recorded value (docs/cli.md, \"Correcting a mistake\")",
       {{"field"}, {"value"}, {"reason"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep<Correct>(e, a, "correct"); }},
      {"void",
       "void ID --position P --reason TEXT [--date D]",
       "mark a step recorded by mistake as void",
       {{"position"}, {"reason"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep<Void>(e, a, "void"); }},
  };
}

}  // namespace secondment::cli
