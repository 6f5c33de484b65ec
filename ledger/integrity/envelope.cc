#include "ledger/integrity/envelope.h"

#include <capnp/message.h>
#include <fmt/format.h>

#include <cstring>

#include "schemas/event.capnp.h"

namespace secondment {

Result<Envelope> ReadEnvelope(std::string_view canonical) {
  if (canonical.empty() || canonical.size() % sizeof(capnp::word) != 0) {
    return Corruption(
        fmt::format("its bytes ({}) are not whole Cap'n Proto words", canonical.size()));
  }
  auto words = kj::heapArray<capnp::word>(canonical.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), canonical.data(), canonical.size());
  Envelope envelope;
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 const kj::ArrayPtr<const capnp::word> segments[1] = {
                     kj::ArrayPtr<const capnp::word>(words.begin(), words.size())};
                 capnp::SegmentArrayMessageReader reader(segments);
                 auto event = reader.getRoot<schema::Event>();
                 envelope.position = event.getPosition();
                 envelope.stream = event.getStreamId();
                 envelope.version = event.getStreamVersion();
                 if (event.hasPrevHash()) {
                   auto prev = event.getPrevHash();
                   envelope.prev_hash.emplace(reinterpret_cast<const char*>(prev.begin()),
                                              prev.size());
                 }
                 auto id = event.getEventId();
                 envelope.event_id.assign(reinterpret_cast<const char*>(id.begin()), id.size());
               })) {
    return Corruption(
        fmt::format("its bytes do not decode: {}", exception->getDescription().cStr()));
  }
  return envelope;
}

}  // namespace secondment
