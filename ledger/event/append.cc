#include "ledger/event/append.h"

#include <fmt/format.h>

namespace secondment {

Status ValidateStreamId(std::string_view stream) {
  if (stream.empty()) return InvalidArgument("stream id is empty");
  if (stream.size() > kMaxStreamIdSize) {
    return InvalidArgument(fmt::format("stream id is {} characters; the limit is {}", stream.size(),
                                       kMaxStreamIdSize));
  }
  for (size_t i = 0; i < stream.size(); ++i) {
    auto c = static_cast<unsigned char>(stream[i]);
    if (c < 0x20 || c > 0x7E) {
      return InvalidArgument(fmt::format(
          "stream id has byte 0x{:02x} at offset {}; only printable ASCII is allowed", c, i));
    }
  }
  return Status::Ok();
}

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no stream";
    case Kind::kExact:
      return fmt::format("version {}", version_);
  }
  return "unknown";
}

}  // namespace secondment
