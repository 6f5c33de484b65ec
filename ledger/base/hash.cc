#include "ledger/base/hash.h"

#include <openssl/evp.h>

#include "ledger/base/assert.h"

namespace secondment {
namespace {

// SHA-256 fetched from the provider once: OpenSSL 3 takes a lock for the implicit fetch that
// EVP_sha256() implies on every EVP_DigestInit_ex, which cost ~10% of a full verify.
const EVP_MD* Sha256Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  LEDGER_ASSERT(md != nullptr);
  return md;
}

// Hashes the concatenation of `parts` with one EVP context per thread.
template <size_t N>
Hash256 Digest(const std::array<std::string_view, N>& parts) {
  struct Context {
    Context() : ctx(EVP_MD_CTX_new()) { LEDGER_ASSERT(ctx != nullptr); }
    ~Context() { EVP_MD_CTX_free(ctx); }
    EVP_MD_CTX* ctx;
  };
  thread_local Context context;
  Hash256 out;
  unsigned int size = 0;
  bool ok = EVP_DigestInit_ex(context.ctx, Sha256Md(), nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(context.ctx, part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(context.ctx, out.data(), &size) == 1;
  LEDGER_ASSERT(ok && size == out.size(), ok, size);
  return out;
}

std::string_view View(const Hash256& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace

Hash256 LeafHash(std::string_view canonical_event_bytes) {
  static constexpr char kLeafPrefix = 0x00;
  return Digest<2>({std::string_view(&kLeafPrefix, 1), canonical_event_bytes});
}

Hash256 NodeHash(const Hash256& left, const Hash256& right) {
  static constexpr char kNodePrefix = 0x01;
  return Digest<3>({std::string_view(&kNodePrefix, 1), View(left), View(right)});
}

Hash256 Sha256(std::string_view bytes) { return Digest<1>({bytes}); }

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<uint8_t>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

std::string ToHex(const Hash256& hash) { return ToHex(View(hash)); }

std::optional<Hash256> HashFromHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash256 hash;
  for (size_t i = 0; i < hash.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    hash[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return hash;
}

}  // namespace secondment
