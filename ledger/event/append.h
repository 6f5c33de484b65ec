// What one append asks of the log and what it gets back (ledger/log/event_log.h): values, so
// that the rules can say what to append and the log's writer can take it without either knowing
// the other.

#ifndef SECONDMENT_LEDGER_EVENT_APPEND_H_
#define SECONDMENT_LEDGER_EVENT_APPEND_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/event/event.h"

namespace secondment {

// The limits of one Append; beyond them it is refused with InvalidArgument.
inline constexpr size_t kMaxStreamIdSize = 128;
inline constexpr size_t kMaxEventBytes = 64 * 1024;  // canonical encoding, envelope included
inline constexpr size_t kMaxEventsPerAppend = 1000;  // over all streams of the call

// OK when `stream` is 1 to 128 printable ASCII characters (0x20..0x7E, space included); else
// InvalidArgument saying what is wrong.
Status ValidateStreamId(std::string_view stream);

// What the stream must look like for an append to it to go ahead.
class ExpectedVersion {
 public:
  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  static ExpectedVersion NoStream() { return ExpectedVersion(Kind::kNoStream, 0); }
  // The stream exists and its last event has this version.
  static ExpectedVersion Exactly(StreamVersion version) {
    return ExpectedVersion(Kind::kExact, version);
  }
  // Exactly(*version), or NoStream() when nullopt.
  static ExpectedVersion After(const std::optional<StreamVersion>& version) {
    return version ? Exactly(*version) : NoStream();
  }

  bool IsAny() const { return kind_ == Kind::kAny; }
  bool IsNoStream() const { return kind_ == Kind::kNoStream; }
  std::optional<StreamVersion> exact() const {
    return kind_ == Kind::kExact ? std::optional(version_) : std::nullopt;
  }
  // "any", "no stream", "version 4".
  std::string ToString() const;

 private:
  enum class Kind { kAny, kNoStream, kExact };
  ExpectedVersion(Kind kind, StreamVersion version) : kind_(kind), version_(version) {}
  Kind kind_;
  StreamVersion version_;
};

// The events one Append adds to one stream.
struct StreamAppend {
  std::string stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;
};

struct AppendResult {
  // The position of each event, in the order given (streams in call order, then events).
  std::vector<Position> positions;
  // True when every event id was already stored with the same content: nothing was written
  // and `positions` are those of the original append.
  bool duplicate = false;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_EVENT_APPEND_H_
