// The lifecycle steps after a proposal: approve and refuse (a decision on an open placement,
// extension, conversion or correction request, by the --as role), withdraw, sign, start,
// handover, feedback, request-extension, return, propose-conversion, and the corrections
// correct and void. Each takes the secondment id and its options, read as the HTTP API reads
// a body (ledger/lifecycle/step_input.h), with the step's business date (--date, default
// today), is decided by the lifecycle rules and appended as the --actor acting --as a role.

#include "cli/commands.h"
#include "ledger/lifecycle/step_input.h"

namespace secondment::cli {
namespace {

// The command line's options as a step's fields (ledger/lifecycle/step_input.h).
class ArgsStepInput final : public StepInput {
 public:
  explicit ArgsStepInput(const Args& args) : args_(args) {}
  Result<std::optional<std::string>> Text(std::string_view name) const override {
    return args_.Get(name);
  }
  Result<std::vector<std::string>> Texts(std::string_view name) const override {
    return args_.All(name);
  }
  Result<std::optional<int64_t>> Integer(std::string_view name, int64_t min,
                                         int64_t max) const override {
    return args_.Integer(name, min, max);
  }
  Result<std::optional<CivilDate>> Date(std::string_view name) const override {
    return args_.Date(name);
  }
  Status Missing(std::string_view name) const override { return args_.Required(name).status(); }
  std::string What(std::string_view name) const override { return fmt::format("--{}", name); }

 private:
  const Args& args_;
};

int RunStep(Env& env, const Args& args, std::string_view name) {
  auto id = args.OnlyPositional("secondment");
  if (!id.ok()) return Fail(id.status());
  auto command = ParseStep(name, ArgsStepInput(args));
  if (!command.ok()) return Fail(command.status());
  return ExecuteAndReport(env, name, *id, *command);
}

}  // namespace

std::vector<CommandDef> StepCommandDefs() {
  return {
      {"approve",
       "approve ID --scope placement|extension|conversion|correction [--conditions TEXT] "
       "[--date D]",
       "approve an open request as the --as role",
       {{"scope"}, {"conditions"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "approve"); }},
      {"refuse",
       "refuse ID --scope placement|extension|conversion|correction --reason TEXT [--date D]",
       "refuse an open request as the --as role",
       {{"scope"}, {"reason"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "refuse"); }},
      {"withdraw",
       "withdraw ID --reason TEXT [--date D]",
       "withdraw a proposed or approved secondment",
       {{"reason"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "withdraw"); }},
      {"sign",
       "sign ID --agreement REF [--version N] [--sha256 HEX] [--date D]",
       "record the signed secondment agreement",
       {{"agreement"}, {"version"}, {"sha256"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "sign"); }},
      {"start",
       "start ID [--date D]",
       "record the actual start (default today)",
       {{"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "start"); }},
      {"handover",
       "handover ID --direction outbound|inbound|return --from P --to P [--duty TEXT]... "
       "[--notes TEXT] [--date D]",
       "record a handover of duties",
       {{"direction"}, {"from"}, {"to"}, {"duty", true, true}, {"notes"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "handover"); }},
      {"feedback",
       "feedback ID [--rating 1-5] --text TEXT [--date D]",
       "record feedback from the --as role (host_manager, home_manager, secondee)",
       {{"rating"}, {"text"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "feedback"); }},
      {"request-extension",
       "request-extension ID --until YYYY-MM-DD --rationale TEXT [--date D]",
       "ask to extend an active secondment (approved like a placement)",
       {{"until"}, {"rationale"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "request-extension"); }},
      {"return",
       "return ID [--date D] [--reason TEXT] [--position substantive|equivalent]",
       "record the return to the home unit (default today)",
       {{"date"}, {"reason"}, {"position"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "return"); }},
      {"propose-conversion",
       "propose-conversion ID --effective YYYY-MM-DD --new-role T [--recruitment-ref REF] "
       "[--date D]",
       "propose converting the secondment into a permanent post (approved like a placement)",
       {{"effective"}, {"new-role"}, {"recruitment-ref"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "propose-conversion"); }},
      {"correct",
       "correct ID --field F --value V --reason TEXT [--date D]",
       "correct a recorded value (docs/cli.md, \"Correcting a mistake\")",
       {{"field"}, {"value"}, {"reason"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "correct"); }},
      {"void",
       "void ID --position P --reason TEXT [--date D]",
       "mark a step recorded by mistake as void",
       {{"position"}, {"reason"}, {"date"}},
       [](Env& e, const Args& a) { return RunStep(e, a, "void"); }},
  };
}

}  // namespace secondment::cli
