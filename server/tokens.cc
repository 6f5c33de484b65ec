#include "server/tokens.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ledger/base/files.h"
#include "ledger/base/hash.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment::server {
namespace {

constexpr std::string_view kTokenPrefix = "sl_";
constexpr size_t kTokenRandomBytes = 32;
constexpr size_t kMaxTokenFileBytes = 16 << 20;

constexpr Role kTokenRoles[] = {Role::kHr,        Role::kHomeManager, Role::kHostManager,
                                Role::kSecondee,  Role::kException,   Role::kAuditor,
                                Role::kSubscriber};

std::string HashHex(std::string_view token) { return ToHex(Sha256(token)); }

bool IsHashHex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Equal-time comparison of two hex hashes.
bool SameHash(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Result<Role> ParseRole(std::string_view text) {
  for (Role role : kTokenRoles) {
    if (RoleName(role) == text) return role;
  }
  return InvalidArgument(
      fmt::format("unknown role '{}'; roles are hr, home_manager, host_manager, secondee, "
                  "exception, auditor, subscriber",
                  text.substr(0, 40)));
}

bool Principal::Has(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Result<TokenFile> TokenFile::Load(const std::string& path) {
  TokenFile file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return file;
    return InvalidArgument(fmt::format("cannot read tokens file {}", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() > kMaxTokenFileBytes) {
    return InvalidArgument(
        fmt::format("tokens file {} is over {} bytes", path, kMaxTokenFileBytes));
  }
  std::istringstream lines(text);
  std::string line;
  for (size_t number = 1; std::getline(lines, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](std::string_view what) {
      return InvalidArgument(fmt::format("tokens file {}, line {}: {}", path, number, what));
    };
    std::istringstream fields(line);
    std::string hash, id, roles, extra;
    fields >> hash >> id >> roles;
    if (!fields || (fields >> extra)) return bad("expected a token hash, a principal and roles");
    if (!IsHashHex(hash)) return bad("the token hash is not 64 lowercase hex digits");
    if (!ValidateId(id, "principal").ok()) return bad("the principal id is not valid");
    Entry entry{hash, Principal{id, {}}};
    std::istringstream role_list(roles);
    std::string role;
    while (std::getline(role_list, role, ',')) {
      auto parsed = ParseRole(role);
      if (!parsed.ok()) return bad(parsed.status().message());
      if (!entry.principal.Has(*parsed)) entry.principal.roles.push_back(*parsed);
    }
    if (entry.principal.roles.empty()) return bad("no role");
    for (const Entry& other : file.entries_) {
      if (other.principal.id == id) return bad(fmt::format("principal {} appears twice", id));
    }
    file.entries_.push_back(std::move(entry));
  }
  return file;
}

Status TokenFile::Save(const std::string& path) const {
  std::string text = "# secondment tokens v1: sha256(token) principal roles\n";
  for (const Entry& e : entries_) {
    std::string roles;
    for (Role r : e.principal.roles) {
      if (!roles.empty()) roles += ',';
      roles += RoleName(r);
    }
    text += fmt::format("{} {} {}\n", e.token_hash, e.principal.id, roles);
  }
  return ReplaceFile(path, text, 0600);
}

Result<std::string> TokenFile::Add(const Principal& principal) {
  RETURN_IF_ERROR(ValidateId(principal.id, "principal"));
  if (principal.roles.empty()) return InvalidArgument("a principal needs at least one --role");
  for (const Entry& e : entries_) {
    if (e.principal.id == principal.id) {
      return Conflict(fmt::format(
          "principal {} already has a token; revoke it first to issue another", principal.id));
    }
  }
  unsigned char random[kTokenRandomBytes];
  if (RAND_bytes(random, sizeof random) != 1) return IOError("no randomness for a token");
  std::string token(kTokenPrefix);
  token += ToHex(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
  Principal stored = principal;
  std::vector<Role> unique;
  for (Role r : stored.roles) {
    if (std::find(unique.begin(), unique.end(), r) == unique.end()) unique.push_back(r);
  }
  stored.roles = unique;
  entries_.push_back(Entry{HashHex(token), std::move(stored)});
  return token;
}

Status TokenFile::Revoke(std::string_view principal_id) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.principal.id == principal_id; });
  if (it == entries_.end()) {
    return NotFound(fmt::format("no token for principal {}", principal_id.substr(0, 64)));
  }
  entries_.erase(it);
  return Status::Ok();
}

std::optional<Principal> TokenFile::Authenticate(std::string_view token) const {
  if (token.size() > 256) return std::nullopt;
  std::string hash = HashHex(token);
  std::optional<Principal> found;
  for (const Entry& e : entries_) {
    if (SameHash(e.token_hash, hash)) found = e.principal;
  }
  return found;
}

Result<std::optional<Principal>> TokenSource::Authenticate(std::string_view token) {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) {
    return IOError(fmt::format("the tokens file cannot be read: {}", std::strerror(errno)));
  }
  Version now{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
              static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  MutexLock lock(&mu_);
  if (!(now == version_)) {
    auto file = TokenFile::Load(path_);
    if (!file.ok()) return IOError("the tokens file cannot be read");
    file_ = std::move(*file);
    version_ = now;
  }
  return file_.Authenticate(token);
}

}  // namespace secondment::server
