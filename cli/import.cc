// secondment import: a file of past steps, checked whole, then recorded at once (docs/import.md).

#include "service/import.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/output.h"

namespace secondment::cli {
namespace {

// A bar on a terminal: how much of the file is read while checking, then the writing.
class ImportProgress {
 public:
  ImportProgress(std::istream& in, uint64_t size)
      : in_(in), size_(size), enabled_(::isatty(::fileno(Err())) == 1) {}
  ~ImportProgress() {
    if (drawn_) std::fputs("\r\033[K", Err());
  }
  void operator()(std::string_view phase, uint64_t done, uint64_t total) {
    if (!enabled_) return;
    drawn_ = true;
    if (phase == "checking") {
      std::streamoff at = in_.tellg();
      uint64_t read = at < 0 ? size_ : static_cast<uint64_t>(at);
      Draw(size_ ? static_cast<double>(read) / size_ : 0, fmt::format("checking: {} lines", done));
    } else if (phase == "writing") {
      Draw(1, fmt::format("writing {} events", total));
    } else {
      Draw(1, fmt::format("updating the read models ({} events)", total));
    }
  }

 private:
  void Draw(double fraction, const std::string& what) {
    int filled = static_cast<int>(30 * std::min(fraction, 1.0));
    std::fprintf(Err(), "\r\033[K[%s%s] %s", std::string(filled, '#').c_str(),
                 std::string(30 - filled, ' ').c_str(), what.c_str());
    std::fflush(Err());
  }
  std::istream& in_;
  uint64_t size_;
  bool enabled_;
  bool drawn_ = false;
};

int Run(Env& env, const Args& args) {
  if (args.positional().size() != 1) {
    return Fail(InvalidArgument(
        "import takes one FILE (or - for standard input); see secondment import --help"));
  }
  const std::string& path = args.positional()[0];
  std::string name = path == "-" ? "stdin" : path;
  service::ImportFormat format = service::FormatOfName(path);
  if (auto given = args.Get("format")) {
    auto parsed = service::ParseImportFormat(*given);
    if (!parsed.ok()) return Fail(parsed.status());
    format = *parsed;
  }
  std::ifstream file;
  uint64_t size = 0;
  if (path != "-") {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return Fail(InvalidArgument(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
    }
    if (!S_ISREG(st.st_mode)) {
      return Fail(InvalidArgument(fmt::format("cannot read {}: not a regular file", path)));
    }
    size = static_cast<uint64_t>(st.st_size);
    file.open(path, std::ios::binary);
    if (!file) {
      return Fail(InvalidArgument(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
    }
  }
  std::istream& in = path == "-" ? std::cin : file;

  service::Caller caller = service::Caller::Administrator();
  if (env.globals().actor || env.globals().role) {
    auto writer = env.Writer("import");
    if (!writer.ok()) return Fail(writer.status());
    caller = *writer;
  }
  // A check writes nothing: it reads beside any writer (a server, say).
  auto ledger =
      env.Local("import", args.Has("check") ? service::Access::kRead : service::Access::kWrite);
  if (!ledger.ok()) return Fail(ledger.status());
  ImportProgress progress(in, size);
  service::ImportOptions options;
  options.format = format;
  options.name = name;
  options.check_only = args.Has("check");
  options.progress = [&](std::string_view phase, uint64_t done, uint64_t total) {
    progress(phase, done, total);
  };
  auto report = (*ledger)->Import(caller, in, options);
  if (!report.ok()) return Fail(report.status());

  if (report->problem_count > 0) {
    for (const auto& problem : report->problems) {
      std::fprintf(Err(), "%s:%llu: %s\n", name.c_str(),
                   static_cast<unsigned long long>(problem.line),
                   Printable(problem.status.message(), 400).c_str());
    }
    if (report->problem_count > report->problems.size()) {
      std::fprintf(
          Err(), "... and %llu more\n",
          static_cast<unsigned long long>(report->problem_count - report->problems.size()));
    }
    std::fprintf(Err(), "nothing was imported: %llu of %llu lines of %s were refused\n",
                 static_cast<unsigned long long>(report->problem_count),
                 static_cast<unsigned long long>(report->lines), name.c_str());
    return report->malformed > 0 ? 2 : 3;
  }
  if (env.json()) {
    std::fprintf(Out(),
                 "{\"file\":%s,\"checkOnly\":%s,\"lines\":%llu,\"imported\":%llu,"
                 "\"alreadyImported\":%llu,\"derived\":%llu,\"events\":%llu,\"first\":%llu,"
                 "\"last\":%llu}\n",
                 JsonString(name).c_str(), options.check_only ? "true" : "false",
                 static_cast<unsigned long long>(report->lines),
                 static_cast<unsigned long long>(report->imported),
                 static_cast<unsigned long long>(report->already),
                 static_cast<unsigned long long>(report->derived),
                 static_cast<unsigned long long>(report->events),
                 static_cast<unsigned long long>(report->first),
                 static_cast<unsigned long long>(report->last));
  } else if (options.check_only) {
    std::fprintf(Out(),
                 "%s: %llu lines would import %llu events (%llu lines already imported); "
                 "nothing written\n",
                 name.c_str(), static_cast<unsigned long long>(report->imported),
                 static_cast<unsigned long long>(report->events),
                 static_cast<unsigned long long>(report->already));
  } else if (report->events == 0) {
    std::fprintf(Out(), "%s: nothing to import (%llu lines already imported)\n", name.c_str(),
                 static_cast<unsigned long long>(report->already));
  } else {
    std::fprintf(Out(),
                 "imported %llu lines of %s: %llu events at positions %llu to %llu "
                 "(%llu lines already imported)\n",
                 static_cast<unsigned long long>(report->imported), name.c_str(),
                 static_cast<unsigned long long>(report->events),
                 static_cast<unsigned long long>(report->first),
                 static_cast<unsigned long long>(report->last),
                 static_cast<unsigned long long>(report->already));
  }
  return 0;
}

}  // namespace

CommandDef ImportCommandDef() {
  return {"import",
          "import FILE|- [--format jsonl|csv] [--check]",
          "record a file of past steps (JSON Lines of commands, or CSV of secondments) at once",
          {{"format"}, {"check", false}},
          Run};
}

}  // namespace secondment::cli
