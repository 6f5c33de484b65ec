// The hash definitions of the ledger (RFC 6962 shape, DESIGN.md section 5):
//   leaf = SHA-256(0x00 || canonical event bytes)
//   node = SHA-256(0x01 || left || right)
// Every event's prevHash is the leaf hash of the previous event of its stream.

#ifndef SECONDMENT_LEDGER_BASE_HASH_H_
#define SECONDMENT_LEDGER_BASE_HASH_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace secondment {

using Hash256 = std::array<uint8_t, 32>;

// Thread-safe.
Hash256 LeafHash(std::string_view canonical_event_bytes);
Hash256 NodeHash(const Hash256& left, const Hash256& right);
Hash256 Sha256(std::string_view bytes);

// Lowercase hex, 64 characters, and back (nullopt unless exactly 64 hex digits).
std::string ToHex(const Hash256& hash);
// Any bytes as lowercase hex, two digits a byte.
std::string ToHex(std::string_view bytes);
std::optional<Hash256> HashFromHex(std::string_view hex);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_HASH_H_
