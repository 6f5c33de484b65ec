// Import: a file of past steps, checked as a whole and recorded all at once (docs/import.md).
//
// Two formats:
//   - JSON Lines of commands, one a line: {"key": K, "command": "approve", "secondment": ID,
//     "actor": A, "as": ROLE, "date": D, ...the command's fields}, the fields of the typed
//     commands (the HTTP API's bodies, docs/http.md). The key makes the line idempotent: the
//     line's first event gets the id EventId::FromName("import\n" + K), so importing the same
//     file twice writes nothing the second time, and a file that grew writes only its new lines.
//     An event as `secondment export log` writes it is read as the command that recorded it
//     (its id kept), so that the log of one ledger imports into another.
//   - CSV of secondments as HR keeps them in a spreadsheet, one row per secondment: each row
//     becomes the dated steps that lead to its state, recorded by actor `import` (approvals by
//     the managers the row names).
//
// Every line is decided against the ledger as it stands plus the lines before it (the same
// Decide as every other door). When any line is refused, nothing is written and every bad line
// is reported. Otherwise every event of the file is appended in one batch with one sync
// (EventLog::AppendAfter): a crash at any moment leaves none of the file or all of it. Each
// event records where it came from ("FILE:LINE") in its `source`.
//
// Not thread-safe against other writers of the same ledger: an append by anyone between the
// start of an import and its commit makes it fail with Conflict (nothing written; run it again).

#ifndef SECONDMENT_SERVICE_IMPORT_H_
#define SECONDMENT_SERVICE_IMPORT_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/event/event.h"

namespace secondment::service {

enum class ImportFormat { kJsonLines, kCsv };

// "jsonl", "csv"; and back from a --format word (InvalidArgument otherwise).
std::string_view ImportFormatName(ImportFormat format);
Result<ImportFormat> ParseImportFormat(std::string_view text);
// The format a file name suggests: .csv is CSV, anything else (.jsonl, .ndjson, stdin) JSON
// Lines.
ImportFormat FormatOfName(std::string_view name);

inline constexpr size_t kMaxImportLineBytes = 64 * 1024;
inline constexpr size_t kMaxImportKeyLength = 200;
inline constexpr size_t kMaxReportedProblems = 100;
// An import is held in memory until it commits (about 1 KB an event): a larger file is refused
// whole, to be split.
inline constexpr uint64_t kMaxImportEvents = 5'000'000;

struct ImportOptions {
  ImportFormat format = ImportFormat::kJsonLines;
  // The file's name as the events' source records it ("FILE:LINE") and messages name it.
  std::string name;
  // Check every line, write nothing.
  bool check_only = false;
  // Called now and then: the phase ("checking", "writing", "projecting"), what is done of it,
  // and its total (0 when unknown).
  std::function<void(std::string_view phase, uint64_t done, uint64_t total)> progress;
};

// One refused line.
struct ImportProblem {
  uint64_t line = 0;  // from 1
  Status status;      // InvalidArgument (malformed) or RuleViolation, Conflict, NotFound
};

struct ImportReport {
  uint64_t lines = 0;     // commands (JSON Lines) or rows (CSV) read
  uint64_t imported = 0;  // of them decided: written, or with check_only to be written
  uint64_t already = 0;   // of them recorded by an earlier import of the same keys: skipped
  uint64_t derived = 0;   // of them exported events the ledger derives (made again, not read)
  uint64_t events = 0;    // events appended (or to be, with check_only)
  Position first = 0;     // positions of the events appended (0 when none)
  Position last = 0;
  // The refused lines, the first kMaxReportedProblems of them, in line order; and how many
  // there were in all. When any, nothing was written.
  std::vector<ImportProblem> problems;
  uint64_t problem_count = 0;
  uint64_t malformed = 0;  // of them InvalidArgument (the rest a rule refused)
};

}  // namespace secondment::service

#endif  // SECONDMENT_SERVICE_IMPORT_H_
