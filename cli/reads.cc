// The read commands: show, history, log. They open the ledger read-only, so they work beside
// a running writer, and need no --actor.

#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/follow.h"
#include "cli/output.h"
#include "cli/table_output.h"
#include "projections/queries.h"

namespace secondment::cli {
namespace {

// Opens the ledger to read and checks the one positional id; a missing ledger means no such
// secondment.
Result<std::string> OpenFor(Env& env, const Args& args) {
  ASSIGN_OR_RETURN(std::string id, args.OnlyPositional("secondment"));
  RETURN_IF_ERROR(ValidateId(id, "secondment"));
  auto log = env.OpenForRead();
  if (log.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no secondment {}", id));
  }
  RETURN_IF_ERROR(log.status());
  return id;
}

// The secondment's events up to `at` (all when nullopt), in order; NotFound when it has none.
Result<std::vector<RecordedEvent>> EventsOf(EventLog& log, const std::string& id,
                                            std::optional<Position> at) {
  auto events = log.ReadStream(SecondmentStream(id), 0, UINT32_MAX);
  if (events.status().code() == StatusCode::kNotFound) {
    return NotFound(fmt::format("no secondment {}", id));
  }
  RETURN_IF_ERROR(events.status());
  if (at) {
    while (!events->empty() && events->back().position() > *at) events->pop_back();
    if (events->empty()) {
      return NotFound(fmt::format("no secondment {} at position {}", id, *at));
    }
  }
  return events;
}

void PrintEvents(const Env& env, const Args& args, const std::vector<RecordedEvent>& events) {
  if (args.Has("csv") && !env.json()) {
    std::vector<Row> rows;
    for (const auto& event : events) rows.push_back(EventCsvRow(event));
    PrintTable(EventCsvHeader(), rows, /*csv=*/true);
    return;
  }
  for (const auto& event : events) {
    std::fprintf(Out(), "%s\n", (env.json() ? EventJson(event) : EventLine(event)).c_str());
  }
}

int RunShow(Env& env, const Args& args) {
  auto policy = env.LoadPolicy();
  if (!policy.ok()) return Fail(policy.status());
  auto id = OpenFor(env, args);
  if (!id.ok()) return Fail(id.status());
  auto at = LedgerTime(args, *env.log());
  if (!at.ok()) return Fail(at.status());
  auto events = EventsOf(*env.log(), *id, *at);
  if (!events.ok()) return Fail(events.status());
  Secondment state;
  state.id = *id;
  for (const auto& event : *events) state = Evolve(std::move(state), event.Get());
  std::string text =
      env.json() ? SecondmentJson(state, *policy) + "\n" : SecondmentText(state, *policy);
  std::fputs(text.c_str(), Out());
  return 0;
}

// history ID: the secondment's events, as the history projection lists them (or, with
// --known-at/--at-position, as its stream stood then). history --employee E: the events of
// every secondment of the employee, in log order.
int RunHistory(Env& env, const Args& args) {
  if (auto employee = args.Get("employee")) {
    if (!args.positional().empty()) {
      return Fail(InvalidArgument("history takes a secondment id or --employee, not both"));
    }
    if (Status valid = ValidateId(*employee, "employee"); !valid.ok()) return Fail(valid);
    auto log = env.OpenForRead();
    if (log.status().code() == StatusCode::kNotFound) return 0;
    if (!log.ok()) return Fail(log.status());
    auto at = LedgerTime(args, **log);
    if (!at.ok()) return Fail(at.status());
    auto positions = projections::EmployeePositions(**log, *employee);
    if (!positions.ok()) return Fail(positions.status());
    std::vector<RecordedEvent> events;
    for (Position p : *positions) {
      if (*at && p > **at) break;
      auto one = (*log)->ReadAll(p, 1);
      if (!one.ok()) return Fail(one.status());
      for (auto& e : *one) events.push_back(std::move(e));
    }
    PrintEvents(env, args, events);
    return 0;
  }
  auto id = OpenFor(env, args);
  if (!id.ok()) return Fail(id.status());
  EventLog& log = *env.log();
  auto at = LedgerTime(args, log);
  if (!at.ok()) return Fail(at.status());
  auto positions = projections::SecondmentPositions(log, *id);
  if (!positions.ok()) return Fail(positions.status());
  if (*at || positions->empty()) {  // a past view, or read-only beside a writer that lags
    auto events = EventsOf(log, *id, *at);
    if (!events.ok()) return Fail(events.status());
    PrintEvents(env, args, *events);
    return 0;
  }
  std::vector<RecordedEvent> events;
  for (Position p : *positions) {
    auto one = log.ReadAll(p, 1);
    if (!one.ok()) return Fail(one.status());
    for (auto& e : *one) events.push_back(std::move(e));
  }
  PrintEvents(env, args, events);
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
  auto log = env.OpenForRead();
  if (log.status().code() == StatusCode::kNotFound) return 0;  // an empty ledger: nothing to list
  if (!log.ok()) return Fail(log.status());
  Position next = static_cast<Position>(from->value_or(1));
  uint64_t left = static_cast<uint64_t>(limit->value_or(INT64_MAX));
  bool csv = args.Has("csv") && !env.json();
  if (csv) PrintTable(EventCsvHeader(), {}, /*csv=*/true);
  while (left > 0) {
    auto page = (*log)->ReadAll(next, std::min<uint64_t>(left, 1000));
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
