// A CSV import: one row per secondment, as HR keeps them in a spreadsheet, becomes the dated
// steps that lead to the row's state (docs/import.md, "CSV").

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "ledger/base/csv.h"
#include "ledger/base/hash.h"
#include "ledger/base/text.h"
#include "ledger/event/vocabulary.h"
#include "service/caller.h"
#include "service/import_plan.h"

namespace secondment::service {
namespace {

const std::vector<std::string_view> kRequired = {
    "employee",     "home_org", "home_unit", "home_manager",  "host_org",    "host_unit",
    "host_manager", "kind",     "role",      "planned_start", "planned_end", "state"};
const std::vector<std::string_view> kOptional = {
    "id",          "actual_start", "actual_end", "fte",       "country", "location", "cost",
    "proposed_on", "approved_on",  "signed_on",  "agreement", "reason",  "new_role", "backfill"};
// Other headings a spreadsheet may use for a column.
const std::map<std::string_view, std::string_view> kAliases = {
    {"secondment", "id"},          {"employee_id", "employee"},  {"role_title", "role"},
    {"status", "state"},           {"start", "planned_start"},   {"end", "planned_end"},
    {"return_date", "actual_end"}, {"returned_on", "actual_end"}};

// "Home Org" -> "home_org".
std::string Heading(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '_') {
      if (!out.empty() && out.back() != '_') out += '_';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (auto alias = kAliases.find(out); alias != kAliases.end()) return std::string(alias->second);
  return out;
}

std::string Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

class Row {
 public:
  Row(const std::map<std::string, size_t>& columns, std::vector<std::string>& fields)
      : columns_(columns), fields_(fields) {}

  std::string Get(std::string_view name) const {
    auto it = columns_.find(std::string(name));
    if (it == columns_.end() || it->second >= fields_.size()) return "";
    return Trimmed(fields_[it->second]);
  }
  Result<std::string> Required(std::string_view name) const {
    std::string value = Get(name);
    if (value.empty()) return InvalidArgument(fmt::format("{} is empty", name));
    return value;
  }
  Result<std::optional<CivilDate>> Date(std::string_view name) const {
    std::string value = Get(name);
    if (value.empty()) return std::optional<CivilDate>();
    auto date = ParseDate(value);
    if (!date.ok()) return InvalidArgument(fmt::format("{} for {}", date.status().message(), name));
    return std::optional<CivilDate>(*date);
  }
  Result<CivilDate> RequiredDate(std::string_view name, std::string_view why) const {
    ASSIGN_OR_RETURN(auto date, Date(name));
    if (!date) return InvalidArgument(fmt::format("{} is required {}", name, why));
    return *date;
  }

 private:
  const std::map<std::string, size_t>& columns_;
  std::vector<std::string>& fields_;
};

// The secondment id of a row that names none: the same row, the same id.
std::string DerivedId(const ProposeCommand& p) {
  Hash256 digest = Sha256(
      fmt::format("{}\n{}\n{}\n{}", p.employee_id, p.home.org, p.host.org, FormatDate(p.start)));
  std::string id = "SEC-";
  for (size_t i = 0; i < 6; ++i) id += fmt::format("{:02X}", digest[i]);
  return id;
}

// The steps of one row, in order.
Result<std::vector<ImportCommand>> RowCommands(const Row& row, const Policy& policy,
                                               CivilDate today) {
  ProposeCommand p;
  ASSIGN_OR_RETURN(p.employee_id, row.Required("employee"));
  ASSIGN_OR_RETURN(p.home.org, row.Required("home_org"));
  ASSIGN_OR_RETURN(p.home.unit, row.Required("home_unit"));
  ASSIGN_OR_RETURN(p.home.manager_id, row.Required("home_manager"));
  ASSIGN_OR_RETURN(p.host.org, row.Required("host_org"));
  ASSIGN_OR_RETURN(p.host.unit, row.Required("host_unit"));
  ASSIGN_OR_RETURN(p.host.manager_id, row.Required("host_manager"));
  ASSIGN_OR_RETURN(std::string kind, row.Required("kind"));
  ASSIGN_OR_RETURN(p.kind, ParseKind(kind, "kind"));
  ASSIGN_OR_RETURN(p.role_title, row.Required("role"));
  ASSIGN_OR_RETURN(p.start, row.RequiredDate("planned_start", ""));
  ASSIGN_OR_RETURN(p.end, row.RequiredDate("planned_end", ""));
  if (std::string fte = row.Get("fte"); !fte.empty()) {
    if (fte.back() == '%') fte.pop_back();
    if (fte.empty() || fte.size() > 3 || fte.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(fte) < 1 || std::stoi(fte) > 100) {
      return InvalidArgument("fte must be a whole number from 1 to 100");
    }
    p.fte_percent = std::stoi(fte);
  }
  p.country = row.Get("country");
  p.location = row.Get("location");
  p.backfill = row.Get("backfill");
  if (std::string cost = row.Get("cost"); !cost.empty()) {
    ASSIGN_OR_RETURN(p.cost, ParseCost(cost, "cost"));
  }
  ASSIGN_OR_RETURN(std::string state_text, row.Required("state"));
  ASSIGN_OR_RETURN(SecondmentStatus state, ParseStatusName(state_text, "state"));
  ASSIGN_OR_RETURN(auto actual_start, row.Date("actual_start"));
  ASSIGN_OR_RETURN(auto proposed_on, row.Date("proposed_on"));
  ASSIGN_OR_RETURN(auto approved_on, row.Date("approved_on"));
  ASSIGN_OR_RETURN(auto signed_on, row.Date("signed_on"));
  // Dates a spreadsheet rarely keeps: the proposal on the earliest of the starts and today, the
  // approval on the proposal's day, the signature on the approval's.
  CivilDate started = actual_start.value_or(p.start);
  p.date = proposed_on.value_or(std::min({p.start, started, today}));
  CivilDate approved = approved_on.value_or(*p.date);
  CivilDate signed_date = signed_on.value_or(approved);
  std::string reason = row.Get("reason");

  std::string id = row.Get("id");
  if (id.empty()) id = DerivedId(p);
  std::vector<ImportCommand> commands;
  Actor importer{"import", schema::Role::HR};
  // Each step's key says which step of the row it is (not where it comes in the row), so that a
  // row whose state moved on since it was imported is refused, not taken as already there.
  auto step = [&](Command command, Actor actor = Actor{"import", schema::Role::HR}) {
    std::string what(CommandName(command));
    if (auto* approval = std::get_if<ApproveCommand>(&command)) {
      what += fmt::format("/{}/{}", ScopeName(approval->scope), secondment::RoleName(actor.role));
    }
    std::string key = fmt::format("csv\n{}\n{}", id, what);
    commands.push_back({std::move(key), id, std::move(actor), std::move(command)});
  };
  // Approvals by each approver the policy names: the managers the row names, the secondee,
  // and hr as `import`.
  auto approve = [&](schema::Scope scope, CivilDate date) {
    for (schema::Role role : policy.Approvers(scope)) {
      Actor actor{"import", role};
      if (role == schema::Role::HOME_MANAGER) actor.id = p.home.manager_id;
      if (role == schema::Role::HOST_MANAGER) actor.id = p.host.manager_id;
      if (role == schema::Role::SECONDEE) actor.id = p.employee_id;
      step(ApproveCommand{scope, "", date}, actor);
    }
  };
  step(p, importer);
  switch (state) {
    case SecondmentStatus::kProposed:
      break;
    case SecondmentStatus::kRejected:
      step(RefuseCommand{schema::Scope::PLACEMENT,
                         reason.empty() ? "refused before the ledger was kept" : reason, approved});
      break;
    case SecondmentStatus::kWithdrawn:
      step(WithdrawCommand{reason.empty() ? "withdrawn before the ledger was kept" : reason,
                           approved});
      break;
    case SecondmentStatus::kApproved:
    case SecondmentStatus::kActive:
    case SecondmentStatus::kReturned:
    case SecondmentStatus::kConverted: {
      approve(schema::Scope::PLACEMENT, approved);
      if (state == SecondmentStatus::kApproved) break;
      std::string reference = row.Get("agreement");
      step(SignCommand{reference.empty() ? fmt::format("import-{}", id) : reference, 1, "",
                       signed_date});
      step(StartCommand{started});
      if (state == SecondmentStatus::kReturned) {
        ASSIGN_OR_RETURN(CivilDate returned,
                         row.RequiredDate("actual_end", "for a returned secondment"));
        step(ReturnCommand{returned, reason, schema::ReturnPosition::SUBSTANTIVE});
      } else if (state == SecondmentStatus::kConverted) {
        ASSIGN_OR_RETURN(CivilDate effective,
                         row.RequiredDate("actual_end",
                                          "(the conversion's date) for a converted "
                                          "secondment"));
        std::string new_role = row.Get("new_role");
        step(ProposeConversionCommand{effective, new_role.empty() ? p.role_title : new_role, "",
                                      effective});
        approve(schema::Scope::CONVERSION, effective);
      }
      break;
    }
    case SecondmentStatus::kNone:
      return InvalidArgument("state must name a state, not none");
  }
  return commands;
}

}  // namespace

Status ReadCsvImport(
    std::istream& in, const std::string& name, const Policy& policy, CivilDate today,
    const std::function<void(uint64_t line, Status status)>& malformed,
    const std::function<Status(uint64_t line, const std::vector<ImportCommand>& commands,
                               const Policy& policy)>& add) {
  // A row records steps taken elsewhere. Every other rule is asked of it.
  Policy row_policy = RecordedElsewhere(policy);

  CsvReader reader(in);
  std::vector<std::string> fields;
  auto header = reader.Next(&fields);
  if (!header.ok()) {
    malformed(reader.line(), header.status());
    return Status::Ok();
  }
  if (!*header) {
    malformed(1, InvalidArgument("the file is empty; the first line names the columns"));
    return Status::Ok();
  }
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string heading = Heading(fields[i]);
    bool known = std::find(kRequired.begin(), kRequired.end(), heading) != kRequired.end() ||
                 std::find(kOptional.begin(), kOptional.end(), heading) != kOptional.end();
    if (!known) {
      malformed(reader.line(),
                InvalidArgument(fmt::format("unknown column '{}'; the columns are {} and "
                                            "optionally {}",
                                            Printable(fields[i], 40), fmt::join(kRequired, ", "),
                                            fmt::join(kOptional, ", "))));
      return Status::Ok();
    }
    if (!columns.emplace(heading, i).second) {
      malformed(reader.line(), InvalidArgument(fmt::format("column {} appears twice", heading)));
      return Status::Ok();
    }
  }
  for (std::string_view required : kRequired) {
    if (!columns.count(std::string(required))) {
      malformed(reader.line(), InvalidArgument(fmt::format("column {} is missing", required)));
      return Status::Ok();
    }
  }
  for (;;) {
    auto more = reader.Next(&fields);
    if (!more.ok()) {  // the reader cannot go on past a broken quote
      malformed(reader.line(), more.status());
      return Status::Ok();
    }
    if (!*more) break;
    if (fields.size() != columns.size()) {
      malformed(reader.line(), InvalidArgument(fmt::format("the row has {} fields; the header {}",
                                                           fields.size(), columns.size())));
      continue;
    }
    Result<std::vector<ImportCommand>> commands =
        RowCommands(Row(columns, fields), row_policy, today);
    if (!commands.ok()) {
      malformed(reader.line(), commands.status());
      continue;
    }
    RETURN_IF_ERROR(add(reader.line(), *commands, row_policy));
  }
  if (in.bad()) return IOError(fmt::format("cannot read {}", name));
  return Status::Ok();
}

}  // namespace secondment::service
