// `secondment log --follow`: see cli/follow.cc and docs/cli.md.

#ifndef SECONDMENT_CLI_FOLLOW_H_
#define SECONDMENT_CLI_FOLLOW_H_

#include "cli/args.h"
#include "cli/env.h"

namespace secondment::cli {

// Prints every event from --from (or after a --consumer's last acknowledgement) as JSON
// lines, then live ones, until SIGINT/SIGTERM or a closed output; returns the exit status.
int RunFollow(Env& env, const Args& args);

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_FOLLOW_H_
