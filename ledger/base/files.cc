#include "ledger/base/files.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace secondment {

bool FillAndClose(int fd, std::string_view text, mode_t mode) {
  size_t written = 0;
  bool ok = ::fchmod(fd, mode) == 0;
  while (ok && written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  return ok;
}

Status ReplaceFile(const std::string& path, std::string_view text, mode_t mode) {
  std::string tmp = path + ".XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    int error = errno;
    std::string message = fmt::format("cannot write {}: {}", path, std::strerror(error));
    // A folder that is not there is the caller's mistake, not the disk's.
    if (error == ENOENT || error == ENOTDIR) return InvalidArgument(std::move(message));
    return IOError(std::move(message));
  }
  if (!FillAndClose(fd, text, mode) || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(tmp.c_str());
    return IOError(fmt::format("cannot write {}: {}", path, std::strerror(error)));
  }
  return Status::Ok();
}

}  // namespace secondment
