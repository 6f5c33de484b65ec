// Key encodings of the ledger's column families (grammar in ledger/FORMAT.md).

#ifndef SECONDMENT_LEDGER_LOG_INTERNAL_KEYS_H_
#define SECONDMENT_LEDGER_LOG_INTERNAL_KEYS_H_

#include <rocksdb/slice.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/event/event.h"

namespace secondment::internal {

inline void PutBigEndian64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

inline void PutBigEndian32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

inline std::string_view View(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

inline uint64_t GetBigEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

// events: u64 big-endian position.
inline std::string EventKey(Position position) {
  std::string key;
  PutBigEndian64(key, position);
  return key;
}

// streams: stream id, 0x00, u32 big-endian version. Stream ids hold no 0x00, so the keys of
// one stream are contiguous and in version order.
inline std::string StreamKey(std::string_view stream, StreamVersion version) {
  std::string key;
  key.reserve(stream.size() + 5);
  key.append(stream);
  key += '\0';
  PutBigEndian32(key, version);
  return key;
}

// The first key after every key of `stream`.
inline std::string StreamUpperBound(std::string_view stream) {
  std::string key(stream);
  key += '\x01';
  return key;
}

// Stream id and version of a streams key; false when the key is not of that shape.
inline bool ParseStreamKey(std::string_view key, std::string_view* stream, StreamVersion* version) {
  if (key.size() < 6 || key[key.size() - 5] != '\0') return false;
  *stream = key.substr(0, key.size() - 5);
  *version = static_cast<StreamVersion>(GetBigEndian(key.substr(key.size() - 4)));
  return true;
}

// merkle: u8 level, u64 big-endian index within the level.
inline std::string MerkleKey(int level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  PutBigEndian64(key, index);
  return key;
}

}  // namespace secondment::internal

#endif  // SECONDMENT_LEDGER_LOG_INTERNAL_KEYS_H_
