// secondment export: status, placements, alerts, histories or the raw log, as CSV or JSON Lines,
// to stdout or a file, streamed (docs/import.md, "Exporting").

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/table_output.h"
#include "service/import.h"

namespace secondment::cli {
namespace {

constexpr size_t kPage = 4096;  // events read at once
constexpr size_t kFlushBytes = 1 << 20;

enum class Format { kCsv, kJsonLines };

// Where the export goes: stdout, or FILE written beside itself and renamed into place once
// complete and synced, so that a failed export never leaves half a file.
class Sink {
 public:
  static Result<Sink> Open(const std::optional<std::string>& path) {
    Sink sink;
    if (!path) return sink;
    sink.path_ = *path;
    // A new file of its own beside FILE (never one planted there, never another export's).
    sink.partial_ = *path + ".partial-XXXXXX";
    sink.fd_ = ::mkstemp(sink.partial_.data());
    if (sink.fd_ < 0) {
      return InvalidArgument(fmt::format("cannot write {}: {}", *path, std::strerror(errno)));
    }
    ::fchmod(sink.fd_, 0640);
    return sink;
  }
  Sink() = default;
  Sink(Sink&& other) noexcept
      : path_(std::move(other.path_)),
        partial_(std::move(other.partial_)),
        fd_(std::exchange(other.fd_, -1)),
        buffer_(std::move(other.buffer_)) {}
  ~Sink() {
    if (fd_ >= 0) {  // not finished: drop the partial file
      ::close(fd_);
      ::unlink(partial_.c_str());
    }
  }

  std::string& buffer() { return buffer_; }
  Status MaybeFlush() { return buffer_.size() >= kFlushBytes ? Flush() : Status::Ok(); }

  Status Finish() {
    RETURN_IF_ERROR(Flush());
    if (fd_ < 0) return std::fflush(Out()) == 0 ? Status::Ok() : IOError("cannot write stdout");
    int synced = ::fsync(fd_);
    int closed = ::close(fd_);
    fd_ = -1;
    if (synced != 0 || closed != 0 || ::rename(partial_.c_str(), path_.c_str()) != 0) {
      Status failed = IOError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
      ::unlink(partial_.c_str());
      return failed;
    }
    // The rename itself is durable once the directory is synced.
    std::string dir = std::filesystem::path(path_).parent_path().string();
    int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      ::fsync(dir_fd);
      ::close(dir_fd);
    }
    return Status::Ok();
  }

 private:
  Status Flush() {
    if (fd_ < 0) {
      if (std::fwrite(buffer_.data(), 1, buffer_.size(), Out()) != buffer_.size()) {
        return IOError("cannot write stdout");
      }
    } else {
      size_t done = 0;
      while (done < buffer_.size()) {
        ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          return IOError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
        }
        done += static_cast<size_t>(n);
      }
    }
    buffer_.clear();
    return Status::Ok();
  }

  std::string path_, partial_;
  int fd_ = -1;
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
