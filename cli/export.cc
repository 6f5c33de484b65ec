// secondment export: status, placements, alerts, histories or the raw log, as CSV or JSON Lines,
// to stdout or a file, streamed (docs/import.md, "Exporting").

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/table_output.h"
#include "ledger/base/files.h"
#include "service/import.h"

namespace secondment::cli {
namespace {

constexpr size_t kPage = 4096;  // events read at once
constexpr size_t kFlushBytes = 1 << 20;

enum class Format { kCsv, kJsonLines };

// Where the export goes: stdout, or FILE replaced once the export is complete and synced
// (ReplacementFile), so that a failed export never leaves half a file.
class Sink {
 public:
  static Result<Sink> Open(const std::optional<std::string>& path) {
    Sink sink;
    if (path) {
      ASSIGN_OR_RETURN(ReplacementFile file, ReplacementFile::Create(*path, 0640));
      sink.file_.emplace(std::move(file));
    }
    return sink;
  }

  std::string& buffer() { return buffer_; }
  Status MaybeFlush() { return buffer_.size() >= kFlushBytes ? Flush() : Status::Ok(); }

  Status Finish() {
    RETURN_IF_ERROR(Flush());
    if (!file_) return std::fflush(Out()) == 0 ? Status::Ok() : IOError("cannot write stdout");
    return file_->Commit();
  }

 private:
  Status Flush() {
    if (file_) {
      RETURN_IF_ERROR(file_->Append(buffer_));
    } else if (std::fwrite(buffer_.data(), 1, buffer_.size(), Out()) != buffer_.size()) {
      return IOError("cannot write stdout");
    }
    buffer_.clear();
    return Status::Ok();
  }

  std::optional<ReplacementFile> file_;
  std::string buffer_;
};

void AppendCsvRow(std::string& out, const std::vector<std::string>& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(row[i]);
  }
  out += "\r\n";
}

Status ExportEvents(Sink& sink, Format format, const std::vector<RecordedEvent>& events) {
  for (const RecordedEvent& event : events) {
    if (format == Format::kCsv) {
      AppendCsvRow(sink.buffer(), EventCsvRow(event));
    } else {
      AppendEventJson(sink.buffer(), event);
      sink.buffer() += '\n';
    }
  }
  return sink.MaybeFlush();
}

Status Export(service::LedgerService& ledger, const std::string& what, Format format,
              std::optional<CivilDate> as_of, Sink& sink) {
  const service::Caller admin = service::Caller::Administrator();
  std::string& out = sink.buffer();
  const CivilDate today = Today();
  if (what == "log") {
    if (format == Format::kCsv) AppendCsvRow(out, EventCsvHeader());
    for (Position next = 1;;) {
      ASSIGN_OR_RETURN(auto page, ledger.ReadLog(admin, next, kPage));
      if (page.empty()) break;
      RETURN_IF_ERROR(ExportEvents(sink, format, page));
      next = page.back().position() + 1;
    }
  } else if (what == "histories") {
    if (format == Format::kCsv) AppendCsvRow(out, EventCsvHeader());
    RETURN_IF_ERROR(ledger.VisitSecondments(admin, [&](const projections::Folded& folded) {
      ASSIGN_OR_RETURN(auto events, ledger.History(admin, folded.state.id));
      return ExportEvents(sink, format, events);
    }));
  } else if (what == "status") {
    if (format == Format::kCsv) AppendCsvRow(out, StatusHeader());
    RETURN_IF_ERROR(ledger.VisitSecondments(admin, [&](const projections::Folded& folded) {
      if (format == Format::kCsv) {
        AppendCsvRow(out, StatusRow(folded, ledger.policy(), today));
      } else {
        out += FoldedJson(folded, ledger.policy(), today);
        out += '\n';
      }
      return sink.MaybeFlush();
    }));
  } else if (what == "placements") {
    // The placements on one date: bounded by the people on placement then, not by the log.
    service::PlacementQuery query;
    query.as_of = as_of;
    ASSIGN_OR_RETURN(auto placements, ledger.ListPlacements(admin, query));
    if (format == Format::kCsv) AppendCsvRow(out, PlacementHeader());
    for (const auto& p : placements) {
      if (format == Format::kCsv) {
        AppendCsvRow(out, PlacementRow(p));
      } else {
        out += PlacementJson(p);
        out += '\n';
      }
      RETURN_IF_ERROR(sink.MaybeFlush());
    }
  } else {  // alerts
    service::AlertQuery query;
    query.today = as_of;
    ASSIGN_OR_RETURN(auto alerts, ledger.ListAlerts(admin, query));
    if (format == Format::kCsv) AppendCsvRow(out, {"alert", "id", "why"});
    for (const auto& alert : alerts) {
      if (format == Format::kCsv) {
        AppendCsvRow(out, {alert.kind, alert.id, alert.why});
      } else {
        out += AlertJson(alert);
        out += '\n';
      }
    }
  }
  return sink.Finish();
}

int Run(Env& env, const Args& args) {
  static const std::vector<std::string> kWhat = {"status", "placements", "alerts", "histories",
                                                 "log"};
  if (args.positional().size() != 1 ||
      std::find(kWhat.begin(), kWhat.end(), args.positional()[0]) == kWhat.end()) {
    return Fail(InvalidArgument(
        "export takes one of: status, placements, alerts, histories, log; see secondment export "
        "--help"));
  }
  const std::string& what = args.positional()[0];
  std::optional<std::string> out = args.Get("out");
  Format format = out && service::FormatOfName(*out) == service::ImportFormat::kCsv
                      ? Format::kCsv
                      : Format::kJsonLines;
  if (auto given = args.Get("format")) {
    if (*given != "csv" && *given != "jsonl") {
      return Fail(InvalidArgument(
          fmt::format("unknown format '{}'; expected csv or jsonl", Printable(*given, 40))));
    }
    format = *given == "csv" ? Format::kCsv : Format::kJsonLines;
  }
  auto as_of = args.Date("as-of");
  if (!as_of.ok()) return Fail(as_of.status());
  if (*as_of && what != "placements" && what != "alerts") {
    return Fail(InvalidArgument("--as-of goes with placements and alerts"));
  }
  if (out) {
    std::error_code error;
    if (std::filesystem::is_directory(*out, error)) {
      return Fail(InvalidArgument(fmt::format("cannot write {}: it is a directory", *out)));
    }
  }
  auto ledger = env.Local("export", service::Access::kRead);
  if (!ledger.ok()) return Fail(ledger.status());
  auto sink = Sink::Open(out);
  if (!sink.ok()) return Fail(sink.status());
  Status exported = Export(**ledger, what, format, *as_of, *sink);
  if (!exported.ok()) return Fail(exported);
  return 0;
}

}  // namespace

CommandDef ExportCommandDef() {
  return {"export",
          "export status|placements|alerts|histories|log [--format csv|jsonl] [--out FILE] "
          "[--as-of D]",
          "write status, placements, alerts, every history or the raw log as CSV or JSON Lines",
          {{"format"}, {"out"}, {"as-of"}},
          Run};
}

}  // namespace secondment::cli
