// Events as JSON, the one rendering shared by the command line, `log --follow`, audit bundles
// and the NATS relay: field names are the schema's (lowerCamelCase); enum values are
// snake_case words; dates are "YYYY-MM-DD"; times are RFC 3339 UTC with microseconds; ids and
// hashes are lowercase hex (event ids as UUIDs); 64-bit numbers are plain JSON numbers.

#ifndef SECONDMENT_LEDGER_EVENT_EVENT_JSON_H_
#define SECONDMENT_LEDGER_EVENT_EVENT_JSON_H_

#include <string>
#include <string_view>

#include "ledger/base/date.h"
#include "ledger/event/event.h"

namespace secondment {

// A JSON string literal, escaped; and the same appended to `out`.
std::string JsonString(std::string_view text);
void AppendJsonString(std::string& out, std::string_view text);

// "2026-03-31T09:15:02.123456Z".
std::string Timestamp(int64_t micros);

// One event as a JSON object: position, recordedAt, streamId, streamVersion, eventId,
// effectiveDate, actor, role, type, payload, and source for an imported event.
std::string EventJson(const RecordedEvent& event);
// The same, appended to `out` (a feed writing many events into one buffer).
void AppendEventJson(std::string& out, const RecordedEvent& event);

// The event's payload as a JSON object.
std::string PayloadJson(schema::Event::Reader event);
// A date as a JSON string, or null for no date (year 0).
std::string DateJson(const CivilDate& date);
// An event id as a UUID (hex when malformed).
std::string EventIdText(capnp::Data::Reader id);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_EVENT_EVENT_JSON_H_
