// The read commands: show, history, log. They open the ledger read-only, so they work beside
// a running writer, and need no --actor.

#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"

namespace secondment::cli {
namespace {

// A Secondments over a read-only log, for Load and History.
struct Reader {
  Policy policy;
  SystemClock clock;
  std::unique_ptr<Secondments> secondments;
};

// Checks the one positional id and opens the ledger read-only; a missing ledger means no
// such secondment.
Result<std::string> OpenFor(Env& env, const Args& args, Reader* reader) {
  ASSIGN_OR_RETURN(std::string id, args.OnlyPositional("secondment"));
  RETURN_IF_ERROR(ValidateId(id, "secondment"));
  ASSIGN_OR_RETURN(reader->policy, env.LoadPolicy());
  auto log = env.OpenForRead();
  if (log.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no secondment {}", id));
  }
  RETURN_IF_ERROR(log.status());
  reader->secondments = std::make_unique<Secondments>(*log, reader->policy, &reader->clock);
  return id;
}

int RunShow(Env& env, const Args& args) {
  Reader reader;
  auto id = OpenFor(env, args, &reader);
  if (!id.ok()) return Fail(id.status());
  auto state = reader.secondments->Load(*id);
  if (!state.ok()) return Fail(state.status());
  std::string text = env.json() ? SecondmentJson(*state, reader.policy) + "\n"
                                : SecondmentText(*state, reader.policy);
  std::fputs(text.c_str(), stdout);
  return 0;
}

int RunHistory(Env& env, const Args& args) {
  Reader reader;
  auto id = OpenFor(env, args, &reader);
  if (!id.ok()) return Fail(id.status());
  auto events = reader.secondments->History(*id);
  if (!events.ok()) return Fail(events.status());
  for (const auto& event : *events) {
    std::printf("%s\n", (env.json() ? EventJson(event) : EventLine(event)).c_str());
  }
  return 0;
}

int RunLog(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument(fmt::format("log takes no positional argument; unexpected '{}'",
                                            Printable(args.positional()[0], 40))));
  }
  auto from = args.Integer("from", 1, INT64_MAX);
  if (!from.ok()) return Fail(from.status());
  auto limit = args.Integer("limit", 1, 100000000);
  if (!limit.ok()) return Fail(limit.status());
  auto log = env.OpenForRead();
  if (log.status().code() == StatusCode::kNotFound) return 0;  // an empty ledger: nothing to list
  if (!log.ok()) return Fail(log.status());
  Position next = static_cast<Position>(from->value_or(1));
  uint64_t left = static_cast<uint64_t>(limit->value_or(INT64_MAX));
  while (left > 0) {
    auto page = (*log)->ReadAll(next, std::min<uint64_t>(left, 1000));
    if (!page.ok()) return Fail(page.status());
    if (page->empty()) break;
    for (const auto& event : *page) {
      std::printf("%s\n", (env.json() ? EventJson(event) : EventLine(event)).c_str());
    }
    left -= page->size();
    next = page->back().position() + 1;
  }
  return 0;
}

}  // namespace

std::vector<CommandDef> ReadCommandDefs() {
  return {
      {"show",
       "show ID",
       "the secondment's current state: parties, dates, approvals given and outstanding",
       {},
       RunShow},
      {"history", "history ID", "every event of the secondment, in order", {}, RunHistory},
      {"log",
       "log [--from P] [--limit N]",
       "the global log in order",
       {{"from"}, {"limit"}},
       RunLog},
  };
}

}  // namespace secondment::cli
