// token add / token revoke: who may reach `secondment serve`. See server/tokens.h.

#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "server/tokens.h"

namespace secondment::cli {
namespace {

int RunToken(Env& env, const Args& args) {
  const auto& words = args.positional();
  if (words.size() != 1 || (words[0] != "add" && words[0] != "revoke")) {
    return Fail(InvalidArgument("token needs add or revoke; see secondment token --help"));
  }
  auto path = args.Required("tokens");
  if (!path.ok()) return Fail(path.status());
  auto principal_id = args.Required("principal");
  if (!principal_id.ok()) return Fail(principal_id.status());
  auto file = server::TokenFile::Load(*path);
  if (!file.ok()) return Fail(file.status());
  if (words[0] == "revoke") {
    if (args.Has("role")) return Fail(InvalidArgument("token revoke takes no --role"));
    if (Status s = file->Revoke(*principal_id); !s.ok()) return Fail(s);
    if (Status s = file->Save(*path); !s.ok()) return Fail(s);
    std::fprintf(Out(), env.json() ? "{\"revoked\":\"%s\"}\n" : "revoked the token of %s\n",
                 principal_id->c_str());
    return 0;
  }
  server::Principal principal{*principal_id, {}};
  for (const std::string& role : args.All("role")) {
    auto parsed = server::ParseRole(role);
    if (!parsed.ok()) return Fail(parsed.status());
    principal.roles.push_back(*parsed);
  }
  auto token = file->Add(principal);
  if (!token.ok()) return Fail(token.status());
  if (Status s = file->Save(*path); !s.ok()) return Fail(s);
  // The only time the token is shown: the file keeps its hash.
  if (env.json()) {
    std::fprintf(Out(), "{\"principal\":\"%s\",\"token\":\"%s\"}\n", principal.id.c_str(),
                 token->c_str());
  } else {
    std::fprintf(Out(), "%s\n", token->c_str());
  }
  return 0;
}

}  // namespace

std::vector<CommandDef> TokenCommandDefs() {
  return {{"token",
           "token add --tokens FILE --principal ID --role ROLE [--role ROLE]... | token revoke "
           "--tokens FILE --principal ID",
           "issue a token for a principal (printed once, stored as its SHA-256) or revoke it",
           {{"tokens"}, {"principal"}, {"role", true, true}},
           RunToken}};
}

}  // namespace secondment::cli
