// The read commands: show, history, log. Locally they open the ledger read-only, so they work
// beside a running writer, and need no --actor.

#include <fmt/format.h>

#include <cstdio>
#include <map>

#include "cli/commands.h"
#include "cli/follow.h"
#include "cli/output.h"
#include "cli/table_output.h"

namespace secondment::cli {
namespace {

using service::Access;
using service::Operation;

void PrintEvents(const Env& env, const Args& args, const std::vector<RecordedEvent>& events) {
  if (args.Has("csv") && !env.json()) {
    std::vector<Row> rows;
    for (const auto& event : events) rows.push_back(EventCsvRow(event));
    PrintTable(EventCsvHeader(), rows, /*csv=*/true);
    return;
  }
  if (env.json()) {
    for (const auto& event : events) std::fprintf(Out(), "%s\n", EventJson(event).c_str());
    return;
  }
  // Each correction and void also stands beside the step it corrected.
  std::map<Position, std::vector<std::string>> notes;
  for (const auto& event : events) {
    if (auto note = CorrectionNote(event)) notes[note->first].push_back(note->second);
  }
  for (const auto& event : events) {
    std::fprintf(Out(), "%s\n", EventLine(event).c_str());
    auto found = notes.find(event.position());
    if (found == notes.end()) continue;
    for (const auto& note : found->second) std::fprintf(Out(), "         ^ %s\n", note.c_str());
  }
}

int RunShow(Env& env, const Args& args) {
  auto id = args.OnlyPositional("secondment");
  if (!id.ok()) return Fail(id.status());
  if (Status valid = ValidateId(*id, "secondment"); !valid.ok()) return Fail(valid);
  auto desk = env.Desk({Operation::kReadSecondment});
  if (!desk.ok()) return Fail(desk.status());
  auto policy = (*desk)->GetPolicy();
  if (!policy.ok()) return Fail(policy.status());
  auto at = LedgerTime(args, **desk);
  if (!at.ok()) return Fail(at.status());
  auto folded = (*desk)->Show(*id, *at);
  if (!folded.ok()) return Fail(folded.status());
  const Secondment& state = folded->state;
  std::string text = env.json() ? SecondmentJson(state, *policy, Today()) + "\n"
                                : SecondmentText(state, *policy, Today());
  std::fputs(text.c_str(), Out());
  return 0;
}

// history ID: the secondment's events, as the history projection lists them (or, with
// --known-at/--at-position, as its stream stood then). history --employee E: the events of
// every secondment of the employee, in log order.
int RunHistory(Env& env, const Args& args) {
  std::optional<std::string> employee = args.Get("employee");
  if (employee && !args.positional().empty()) {
    return Fail(InvalidArgument("history takes a secondment id or --employee, not both"));
  }
  std::string id;
  if (employee) {
    if (Status valid = ValidateId(*employee, "employee"); !valid.ok()) return Fail(valid);
  } else {
    auto only = args.OnlyPositional("secondment");
    if (!only.ok()) return Fail(only.status());
    if (Status valid = ValidateId(*only, "secondment"); !valid.ok()) return Fail(valid);
    id = *only;
  }
  auto desk = env.Desk({employee ? Operation::kReadEmployee : Operation::kReadSecondment});
  if (!desk.ok()) return Fail(desk.status());
  auto at = LedgerTime(args, **desk);
  if (!at.ok()) return Fail(at.status());
  auto events = employee ? (*desk)->EmployeeHistory(*employee, *at) : (*desk)->History(id, *at);
  if (!events.ok()) return Fail(events.status());
  PrintEvents(env, args, *events);
  return 0;
}

int RunLog(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument(fmt::format("log takes no positional argument; unexpected '{}'",
                                            Printable(args.positional()[0], 40))));
  }
  if (args.Has("follow")) return RunFollow(env, args);
  if (args.Has("type") || args.Has("consumer")) {
    return Fail(InvalidArgument("--type and --consumer go with --follow"));
  }
  auto from = args.Integer("from", 1, INT64_MAX);
  if (!from.ok()) return Fail(from.status());
  auto limit = args.Integer("limit", 1, 100000000);
  if (!limit.ok()) return Fail(limit.status());
  auto desk = env.Desk({Operation::kReadLog});
  if (!desk.ok()) return Fail(desk.status());
  Position next = static_cast<Position>(from->value_or(1));
  uint64_t left = static_cast<uint64_t>(limit->value_or(INT64_MAX));
  bool csv = args.Has("csv") && !env.json();
  if (csv) PrintTable(EventCsvHeader(), {}, /*csv=*/true);
  while (left > 0) {
    auto page = (*desk)->ReadLog(next, std::min<uint64_t>(left, 1000));
    if (!page.ok()) return Fail(page.status());
    if (page->empty()) break;
    for (const auto& event : *page) {
      if (csv) {
        std::string line;
        for (const auto& field : EventCsvRow(event)) {
          if (!line.empty()) line += ',';
          line += CsvField(field);
        }
        std::fprintf(Out(), "%s\r\n", line.c_str());
      } else {
        std::fprintf(Out(), "%s\n", (env.json() ? EventJson(event) : EventLine(event)).c_str());
      }
    }
    left -= page->size();
    next = page->back().position() + 1;
  }
  return 0;
}

}  // namespace

std::vector<CommandDef> ReadCommandDefs() {
  std::vector<OptionSpec> history_options = LedgerTimeOptions();
  history_options.push_back({"employee"});
  history_options.push_back({"csv", false});
  return {
      {"show", "show ID [--known-at T | --at-position P]",
       "the secondment's state: parties, dates, approvals given and outstanding",
       LedgerTimeOptions(), RunShow},
      {"history", "history ID | history --employee E  [--known-at T | --at-position P] [--csv]",
       "every event of the secondment, or of the employee's secondments, in order", history_options,
       RunHistory},
      {"log",
       "log [--from P] [--limit N] [--csv] | log --follow [--from P] [--type T]... "
       "[--consumer NAME]",
       "the global log in order; with --follow, JSON lines then live events until interrupted",
       {{"from"}, {"limit"}, {"csv", false}, {"follow", false}, {"type", true, true}, {"consumer"}},
       RunLog},
  };
}

}  // namespace secondment::cli
