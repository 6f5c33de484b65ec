// Who may reach the ledger over the network: a tokens file mapping each token, stored only as
// its SHA-256, to a principal id and its roles (DESIGN.md section 7).
//
// File grammar (text, one entry per line; '#' starts a comment line):
//   <64 lowercase hex: SHA-256 of the token> <principal id> <role>[,<role>]...
// Roles: hr, home_manager, host_manager, secondee, exception, auditor, subscriber (what each may
// do: service/caller.h). A principal id is 1 to
// 64 of A-Z a-z 0-9 . _ - and appears at most once. Tokens are "sl_" and 64 hex digits (32
// random bytes), printed once by `secondment token add` and never stored.

#ifndef SECONDMENT_SERVER_TOKENS_H_
#define SECONDMENT_SERVER_TOKENS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/mutex.h"
#include "ledger/base/status.h"
#include "ledger/base/thread_annotations.h"
#include "service/caller.h"

namespace secondment::server {

using service::Role;
using service::RoleName;

// A role a token may carry (every role but the local administrator); InvalidArgument naming
// the text otherwise.
Result<Role> ParseRole(std::string_view text);

struct Principal {
  std::string id;
  std::vector<Role> roles;
  bool Has(Role role) const;
};

// The entries of one tokens file. A value; load it, change it, save it.
class TokenFile {
 public:
  // Reads `path`; a missing file is an empty one. InvalidArgument naming the line that does
  // not follow the grammar.
  static Result<TokenFile> Load(const std::string& path);
  // Writes the entries atomically (a new file, fsync'ed, renamed over the old), mode 0600.
  Status Save(const std::string& path) const;

  // Adds `principal` with a new random token and returns the token (to print once).
  // Conflict when the principal already has one; InvalidArgument for a bad id or no role.
  Result<std::string> Add(const Principal& principal);
  // Removes the principal's entry; NotFound when there is none.
  Status Revoke(std::string_view principal_id);
  // The principal a token belongs to, or nullopt.
  std::optional<Principal> Authenticate(std::string_view token) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string token_hash;  // hex
    Principal principal;
  };
  std::vector<Entry> entries_;
};

// A tokens file as a server reads it, again whenever the file changes (another inode, size or
// modification time: `token revoke` renames a new file over the old), so that a revocation
// takes effect at the next check without reading the file for every call. Thread-safe.
class TokenSource {
 public:
  explicit TokenSource(std::string path) : path_(std::move(path)) {}
  TokenSource(const TokenSource&) = delete;
  TokenSource& operator=(const TokenSource&) = delete;

  // The principal `token` names now, or nullopt; IOError when the file cannot be read.
  Result<std::optional<Principal>> Authenticate(std::string_view token);

 private:
  struct Version {
    uint64_t inode = 0, size = 0;
    int64_t modified_ns = -1;
    bool operator==(const Version&) const = default;
  };

  const std::string path_;
  Mutex mu_;
  Version version_ GUARDED_BY(mu_);
  TokenFile file_ GUARDED_BY(mu_);
};

}  // namespace secondment::server

#endif  // SECONDMENT_SERVER_TOKENS_H_
