// What `secondment` prints: one JSON object per line with --json, else lines for people.
// JSON: field names are the schema's (lowerCamelCase); enum values are snake_case words as on
// the command line; dates are "YYYY-MM-DD"; times are RFC 3339 UTC with microseconds; ids and
// hashes are lowercase hex (event ids as UUIDs); 64-bit numbers are plain JSON numbers.

#ifndef SECONDMENT_CLI_OUTPUT_H_
#define SECONDMENT_CLI_OUTPUT_H_

#include <string>
#include <string_view>
#include <vector>

#include "ledger/event/event.h"
#include "ledger/event/event_json.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/lifecycle/policy.h"

namespace secondment::cli {

// JsonString, Timestamp and EventJson: ledger/event/event_json.h.
using secondment::EventJson;
using secondment::JsonString;
using secondment::Timestamp;
// One event as a line for people: position, recorded-at, stream, version, effective date,
// type, actor and role, a summary, and the payload as JSON.
std::string EventLine(const RecordedEvent& event);

// One event as a CSV row, and the header of such rows.
std::vector<std::string> EventCsvHeader();
std::vector<std::string> EventCsvRow(const RecordedEvent& event);

// The secondment as a JSON object (see docs/cli.md) and as lines for people.
std::string SecondmentJson(const Secondment& s, const Policy& policy);
std::string SecondmentText(const Secondment& s, const Policy& policy);

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_OUTPUT_H_
