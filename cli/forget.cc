// secondment forget: erasure of a person's data, requested by one hr person and approved by
// another (docs/privacy.md).

#include <fmt/format.h>

#include <string>

#include "cli/commands.h"
#include "cli/output.h"

namespace secondment::cli {
namespace {

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "none" : out;
}

std::string PositionsText(const service::ErasureOutcome& outcome) {
  std::string out;
  for (Position p : outcome.clear_positions) out += (out.empty() ? "" : ", ") + std::to_string(p);
  if (outcome.clear_events > outcome.clear_positions.size()) {
    out += fmt::format(" and {} more", outcome.clear_events - outcome.clear_positions.size());
  }
  return out;
}

void PrintJson(const std::string& employee, const service::ErasureOutcome& o) {
  std::string ids, clear;
  for (const auto& id : o.secondments) ids += (ids.empty() ? "" : ",") + JsonString(id);
  for (Position p : o.clear_positions) clear += (clear.empty() ? "" : ",") + std::to_string(p);
  std::fprintf(Out(),
               "{\"employee\":%s,\"erased\":%s,\"subject\":%s,\"position\":%llu,"
               "\"requestedBy\":%s,\"secondments\":[%s],\"sealedEvents\":%llu,"
               "\"clearEvents\":%llu,\"clearPositions\":[%s],\"clearStream\":%s}\n",
               JsonString(employee).c_str(), o.erased ? "true" : "false",
               JsonString(o.pseudonym).c_str(), static_cast<unsigned long long>(o.position),
               JsonString(o.requested_by).c_str(), ids.c_str(),
               static_cast<unsigned long long>(o.sealed_events),
               static_cast<unsigned long long>(o.clear_events), clear.c_str(),
               o.legacy_stream ? JsonString("employee-" + employee).c_str() : "null");
}

int Run(Env& env, const Args& args) {
  if (args.positional().size() != 1) {
    return Fail(InvalidArgument("forget takes one EMPLOYEE id; see secondment forget --help"));
  }
  const std::string& employee = args.positional()[0];
  auto reason = args.Get("reason");
  bool approve = args.Has("approve");
  if (approve == reason.has_value()) {
    return Fail(InvalidArgument(
        "forget needs either --reason TEXT (to request the erasure) or --approve (to carry out "
        "a request another hr person made)"));
  }
  auto caller = env.Writer("forget");
  if (!caller.ok()) return Fail(caller.status());
  if (caller->role != service::Role::kHr) {
    return Fail(RuleViolation("not permitted: forget is for hr (--as hr --actor NAME)"));
  }
  auto ledger = env.Local("forget", service::Access::kWrite);
  if (!ledger.ok()) return Fail(ledger.status());
  auto outcome = approve ? (*ledger)->ApproveErasure(*caller, employee)
                         : (*ledger)->RequestErasure(*caller, employee, *reason);
  if (!outcome.ok()) return Fail(outcome.status());
  if (env.json()) {
    PrintJson(employee, *outcome);
    return 0;
  }
  if (!outcome->erased) {
    std::fprintf(Out(),
                 "erasure of %s requested by %s at position %llu (secondments: %s); another hr "
                 "person carries it out with: secondment forget %s --approve\n",
                 employee.c_str(), outcome->requested_by.c_str(),
                 static_cast<unsigned long long>(outcome->position),
                 JoinIds(outcome->secondments).c_str(), employee.c_str());
    return 0;
  }
  std::fprintf(Out(),
               "erased the personal data of %s (subject %s, secondments: %s): %llu sealed events "
               "now read as erased; PersonalDataErased at position %llu\n",
               employee.c_str(), outcome->pseudonym.c_str(), JoinIds(outcome->secondments).c_str(),
               static_cast<unsigned long long>(outcome->sealed_events),
               static_cast<unsigned long long>(outcome->position));
  if (outcome->clear_events > 0) {
    std::fprintf(
        Out(),
        "not erased: %llu events written before sealing existed still hold %s's data "
        "in clear in the log (positions %s%s); they stay, since removing them would "
        "break the hashes (docs/operations.md, \"Erasure and events in clear\")\n",
        static_cast<unsigned long long>(outcome->clear_events), employee.c_str(),
        PositionsText(*outcome).c_str(),
        outcome->legacy_stream ? fmt::format("; stream employee-{}", employee).c_str() : "");
  }
  return 0;
}

}  // namespace

CommandDef ForgetCommandDef() {
  return {"forget",
          "forget EMPLOYEE --reason TEXT | --approve",
          "erase a person's data: one hr person requests it, another approves (four eyes)",
          {{"reason"}, {"approve", false}},
          Run};
}

}  // namespace secondment::cli
