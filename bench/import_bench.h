// The workload as a file of commands, imported and exported by the `secondment` command line:
// import_eps and export_eps of `ledger_bench --json` (BENCHMARKS.md, "Import and export").

#ifndef SECONDMENT_BENCH_IMPORT_BENCH_H_
#define SECONDMENT_BENCH_IMPORT_BENCH_H_

#include <cstdint>
#include <string>

#include "bench/cli_bench.h"
#include "bench/workload.h"

namespace secondment::bench {

struct ImportFigures {
  double import_eps = 0;  // events written by `import` of the workload's commands, per second
  double export_eps = 0;  // events written by `export log` to a file, per second
  uint64_t events = 0;    // events the import wrote
  CliFigures cli;         // single commands on the imported ledger
};

// Writes the workload as JSON Lines of commands under `dir`, imports it into a new ledger with
// `secondment import` (durable; one file per 2,000,000 workload events) and exports that ledger's
// log with `secondment export log`, each timed as a whole process; then times single commands on it
// (CliCommands).
ImportFigures ImportExport(const std::string& dir, const workload::Workload& w);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_IMPORT_BENCH_H_
