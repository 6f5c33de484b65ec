// secondment policy show: the rules in force, with every four-eyes relaxation named. Locally
// that is --policy FILE (or the defaults); through --connect, the server's policy.

#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"

namespace secondment::cli {
namespace {

int RunPolicy(Env& env, const Args& args) {
  const auto& words = args.positional();
  if (words.size() != 1 || words[0] != "show") {
    return Fail(InvalidArgument("policy needs show; see secondment policy --help"));
  }
  Result<Policy> policy = InvalidArgument("unreachable");
  if (env.remote()) {
    auto desk = env.Desk({service::Operation::kReadSecondment});
    if (!desk.ok()) return Fail(desk.status());
    policy = (*desk)->GetPolicy();
  } else {
    policy = env.LoadPolicy();
  }
  if (!policy.ok()) return Fail(policy.status());
  if (env.json()) {
    std::fprintf(Out(), "%s\n", policy->ToJson().c_str());
    return 0;
  }
  for (const std::string& line : policy->Describe()) std::fprintf(Out(), "%s\n", line.c_str());
  return 0;
}

}  // namespace

CommandDef PolicyCommandDef() {
  return {"policy", "policy show", "print the policy in force, one rule a line", {}, RunPolicy};
}

}  // namespace secondment::cli
