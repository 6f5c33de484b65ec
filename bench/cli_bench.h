// One command line process at a time on a ledger holding the workload: what a script or an HR
// person waits for (cli_step_ms, cli_show_ms), and the peak memory of the two commands that
// read the whole log (rebuild_max_rss_mb, verify_max_rss_mb).

#ifndef SECONDMENT_BENCH_CLI_BENCH_H_
#define SECONDMENT_BENCH_CLI_BENCH_H_

#include <string>
#include <vector>

namespace secondment::bench {

struct CliFigures {
  double step_ms = 0;  // median wall time of one `secondment approve` process
  double show_ms = 0;  // median wall time of one `secondment show` process
  double rebuild_max_rss_mb = 0, verify_max_rss_mb = 0;  // peak resident memory, MiB
};

// Forks the helper that starts the programs CliCommands times, so that their peak memory is
// their own: call it first in main, while this process is small.
void StartSpawner();

// On the ledger `secondment <data_args>` names (made by `init` and loaded): proposes `count`
// new secondments in one import (untimed), then times `count` processes of each kind, one
// after the other, each on its own secondment; then one `rebuild` and one `verify`.
CliFigures CliCommands(const std::string& bin, const std::vector<std::string>& data_args,
                       const std::string& scratch_dir, int count);

}  // namespace secondment::bench

#endif  // SECONDMENT_BENCH_CLI_BENCH_H_
