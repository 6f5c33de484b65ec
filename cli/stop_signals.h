// SIGINT and SIGTERM for the commands that run until stopped (`log --follow`, `relay`): taken
// synchronously by the main thread, so that stopping is a normal way out of a loop.

#ifndef SECONDMENT_CLI_STOP_SIGNALS_H_
#define SECONDMENT_CLI_STOP_SIGNALS_H_

#include <chrono>

namespace secondment::cli {

// Blocks SIGINT and SIGTERM in this thread and every thread started after (call it before
// opening the ledger, whose RocksDB threads inherit the mask), and ignores SIGPIPE, so that a
// closed pipe is a write error rather than death.
void BlockStopSignals();

// Waits up to `timeout` for SIGINT or SIGTERM; true when one came.
bool WaitForStopSignal(std::chrono::milliseconds timeout);

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_STOP_SIGNALS_H_
