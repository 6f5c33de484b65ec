#include "cli/audit_files.h"

#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "cli/args.h"
#include "ledger/base/files.h"
#include "ledger/base/json_input.h"

namespace secondment::cli {
namespace {

constexpr size_t kMaxKeyFileBytes = 64 * 1024;

Status Prefixed(std::string_view path, const Status& status) {
  return Status(status.code(), fmt::format("{}: {}", Printable(path, 200), status.message()));
}

}  // namespace

Result<SignedCheckpoint> ReadCheckpointFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxKeyFileBytes));
  auto parsed = ParseCheckpointNote(text);
  if (!parsed.ok()) return Prefixed(path, parsed.status());
  return parsed;
}

Result<PublicKey> ReadPublicKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxKeyFileBytes));
  auto key = PublicKey::FromPem(text);
  if (!key.ok()) return Prefixed(path, key.status());
  return key;
}

Result<SigningKey> ReadPrivateKeyFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return InvalidArgument(
        fmt::format("cannot read {}: {}", Printable(path, 200), std::strerror(errno)));
  }
  if ((st.st_mode & 077) != 0) {
    return InvalidArgument(fmt::format(
        "{} may be read by others (mode {:04o}); a private key must be the owner's only: chmod "
        "600 {}",
        Printable(path, 200), st.st_mode & 0777, Printable(path, 200)));
  }
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, kMaxKeyFileBytes));
  auto key = SigningKey::FromPem(text);
  if (!key.ok()) return Prefixed(path, key.status());
  return key;
}

Result<std::optional<SignedCheckpoint>> CheckpointOption(const Args& args) {
  if (auto path = args.Get("checkpoint")) {
    ASSIGN_OR_RETURN(SignedCheckpoint note, ReadCheckpointFile(*path));
    return std::optional<SignedCheckpoint>(std::move(note));
  }
  return std::optional<SignedCheckpoint>();
}

Result<std::optional<PublicKey>> PublicKeyOption(const Args& args) {
  if (auto path = args.Get("pubkey")) {
    ASSIGN_OR_RETURN(PublicKey key, ReadPublicKeyFile(*path));
    return std::optional<PublicKey>(std::move(key));
  }
  return std::optional<PublicKey>();
}

Status WriteNewFile(const std::string& path, std::string_view text, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) {
      return InvalidArgument(
          fmt::format("{} already exists; it is never overwritten", Printable(path, 200)));
    }
    return InvalidArgument(
        fmt::format("cannot create {}: {}", Printable(path, 200), std::strerror(errno)));
  }
  if (!FillAndClose(fd, text, static_cast<mode_t>(mode))) {
    ::unlink(path.c_str());
    return IOError(fmt::format("cannot write {}", Printable(path, 200)));
  }
  return Status::Ok();
}

Status WriteKeyFiles(const std::string& private_path, const std::string& public_path,
                     const SigningKey& key) {
  for (const std::string* path : {&private_path, &public_path}) {
    struct stat st;
    if (::lstat(path->c_str(), &st) == 0) {
      return InvalidArgument(
          fmt::format("{} already exists; keygen never overwrites a key", Printable(*path, 200)));
    }
  }
  RETURN_IF_ERROR(WriteNewFile(private_path, key.PrivatePem(), 0600));
  Status public_written = WriteNewFile(public_path, key.Public().Pem(), 0644);
  if (!public_written.ok()) {
    ::unlink(private_path.c_str());
    return public_written;
  }
  return Status::Ok();
}

}  // namespace secondment::cli
