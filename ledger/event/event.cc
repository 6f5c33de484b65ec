#include "ledger/event/event.h"

#include <capnp/dynamic.h>
#include <capnp/schema.h>
#include <fmt/format.h>
#include <kj/exception.h>

#include <cstring>

namespace secondment {
namespace {

// Small events fit the first segment, so a NewEvent is usually one allocation.
constexpr unsigned kFirstSegmentWords = 96;

kj::ArrayPtr<const capnp::word> AsWords(std::string_view bytes) {
  return {reinterpret_cast<const capnp::word*>(bytes.data()), bytes.size() / sizeof(capnp::word)};
}

Status CheckWholeWords(Position position, std::string_view bytes) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0) {
    return Corruption(
        fmt::format("event at position {} does not decode: {} bytes is not a "
                    "whole, non-zero number of words",
                    position, bytes.size()));
  }
  return Status::Ok();
}

// Reads every field that is set, with its schema's type, so that what Cap'n Proto checks only
// when a field is read (text ends in NUL, a list pointer where a list belongs, element sizes
// that fit the type) is checked here once. Throws kj::Exception, as any read does.
void ReadEveryField(capnp::DynamicValue::Reader value) {
  switch (value.getType()) {
    case capnp::DynamicValue::STRUCT: {
      auto fields = value.as<capnp::DynamicStruct>();
      for (auto field : fields.getSchema().getNonUnionFields()) {
        if (fields.has(field)) ReadEveryField(fields.get(field));
      }
      KJ_IF_MAYBE (active, fields.which()) {
        ReadEveryField(fields.get(*active));
      }
      break;
    }
    case capnp::DynamicValue::LIST:
      for (auto element : value.as<capnp::DynamicList>()) ReadEveryField(element);
      break;
    default:
      break;  // text and data were checked by get(); numbers and enums need no check
  }
}

// Validates `words` as a canonical Event stored at `position`: every pointer in bounds, no
// far pointers, nothing unreachable. After this, unchecked reads of the message are safe.
// With `every_field`, also every field readable as its type, so that no read of it throws.
Status Validate(Position position, kj::ArrayPtr<const capnp::word> words, bool every_field) {
  auto corrupt = [position](std::string_view what) {
    return Corruption(fmt::format("event at position {} does not decode: {}", position, what));
  };
  if (words.size() == 0) return corrupt("empty value");
  bool canonical = false;
  Position stored_position = 0;
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 const kj::ArrayPtr<const capnp::word> segments[1] = {words};
                 capnp::SegmentArrayMessageReader reader(segments);
                 canonical = reader.isCanonical();
                 if (!canonical) return;
                 auto event = reader.getRoot<schema::Event>();
                 if (every_field) ReadEveryField(capnp::toDynamic(event));
                 stored_position = event.getPosition();
               })) {
    return corrupt(exception->getDescription().cStr());
  }
  if (!canonical) return corrupt("not a canonical Cap'n Proto message");
  if (stored_position != position) {
    return corrupt(fmt::format("it names position {}", stored_position));
  }
  return Status::Ok();
}

}  // namespace

NewEvent::NewEvent(EventId id)
    : id_(id),
      message_(std::make_unique<capnp::MallocMessageBuilder>(kFirstSegmentWords)),
      root_(message_->initRoot<schema::Event>()) {}

Result<RecordedEvent> RecordedEvent::Decode(Position position, std::string_view bytes) {
  return DecodeChecked(position, bytes, /*every_field=*/false);
}

Result<RecordedEvent> RecordedEvent::DecodeForeign(Position position, std::string_view bytes) {
  return DecodeChecked(position, bytes, /*every_field=*/true);
}

Result<RecordedEvent> RecordedEvent::DecodeChecked(Position position, std::string_view bytes,
                                                   bool every_field) {
  if (bytes.size() % sizeof(capnp::word) != 0) {
    return Corruption(
        fmt::format("event at position {} does not decode: {} bytes is not a "
                    "whole number of words",
                    position, bytes.size()));
  }
  auto words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  RETURN_IF_ERROR(Validate(position, words, every_field));
  return RecordedEvent(position, kj::mv(words));
}

schema::Event::Reader RecordedEvent::Get() const {
  return capnp::readMessageUnchecked<schema::Event>(words_.begin());
}

std::string_view RecordedEvent::bytes() const {
  return {reinterpret_cast<const char*>(words_.begin()), words_.size() * sizeof(capnp::word)};
}

Status VisitStoredEvent(Position position, std::string_view bytes, kj::Array<capnp::word>& scratch,
                        const std::function<Status(const EventView&)>& visit) {
  RETURN_IF_ERROR(CheckWholeWords(position, bytes));
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) != 0) {
    size_t words = bytes.size() / sizeof(capnp::word);
    if (scratch.size() < words) scratch = kj::heapArray<capnp::word>(words * 2);
    std::memcpy(scratch.begin(), bytes.data(), bytes.size());
    bytes = {reinterpret_cast<const char*>(scratch.begin()), bytes.size()};
  }
  const kj::ArrayPtr<const capnp::word> segments[1] = {AsWords(bytes)};
  capnp::SegmentArrayMessageReader reader(segments);
  Status result;
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 auto event = reader.getRoot<schema::Event>();
                 if (event.getPosition() != position) {
                   result = Corruption(
                       fmt::format("event at position {} does not decode: it names position {}",
                                   position, event.getPosition()));
                   return;
                 }
                 result = visit(EventView{position, bytes, event});
               })) {
    return Corruption(fmt::format("event at position {} does not decode: {}", position,
                                  exception->getDescription().cStr()));
  }
  return result;
}

std::string_view EventTypeName(schema::Event::Reader event) {
  auto schema = capnp::Schema::from<schema::Event>();
  auto payload = schema.getFieldByName("payload").getType().asStruct();
  KJ_IF_MAYBE (field,
               payload.getFieldByDiscriminant(static_cast<uint16_t>(event.getPayload().which()))) {
    auto name = field->getProto().getName();
    return {name.cStr(), name.size()};
  }
  return "unknown";
}

}  // namespace secondment
