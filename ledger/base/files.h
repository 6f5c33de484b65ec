// Small files kept beside the ledger's database (consumer positions, the tokens file).

#ifndef SECONDMENT_LEDGER_BASE_FILES_H_
#define SECONDMENT_LEDGER_BASE_FILES_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace secondment {

// Replaces `path` with `text` so that a crash leaves the old file or the new one, never a mix:
// the text goes to a new temporary file beside it (mode `mode`), is fsync'ed, and is renamed
// over `path`. InvalidArgument when the folder of `path` does not exist; IOError naming `path`
// when another step fails. Nothing is replaced on failure.
Status ReplaceFile(const std::string& path, std::string_view text, mode_t mode);

// Sets the open file `fd` to `mode` (whatever the umask), writes all of `text`, fsyncs and
// closes it. False when any step fails (errno says why); `fd` is closed either way.
bool FillAndClose(int fd, std::string_view text, mode_t mode);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_FILES_H_
