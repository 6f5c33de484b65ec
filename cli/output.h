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
#include "projections/queries.h"
#include "service/json_views.h"

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

// Rows of `status` and `placements` (and their exports), with their headers. A status row is
// as of business date `today`.
std::vector<std::string> StatusHeader();
std::vector<std::string> StatusRow(const projections::Folded& folded, const Policy& policy,
                                   const CivilDate& today);
std::vector<std::string> PlacementHeader();
std::vector<std::string> PlacementRow(const projections::Placement& p);

// The JSON of secondments, placements and alerts: service/json_views.h.
using service::AlertJson;
using service::FoldedJson;
using service::PlacementJson;
using service::SecondmentJson;
using service::StateNameOn;

// A secondment as `show` prints it for people, as of business date `today` (a conversion that
// takes effect later shows as active, "converting on D"; actual days run to today while active).
std::string SecondmentText(const Secondment& s, const Policy& policy, const CivilDate& today);
// For a Corrected or Voided event: the position of the step it corrects (when known) and a
// note to print beside that step, e.g. "corrected by #12: planned_end 2027-03-31 -> ...".
std::optional<std::pair<Position, std::string>> CorrectionNote(const RecordedEvent& event);
// Today's business date (UTC, the ledger's time zone).
CivilDate Today();

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_OUTPUT_H_
