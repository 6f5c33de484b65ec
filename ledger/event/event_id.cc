#include "ledger/event/event_id.h"

#include <openssl/rand.h>

#include <algorithm>

#include "ledger/base/assert.h"
#include "ledger/base/hash.h"

namespace secondment {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

EventId EventId::Random() {
  std::array<uint8_t, kSize> bytes;
  int rc = RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  LEDGER_ASSERT(rc == 1, rc);
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // variant 1
  return EventId(bytes);
}

EventId EventId::FromName(std::string_view name) {
  Hash256 digest = Sha256(name);
  std::array<uint8_t, kSize> bytes;
  std::copy_n(digest.begin(), kSize, bytes.begin());
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x80);  // UUID version 8 (custom)
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 9562 variant
  return EventId(bytes);
}

EventId EventId::FromHalves(uint64_t hi, uint64_t lo) {
  std::array<uint8_t, kSize> bytes;
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
    bytes[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
  }
  return EventId(bytes);
}

Result<EventId> EventId::FromBytes(std::string_view bytes) {
  if (bytes.size() != kSize) {
    return InvalidArgument(fmt::format("an event id is 16 bytes, got {}", bytes.size()));
  }
  std::array<uint8_t, kSize> out;
  std::memcpy(out.data(), bytes.data(), kSize);
  return EventId(out);
}

Result<EventId> EventId::Parse(std::string_view text) {
  constexpr size_t kTextSize = 36;
  auto malformed = [] { return InvalidArgument("an event id is a UUID: 8-4-4-4-12 hex digits"); };
  if (text.size() != kTextSize) return malformed();
  std::array<uint8_t, kSize> out{};
  size_t nibble = 0;
  for (size_t i = 0; i < kTextSize; ++i) {
    bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_here) {
      if (text[i] != '-') return malformed();
      continue;
    }
    int v = HexValue(text[i]);
    if (v < 0) return malformed();
    out[nibble / 2] = static_cast<uint8_t>(out[nibble / 2] | (nibble % 2 == 0 ? v << 4 : v));
    ++nibble;
  }
  return EventId(out);
}

std::string EventId::ToString() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < kSize; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kDigits[bytes_[i] >> 4];
    out += kDigits[bytes_[i] & 0x0F];
  }
  return out;
}

}  // namespace secondment
