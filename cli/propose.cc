// secondment propose: a new secondment, from options or from a JSON file.

#include <fmt/format.h>

#include "cli/commands.h"
#include "ledger/base/json_input.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/proposal_json.h"

namespace secondment::cli {
namespace {

Result<Proposal> FromOptions(const Args& args) {
  Proposal p;
  ProposeCommand& c = p.command;
  p.id = args.Get("id");
  ASSIGN_OR_RETURN(c.employee_id, args.Required("employee"));
  ASSIGN_OR_RETURN(c.home.org, args.Required("home-org"));
  ASSIGN_OR_RETURN(c.home.unit, args.Required("home-unit"));
  ASSIGN_OR_RETURN(c.home.manager_id, args.Required("home-manager"));
  ASSIGN_OR_RETURN(c.host.org, args.Required("host-org"));
  ASSIGN_OR_RETURN(c.host.unit, args.Required("host-unit"));
  ASSIGN_OR_RETURN(c.host.manager_id, args.Required("host-manager"));
  ASSIGN_OR_RETURN(std::string kind, args.Required("kind"));
  ASSIGN_OR_RETURN(c.kind, ParseKind(kind, "--kind"));
  ASSIGN_OR_RETURN(c.role_title, args.Required("role-title"));
  ASSIGN_OR_RETURN(c.start, args.RequiredDate("start"));
  ASSIGN_OR_RETURN(c.end, args.RequiredDate("end"));
  ASSIGN_OR_RETURN(auto fte, args.Integer("fte", 1, 100));
  if (fte) c.fte_percent = static_cast<int>(*fte);
  c.country = args.Get("country").value_or("");
  c.location = args.Get("location").value_or("");
  if (auto cost = args.Get("cost")) {
    ASSIGN_OR_RETURN(c.cost, ParseCost(*cost, "--cost"));
  }
  c.objectives = args.All("objective");
  c.backfill = args.Get("backfill").value_or("");
  ASSIGN_OR_RETURN(c.date, args.Date("date"));
  return p;
}

int Run(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument(fmt::format("propose takes no positional argument; unexpected '{}'",
                                            Printable(args.positional()[0], 40))));
  }
  Result<Proposal> proposal = InvalidArgument("unreachable");
  // A file is read here, also through --connect: the server gets the proposal, not a path.
  if (std::optional<std::string> file = args.Get("file")) {
    for (const auto& spec : ProposeCommandDef().options) {
      if (spec.name != "file" && args.Has(spec.name)) {
        return Fail(InvalidArgument(
            fmt::format("--file cannot be combined with --{}; put it in the file", spec.name)));
      }
    }
    auto text = ReadSmallFile(*file);
    if (!text.ok()) return Fail(text.status());
    proposal = ParseProposalJson(*text, *file);
  } else {
    proposal = FromOptions(args);
  }
  if (!proposal.ok()) return Fail(proposal.status());
  return ExecuteAndReport(env, "propose", proposal->id, proposal->command);
}

}  // namespace

CommandDef ProposeCommandDef() {
  return {"propose",
          "propose [--id ID] --employee E --home-org O --home-unit U --home-manager M --host-org O "
          "--host-unit U --host-manager M --kind internal|external|international|non_profit|client "
          "--role-title T --start YYYY-MM-DD --end YYYY-MM-DD [--fte PCT] [--country CC] "
          "[--location L] [--cost home_pays|host_reimburses|host_pays] [--objective TEXT]... "
          "[--backfill TEXT] [--date D]\n       secondment propose --file F.json",
          "propose a secondment; prints its id",
          {{"id"},
           {"employee"},
           {"home-org"},
           {"home-unit"},
           {"home-manager"},
           {"host-org"},
           {"host-unit"},
           {"host-manager"},
           {"kind"},
           {"role-title"},
           {"start"},
           {"end"},
           {"fte"},
           {"country"},
           {"location"},
           {"cost"},
           {"objective", true, true},
           {"backfill"},
           {"date"},
           {"file"}},
          Run};
}

}  // namespace secondment::cli
