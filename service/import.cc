// LedgerService::Import and the two formats it reads (service/import.h).

#include "service/import.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "ledger/base/csv.h"
#include "ledger/base/json_input.h"
#include "ledger/base/text.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/proposal_json.h"
#include "ledger/lifecycle/step_input.h"
#include "ledger/log/maintenance.h"
#include "service/import_plan.h"
#include "service/ledger_service.h"

namespace secondment::service {
namespace {

constexpr char kLine[] = "the line";
constexpr uint64_t kProgressEvery = 4096;

// Reads lines of at most kMaxImportLineBytes from a stream, in large reads.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}

  // The next line (without its line break) into `line`: true, or false at the end. A longer
  // line is skipped to its end and reported with `too_long`.
  bool Next(std::string_view* line, bool* too_long) {
    *too_long = false;
    size_t searched = pos_;
    for (;;) {
      size_t newline = buffer_.find('\n', searched);
      if (newline != std::string::npos) {
        size_t begin = pos_;
        pos_ = newline + 1;
        if (skipping_) {
          skipping_ = false;
          *too_long = true;
          *line = {};
          return true;
        }
        *too_long = newline - begin > kMaxImportLineBytes;
        *line = std::string_view(buffer_).substr(begin, newline - begin);
        if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
        return true;
      }
      if (buffer_.size() - pos_ > kMaxImportLineBytes) {  // too long: drop what is held
        skipping_ = true;
        buffer_.clear();
        pos_ = 0;
      }
      if (eof_) {
        if (pos_ == buffer_.size() && !skipping_) return false;
        *too_long = skipping_;
        skipping_ = false;
        *line = std::string_view(buffer_).substr(pos_);
        if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
        pos_ = buffer_.size();
        return true;
      }
      buffer_.erase(0, pos_);
      pos_ = 0;
      searched = buffer_.size();
      size_t held = buffer_.size();
      buffer_.resize(held + kChunk);
      in_.read(buffer_.data() + held, kChunk);
      buffer_.resize(held + static_cast<size_t>(in_.gcount()));
      eof_ = in_.gcount() == 0 || !in_;
    }
  }

 private:
  static constexpr size_t kChunk = 1 << 20;
  std::istream& in_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
};

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

Status CheckKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxImportKeyLength) {
    return InvalidArgument(fmt::format("key must be 1 to {} characters", kMaxImportKeyLength));
  }
  for (char c : key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("key must hold no control characters");
    }
  }
  return Status::Ok();
}

Result<std::string> RequiredText(const JsonObject& o, std::string_view name) {
  ASSIGN_OR_RETURN(auto text, o.String(name));
  if (!text) return InvalidArgument(fmt::format("{} is required in {}", name, kLine));
  return *text;
}

// The actor a line names ("actor" and "as"), else `fallback` acting as hr.
Result<Actor> LineActor(const JsonObject& o, const std::string& fallback) {
  Actor actor{fallback, schema::Role::HR};
  ASSIGN_OR_RETURN(auto id, o.String("actor"));
  if (id) actor.id = *id;
  RETURN_IF_ERROR(ValidateId(actor.id, "actor"));
  ASSIGN_OR_RETURN(auto as, o.String("as"));
  if (as) {
    ASSIGN_OR_RETURN(Role role, ParseRole(*as));
    std::optional<schema::Role> lifecycle = LifecycleRole(role);
    if (!lifecycle) {
      return InvalidArgument(fmt::format(
          "as must be a role that records steps: hr, home_manager, host_manager, secondee, "
          "exception; not '{}'",
          *as));
    }
    actor.role = *lifecycle;
  }
  return actor;
}

// One JSON line: {"key", "command", "secondment", "actor", "as", ...the command's fields}, or
// an exported event (nullopt when the ledger derives it).
Result<std::optional<ImportCommand>> ParseJsonLine(std::string_view text,
                                                   const std::string& actor) {
  ASSIGN_OR_RETURN(JsonDocument doc, JsonDocument::Parse(text, kLine, kMaxImportLineBytes));
  ASSIGN_OR_RETURN(JsonObject o, doc.RootObject());
  ASSIGN_OR_RETURN(auto type, o.String("type"));
  ASSIGN_OR_RETURN(auto has_command, o.String("command"));
  if (type && !has_command) return ParseEventLine(o);
  static const std::vector<std::string_view> kEnvelope = {"key", "command", "secondment", "actor",
                                                          "as"};
  ImportCommand c;
  ASSIGN_OR_RETURN(c.key, RequiredText(o, "key"));
  RETURN_IF_ERROR(CheckKey(c.key));
  ASSIGN_OR_RETURN(std::string command, RequiredText(o, "command"));
  ASSIGN_OR_RETURN(c.actor, LineActor(o, actor));
  ASSIGN_OR_RETURN(auto secondment, o.String("secondment"));
  if (command == "propose") {
    ASSIGN_OR_RETURN(Proposal proposal, ParseProposalObject(o, kEnvelope));
    if (secondment && proposal.id && *secondment != *proposal.id) {
      return InvalidArgument("secondment and id name different secondments; give one");
    }
    if (!secondment) secondment = proposal.id;
    c.command = std::move(proposal.command);
  } else {
    const auto& steps = StepNames();
    if (std::find(steps.begin(), steps.end(), command) == steps.end()) {
      return InvalidArgument(fmt::format("unknown command '{}'; expected propose, {}",
                                         Printable(command, 40), fmt::join(steps, ", ")));
    }
    ASSIGN_OR_RETURN(JsonStepInput input, JsonStepInput::Of(command, o, kEnvelope));
    ASSIGN_OR_RETURN(c.command, ParseStep(command, input));
  }
  if (!secondment) return InvalidArgument(fmt::format("secondment is required in {}", kLine));
  c.secondment = std::move(*secondment);
  return std::optional<ImportCommand>(std::move(c));
}

}  // namespace

std::string_view ImportFormatName(ImportFormat format) {
  return format == ImportFormat::kCsv ? "csv" : "jsonl";
}

Result<ImportFormat> ParseImportFormat(std::string_view text) {
  if (text == "csv") return ImportFormat::kCsv;
  if (text == "jsonl") return ImportFormat::kJsonLines;
  return InvalidArgument(
      fmt::format("unknown format '{}'; expected jsonl or csv", Printable(text, 40)));
}

ImportFormat FormatOfName(std::string_view name) {
  std::string lower(name.substr(name.size() >= 4 ? name.size() - 4 : 0));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower == ".csv" ? ImportFormat::kCsv : ImportFormat::kJsonLines;
}

Result<ImportReport> LedgerService::Import(const Caller& caller, std::istream& in,
                                           const ImportOptions& options) {
  RETURN_IF_ERROR(MayPerform(caller, Operation::kImport));
  if (!options.check_only) RETURN_IF_ERROR(RequireWriter("import"));
  const std::string actor = caller.id.empty() ? "import" : caller.id;
  Position head = log_->Head();
  const CivilDate today = Today();
  // The name goes into every event: printable and UTF-8, however the file is called.
  ImportPlan plan(log_.get(), secondments_.get(), head, today,
                  ReplaceInvalidUtf8(Printable(options.name, 400)));
  ImportReport report;
  auto progress = [&](std::string_view phase, uint64_t done, uint64_t total) {
    if (options.progress) options.progress(phase, done, total);
  };
  auto refuse = [&](uint64_t line, Status status) {
    ++report.problem_count;
    if (status.code() == StatusCode::kInvalidArgument) ++report.malformed;
    if (report.problems.size() < kMaxReportedProblems) {
      report.problems.push_back({line, std::move(status)});
    }
  };
  auto malformed = [&](uint64_t line, Status status) {
    ++report.lines;
    refuse(line, std::move(status));
  };
  // Decides the commands of one line; a refusal leaves the plan as it was before the line's
  // first refused command (a CSV row's earlier steps stay, and are not written anyway).
  auto add = [&](uint64_t line, const std::vector<ImportCommand>& commands,
                 const Policy& policy) -> Status {
    ++report.lines;
    bool all_already = true;
    for (const ImportCommand& command : commands) {
      bool already = false;
      Status status = plan.Add(line, command, policy, &already);
      if (status.code() == StatusCode::kIOError || status.code() == StatusCode::kCorruption) {
        return status;
      }
      if (!status.ok()) {
        refuse(line, std::move(status));
        return Status::Ok();
      }
      all_already &= already;
    }
    ++(all_already ? report.already : report.imported);
    if (plan.events() > kMaxImportEvents) {
      return InvalidArgument(
          fmt::format("{} holds more than {} events; split it into several files (nothing was "
                      "imported)",
                      options.name, kMaxImportEvents));
    }
    if (report.lines % kProgressEvery == 0) progress("checking", report.lines, 0);
    return Status::Ok();
  };

  const Policy elsewhere = RecordedElsewhere(policy());
  if (options.format == ImportFormat::kJsonLines) {
    LineReader reader(in);
    std::string_view text;
    bool too_long = false;
    for (uint64_t line = 1; reader.Next(&text, &too_long); ++line) {
      if (too_long) {
        malformed(line, InvalidArgument(fmt::format("the line is over the limit of {} bytes",
                                                    kMaxImportLineBytes)));
        continue;
      }
      if (IsBlank(text)) continue;
      Result<std::optional<ImportCommand>> command = ParseJsonLine(text, actor);
      if (!command.ok()) {
        malformed(line, command.status());
        continue;
      }
      if (!*command) {  // an exported event that the commands before it make again
        ++report.lines;
        ++report.derived;
        continue;
      }
      const Policy& decided_under = (*command)->was_at != 0 ? elsewhere : policy();
      RETURN_IF_ERROR(add(line, {std::move(**command)}, decided_under));
    }
    if (in.bad()) return IOError(fmt::format("cannot read {}", options.name));
  } else {
    RETURN_IF_ERROR(ReadCsvImport(in, options.name, policy(), today, malformed, add));
  }

  report.events = plan.events();
  if (report.problem_count > 0 || options.check_only || plan.events() == 0) return report;
  progress("writing", 0, plan.events());
  ASSIGN_OR_RETURN(std::vector<StreamAppend> appends, plan.TakeAppends());
  Result<AppendResult> appended = log_->AppendAfter(head, std::move(appends));
  if (appended.status().code() == StatusCode::kConflict) {
    return Conflict(fmt::format(
        "the ledger changed while {} was checked ({}); nothing was imported: import it again",
        options.name, appended.status().message()));
  }
  RETURN_IF_ERROR(appended.status());
  report.first = appended->positions.front();
  report.last = appended->positions.back();
  progress("writing", plan.events(), plan.events());
  logger_->info("imported {} events from {} lines, positions {} to {}", report.events,
                report.imported, report.first, report.last);
  progress("projecting", 0, report.last - report.first + 1);
  // An import as large as the ledger before it is read into the projections fastest by
  // replaying everything into new tables (a rebuild) rather than one event at a time.
  Status caught_up = report.events >= head ? Rebuild(Caller::Administrator(), std::nullopt).status()
                                           : CatchUpTo(report.last);
  if (!caught_up.ok()) {
    logger_->error("the projections of {} lag behind position {}: {}", dir_, report.last,
                   caught_up.ToString());
  }
  // The import is durable in the write-ahead log; out in table files, the next reader opens
  // without replaying all of it.
  if (Status flushed = FlushLedger(*log_); !flushed.ok()) {
    logger_->warn("flushing {} after an import: {}", dir_, flushed.ToString());
  }
  return report;
}

}  // namespace secondment::service
