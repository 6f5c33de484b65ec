#include "ledger/base/files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>

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

Result<ReplacementFile> ReplacementFile::Create(const std::string& path, mode_t mode) {
  std::string tmp = path + ".XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    int error = errno;
    std::string message = fmt::format("cannot write {}: {}", path, std::strerror(error));
    // A folder that is not there is the caller's mistake, not the disk's.
    if (error == ENOENT || error == ENOTDIR) return InvalidArgument(std::move(message));
    return IOError(std::move(message));
  }
  ReplacementFile file(path, tmp, fd);
  if (::fchmod(fd, mode) != 0) return file.Failed();
  return file;
}

ReplacementFile::ReplacementFile(ReplacementFile&& other) noexcept
    : path_(std::move(other.path_)),
      tmp_(std::move(other.tmp_)),
      fd_(std::exchange(other.fd_, -1)) {}

ReplacementFile::~ReplacementFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(tmp_.c_str());
}

Status ReplacementFile::Failed() {
  int error = errno;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_.c_str());
  return IOError(fmt::format("cannot write {}: {}", path_, std::strerror(error)));
}

Status ReplacementFile::Append(std::string_view text) {
  if (fd_ < 0) return IOError(fmt::format("cannot write {}: already closed", path_));
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Failed();
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status ReplacementFile::Commit() {
  if (fd_ < 0) return IOError(fmt::format("cannot write {}: already closed", path_));
  if (::fsync(fd_) != 0) return Failed();
  int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 || ::rename(tmp_.c_str(), path_.c_str()) != 0) return Failed();
  // The rename is durable once the folder is synced.
  std::string folder = std::filesystem::path(path_).parent_path().string();
  int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

Status ReplaceFile(const std::string& path, std::string_view text, mode_t mode) {
  ASSIGN_OR_RETURN(ReplacementFile file, ReplacementFile::Create(path, mode));
  RETURN_IF_ERROR(file.Append(text));
  return file.Commit();
}

}  // namespace secondment
