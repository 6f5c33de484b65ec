// The questions HR and auditors ask of the read models: placements, status, alerts; and
// rebuild, which replays the read models from the log.

#include "projections/queries.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/table_output.h"
#include "ledger/event/vocabulary.h"
#include "projections/projector.h"

namespace secondment::cli {
namespace {

using projections::Placement;
using projections::PlacementFilter;
using service::Operation;

std::vector<OptionSpec> FilterOptions() {
  return {{"host-org"}, {"host-unit"}, {"home-org"}, {"home-unit"},
          {"employee"}, {"kind"},      {"country"}};
}

Result<PlacementFilter> Filter(const Args& args) {
  PlacementFilter f;
  f.host_org = args.Get("host-org");
  f.host_unit = args.Get("host-unit");
  f.home_org = args.Get("home-org");
  f.home_unit = args.Get("home-unit");
  f.employee = args.Get("employee");
  f.country = args.Get("country");
  if (auto kind = args.Get("kind")) {
    ASSIGN_OR_RETURN(f.kind, ParseKind(*kind, "--kind"));
  }
  if (f.host_unit && !f.host_org) return InvalidArgument("--host-unit needs --host-org");
  if (f.home_unit && !f.home_org) return InvalidArgument("--home-unit needs --home-org");
  return f;
}

Status CheckNoPositional(const Args& args, std::string_view command) {
  if (args.positional().empty()) return Status::Ok();
  return InvalidArgument(fmt::format("{} takes no positional argument; unexpected '{}'", command,
                                     Printable(args.positional()[0], 40)));
}

int RunPlacements(Env& env, const Args& args) {
  if (Status s = CheckNoPositional(args, "placements"); !s.ok()) return Fail(s);
  service::PlacementQuery query;
  auto filter = Filter(args);
  if (!filter.ok()) return Fail(filter.status());
  query.filter = std::move(*filter);
  auto as_of = args.Date("as-of");
  if (!as_of.ok()) return Fail(as_of.status());
  query.as_of = *as_of;
  auto desk = env.Desk({Operation::kList});
  if (!desk.ok()) return Fail(desk.status());
  auto at = LedgerTime(args, **desk);
  if (!at.ok()) return Fail(at.status());
  query.at = *at;
  auto listed = (*desk)->ListPlacements(query);
  if (!listed.ok()) return Fail(listed.status());
  const std::vector<Placement>& placements = *listed;
  if (env.json()) {
    for (const auto& p : placements) {
      std::fprintf(Out(), "%s\n", PlacementJson(p).c_str());
    }
    return 0;
  }
  std::vector<Row> rows;
  for (const auto& p : placements) rows.push_back(PlacementRow(p));
  PrintTable(PlacementHeader(), rows, args.Has("csv"));
  return 0;
}

int RunStatus(Env& env, const Args& args) {
  if (Status s = CheckNoPositional(args, "status"); !s.ok()) return Fail(s);
  service::StatusQuery query;
  auto filter = Filter(args);
  if (!filter.ok()) return Fail(filter.status());
  query.filter = std::move(*filter);
  if (auto state = args.Get("state")) {
    auto parsed = ParseStatusName(*state, "--state");
    if (!parsed.ok()) return Fail(parsed.status());
    query.state = *parsed;
  }
  auto desk = env.Desk({Operation::kList});
  if (!desk.ok()) return Fail(desk.status());
  auto policy = (*desk)->GetPolicy();
  if (!policy.ok()) return Fail(policy.status());
  const CivilDate today = Today();
  auto at = LedgerTime(args, **desk);
  if (!at.ok()) return Fail(at.status());
  query.at = *at;
  auto rows = (*desk)->ListSecondments(query);
  if (!rows.ok()) return Fail(rows.status());
  std::vector<Row> table;
  for (const auto& folded : *rows) {
    if (env.json()) {
      std::fprintf(Out(), "%s\n", FoldedJson(folded, *policy, today).c_str());
      continue;
    }
    table.push_back(StatusRow(folded, *policy, today));
  }
  if (!env.json()) {
    PrintTable(StatusHeader(), table, args.Has("csv"));
  }
  return 0;
}

int RunAlerts(Env& env, const Args& args) {
  if (Status s = CheckNoPositional(args, "alerts"); !s.ok()) return Fail(s);
  auto within = args.Integer("within", 0, 3650);
  if (!within.ok()) return Fail(within.status());
  auto today = args.Date("today");
  if (!today.ok()) return Fail(today.status());
  auto desk = env.Desk({Operation::kAlerts});
  if (!desk.ok()) return Fail(desk.status());
  service::AlertQuery query;
  query.within_days = static_cast<int>(within->value_or(30));
  query.today = *today;
  auto alerts = (*desk)->ListAlerts(query);
  if (!alerts.ok()) return Fail(alerts.status());
  std::vector<Row> rows;
  for (const auto& a : *alerts) {
    if (env.json()) {
      std::fprintf(Out(), "%s\n", AlertJson(a).c_str());
    } else if (args.Has("csv")) {
      rows.push_back({a.kind, a.id, a.why});
    } else {
      std::fprintf(Out(), "%s %s: %s\n", a.kind.c_str(), a.id.c_str(), a.why.c_str());
    }
  }
  if (args.Has("csv")) PrintTable({"alert", "id", "why"}, rows, true);
  return 0;
}

int RunRebuild(Env& env, const Args& args) {
  if (args.positional().size() > 1) {
    return Fail(
        InvalidArgument(fmt::format("rebuild takes at most one projection name; unexpected '{}'",
                                    Printable(args.positional()[1], 40))));
  }
  std::optional<std::string> name;
  if (!args.positional().empty()) name = args.positional()[0];
  auto desk = env.Desk({Operation::kRebuild, service::Access::kWrite});
  if (!desk.ok()) return Fail(desk.status());
  bool terminal = isatty(fileno(Err())) != 0;
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto rebuilt = (*desk)->Rebuild(name, [&](uint64_t done, uint64_t total) {
    if (!terminal) return;
    double rate = done / std::max(elapsed(), 1e-6);
    int filled = total ? static_cast<int>(30 * done / total) : 30;
    std::fprintf(Err(), "\r[%s%s] %llu/%llu events, %.0f events/s, ETA %.0fs ",
                 std::string(filled, '#').c_str(), std::string(30 - filled, ' ').c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 rate, rate > 0 ? (total - done) / rate : 0.0);
  });
  if (terminal) std::fprintf(Err(), "\n");
  if (!rebuilt.ok()) return Fail(rebuilt.status());
  double seconds = elapsed();
  std::fprintf(Out(), "rebuilt %s from %llu events in %.2f s (%.0f events/s)\n",
               name ? name->c_str() : "all projections", static_cast<unsigned long long>(*rebuilt),
               seconds, *rebuilt / std::max(seconds, 1e-6));
  return 0;
}

}  // namespace

std::vector<CommandDef> QueryCommandDefs() {
  auto with = [](std::vector<OptionSpec> a, const std::vector<OptionSpec>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  std::vector<OptionSpec> filters = FilterOptions();
  return {
      {"placements",
       "placements [--host-org O [--host-unit U]] [--home-org O [--home-unit U]] [--employee E] "
       "[--kind K] [--country CC] [--as-of YYYY-MM-DD] [--known-at T | --at-position P] [--csv]",
       "active placements, or those on a business date (--as-of), or as the ledger stood then",
       with(with(filters, {{"as-of"}, {"csv", false}}), LedgerTimeOptions()), RunPlacements},
      {"status",
       "status [--state S] [the placements filters] [--known-at T | --at-position P] [--csv]",
       "one row per secondment",
       with(with(filters, {{"state"}, {"csv", false}}), LedgerTimeOptions()), RunStatus},
      {"alerts",
       "alerts [--within DAYS] [--today YYYY-MM-DD] [--csv]",
       "ending soon (default within 30 days), overdue, over the maximum, return not recorded",
       {{"within"}, {"today"}, {"csv", false}},
       RunAlerts},
      {"rebuild",
       "rebuild [status|placements|history|alerts]",
       "drop and replay one or every projection from the log",
       {},
       RunRebuild},
  };
}

}  // namespace secondment::cli
