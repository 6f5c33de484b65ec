// Fuzz target: the bytes of a stored event, as RocksDB, an audit bundle or a history proof
// hands them over. Whatever the bytes, decoding them as foreign bytes either refuses them with
// Corruption or yields an event that every reader handles: the JSON rendering is valid JSON, the
// envelope reader agrees with the decoder, and the fold and the projection rows take the event
// without harm.

#include <capnp/message.h>
#include <kj/exception.h>

#include <cstring>

#include "ledger/base/json_input.h"
#include "ledger/event/event.h"
#include "ledger/event/event_json.h"
#include "ledger/integrity/envelope.h"
#include "ledger/lifecycle/lifecycle.h"
#include "projections/models.h"
#include "tests/fuzz/fuzz_check.h"

namespace secondment::fuzz {
namespace {

// The position the bytes name, read as far as they decode (0 when they do not), so that
// decoding gets past its check that the bytes belong where they are stored.
Position ClaimedPosition(std::string_view bytes) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) return 0;
  auto words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  Position position = 0;
  kj::runCatchingExceptions([&] {
    const kj::ArrayPtr<const capnp::word> segments[1] = {
        kj::ArrayPtr<const capnp::word>(words.begin(), words.size())};
    capnp::SegmentArrayMessageReader reader(segments);
    position = reader.getRoot<schema::Event>().getPosition();
  });
  return position;
}

void CheckJson(const std::string& json, const char* what) {
  auto parsed = JsonDocument::Parse(json, what, json.size() + 1);
  FUZZ_CHECK(parsed.ok(), what);
}

}  // namespace
}  // namespace secondment::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace secondment;
  std::string_view bytes = fuzz::AsText(data, size);
  Position position = fuzz::ClaimedPosition(bytes);

  // Bytes from outside the ledger (proofs, bundles) go through the full check; the ledger's
  // own reads through the canonical check, which must take all the full check takes.
  auto decoded = RecordedEvent::DecodeForeign(position, bytes);
  auto stored = RecordedEvent::Decode(position, bytes);
  if (decoded.ok()) FUZZ_CHECK(stored.ok(), "the canonical check takes what the full one takes");
  if (!stored.ok()) {
    FUZZ_CHECK(stored.status().code() == StatusCode::kCorruption, "decoding refuses as Corruption");
  }
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.status().code() == StatusCode::kCorruption,
               "decoding refuses as Corruption");
  }

  // The offline readers (proofs, bundles) read the envelope of any bytes, canonical or not.
  auto envelope = ReadEnvelope(bytes);
  if (!envelope.ok()) {
    FUZZ_CHECK(envelope.status().code() == StatusCode::kCorruption,
               "envelope refuses as Corruption");
  }

  // The scan path reads stored bytes in place, without the canonical check; an unaligned copy
  // takes the path that copies them first.
  std::string unaligned(1, ' ');
  unaligned.append(bytes);
  kj::Array<capnp::word> scratch;
  Status visited = VisitStoredEvent(
      position, std::string_view(unaligned).substr(1), scratch, [](const EventView& view) {
        fuzz::CheckJson(PayloadJson(view.event), "a scanned payload's JSON");
        (void)EventTypeName(view.event);
        return Status::Ok();
      });
  if (!visited.ok()) {
    FUZZ_CHECK(visited.code() == StatusCode::kCorruption, "a scan refuses as Corruption");
  }

  if (decoded.ok()) {
    // A valid stored event: every reader takes it, and they agree.
    FUZZ_CHECK(visited.ok(), "what decodes also scans");
    FUZZ_CHECK(envelope.ok(), "what decodes has an envelope");
    auto event = decoded->Get();
    FUZZ_CHECK(envelope->position == position, "the envelope's position");
    FUZZ_CHECK(envelope->stream == std::string_view(event.getStreamId().cStr()),
               "the envelope's stream");
    FUZZ_CHECK(envelope->version == event.getStreamVersion(), "the envelope's version");
    fuzz::CheckJson(EventJson(*decoded), "an event's JSON");

    Secondment folded = Evolve(Secondment{}, event);
    (void)projections::EncodePlacement(folded);
    (void)projections::PlacementEntries(folded);
    (void)folded.CumulativeDays();
  }
  return 0;
}
