// Events as the ledger's callers see them.
//
// NewEvent: what a caller hands to Append: an id and a capnp `schema::Event` builder in which
// the caller sets the payload, the effective date, the actor and the correlation and causation
// ids. The ledger sets the rest (position, stream id and version, recorded-at, prevHash).
//
// RecordedEvent: a committed event read back: owns its canonical bytes (word-aligned) and
// gives a reader over them. EventView is the borrowed form used while scanning.

#ifndef SECONDMENT_LEDGER_EVENT_EVENT_H_
#define SECONDMENT_LEDGER_EVENT_EVENT_H_

#include <capnp/message.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/event/event_id.h"
#include "schemas/event.capnp.h"

namespace secondment {

using Position = uint64_t;       // global position, dense from 1; 0 means "none"
using StreamVersion = uint32_t;  // version within a stream, dense from 0

// Movable, not copyable. Not thread-safe; owned by one thread until handed to Append.
class NewEvent {
 public:
  explicit NewEvent(EventId id);
  NewEvent(NewEvent&&) noexcept = default;
  NewEvent& operator=(NewEvent&&) noexcept = default;

  const EventId& id() const { return id_; }
  // (Set before the event is appended: the log stamps the id into it then.)
  void set_id(const EventId& id) { id_ = id; }
  // The data subject the event is about (an employee id), if any: the log then seals the
  // event's personal fields under that subject's key (ledger/event/sealing.h). `managers`:
  // the managers' ids named in it are sealed too.
  void set_subject(std::string employee_id, bool managers = false) {
    subject_ = std::move(employee_id);
    seal_managers_ = managers;
  }
  const std::string& subject() const { return subject_; }
  bool seal_managers() const { return seal_managers_; }

  // The event to fill in. Valid while this NewEvent lives.
  schema::Event::Builder Mutable() { return root_; }
  schema::Event::Reader Get() const { return root_.asReader(); }

 private:
  EventId id_;
  std::string subject_;
  bool seal_managers_ = false;
  std::unique_ptr<capnp::MallocMessageBuilder> message_;
  schema::Event::Builder root_;
};

// What a read of the log gives: events as their readers expect them, with the personal fields
// sealed in them opened (put back, or marked erased: ledger/event/sealing.h), or the stored
// bytes exactly as hashed (for proofs and audit bundles).
enum class Reading { kOpened, kStored };

// A committed event, borrowed: valid only as long as whatever produced it says.
struct EventView {
  Position position = 0;
  std::string_view bytes;  // the canonical bytes as stored (word-aligned)
  schema::Event::Reader event;
};

// A committed event that owns its bytes. Movable, not copyable; thread-compatible.
class RecordedEvent {
 public:
  // Checks that `bytes` hold the canonical encoding of an Event stored at `position`;
  // Corruption naming the position otherwise. For the ledger's own stored bytes, which its
  // writer built (and RocksDB checksums).
  static Result<RecordedEvent> Decode(Position position, std::string_view bytes);
  // As Decode, for bytes from outside the ledger (a history proof, an audit bundle): also
  // reads every field once, so that what no reader could read (a text without its closing
  // NUL, a list where a struct belongs) is Corruption here, never an exception from a reader
  // later. About 5 times the cost of Decode.
  static Result<RecordedEvent> DecodeForeign(Position position, std::string_view bytes);

  // Takes canonical words the ledger made itself (an event with its sealed fields opened).
  static RecordedEvent Adopt(Position position, kj::Array<capnp::word> words) {
    return RecordedEvent(position, kj::mv(words));
  }

  Position position() const { return position_; }
  schema::Event::Reader Get() const;
  std::string_view bytes() const;
  EventView view() const { return {position_, bytes(), Get()}; }

 private:
  static Result<RecordedEvent> DecodeChecked(Position position, std::string_view bytes,
                                             bool every_field);
  RecordedEvent(Position position, kj::Array<capnp::word> words)
      : position_(position), words_(kj::mv(words)) {}

  Position position_;
  kj::Array<capnp::word> words_;
};

// Calls `visit` with a view of the stored bytes of the event at `position`, read through a
// bounds-checked reader (copied into `scratch` first when not word-aligned). Cheaper than
// RecordedEvent::Decode: the message is not walked whole up front. Instead, a malformed
// pointer met while `visit` reads the event ends the call with Corruption naming the position
// (`visit` may then have seen part of that event). Corruption too when the bytes are not whole
// words or the event names another position; otherwise returns what `visit` returns.
Status VisitStoredEvent(Position position, std::string_view bytes, kj::Array<capnp::word>& scratch,
                        const std::function<Status(const EventView&)>& visit);

// The event's type as named in the schema's payload union, e.g. "approvalGranted".
std::string_view EventTypeName(schema::Event::Reader event);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_EVENT_EVENT_H_
