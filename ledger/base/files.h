// Files written whole or not at all: small ones kept beside the ledger's database (consumer
// positions, the tokens file), and exports too large to hold in memory.

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

// The same for a file written piece by piece: Create() opens a new temporary file beside
// `path`, Append() adds to it, Commit() fsyncs it, renames it over `path` and fsyncs the folder.
// A ReplacementFile destroyed before Commit() removes its temporary file and leaves `path` as
// it was. Errors as ReplaceFile.
class ReplacementFile {
 public:
  static Result<ReplacementFile> Create(const std::string& path, mode_t mode);
  ReplacementFile(ReplacementFile&& other) noexcept;
  ReplacementFile& operator=(ReplacementFile&&) = delete;
  ~ReplacementFile();

  Status Append(std::string_view text);
  Status Commit();

 private:
  ReplacementFile(std::string path, std::string tmp, int fd) : path_(path), tmp_(tmp), fd_(fd) {}
  Status Failed();

  std::string path_, tmp_;
  int fd_ = -1;  // -1 once committed or failed
};

// Sets the open file `fd` to `mode` (whatever the umask), writes all of `text`, fsyncs and
// closes it. False when any step fails (errno says why); `fd` is closed either way.
bool FillAndClose(int fd, std::string_view text, mode_t mode);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_FILES_H_
