// EventId: the 16-byte identity of an event, unique within a ledger. Retrying an append with
// the same ids is idempotent, so callers choose ids once per intended event and reuse them on
// retry. Textual form: a lowercase UUID, 8-4-4-4-12 hex digits.

#ifndef SECONDMENT_LEDGER_EVENT_EVENT_ID_H_
#define SECONDMENT_LEDGER_EVENT_EVENT_ID_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace secondment {

class EventId {
 public:
  static constexpr size_t kSize = 16;

  EventId() = default;  // the nil id (all zero), which the ledger refuses
  explicit EventId(const std::array<uint8_t, kSize>& bytes) : bytes_(bytes) {}

  // A random version-4 UUID from OpenSSL's CSPRNG.
  static EventId Random();
  // A version-8 UUID from the SHA-256 of `name`: the same name, the same id (how a retried
  // request or a re-imported line finds what it wrote the first time).
  static EventId FromName(std::string_view name);
  // From (hi, lo) as the big-endian halves of the 128 bits.
  static EventId FromHalves(uint64_t hi, uint64_t lo);
  // Exactly 16 bytes, else InvalidArgument.
  static Result<EventId> FromBytes(std::string_view bytes);
  // "8-4-4-4-12" hex digits, either case; else InvalidArgument.
  static Result<EventId> Parse(std::string_view text);

  bool IsNil() const { return bytes_ == std::array<uint8_t, kSize>{}; }
  const std::array<uint8_t, kSize>& bytes() const { return bytes_; }
  std::string_view AsStringView() const {
    return {reinterpret_cast<const char*>(bytes_.data()), kSize};
  }
  std::string ToString() const;

  friend bool operator==(const EventId&, const EventId&) = default;

 private:
  std::array<uint8_t, kSize> bytes_{};
};

struct EventIdHash {
  size_t operator()(const EventId& id) const {
    uint64_t h;
    std::memcpy(&h, id.bytes().data(), sizeof h);  // ids are random or hashed already
    return static_cast<size_t>(h);
  }
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_EVENT_EVENT_ID_H_
