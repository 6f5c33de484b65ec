#include "cli/console.h"

namespace secondment::cli {

FILE* Out() { return stdout; }
FILE* Err() { return stderr; }

}  // namespace secondment::cli
