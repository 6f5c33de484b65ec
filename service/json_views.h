// The application's values as JSON: one rendering for the command line's --json and the HTTP
// API (docs/cli.md, docs/http.md). Field names are the schema's (lowerCamelCase); enum values
// snake_case words; dates "YYYY-MM-DD" (null when absent); 64-bit numbers plain numbers.
// Events: ledger/event/event_json.h.

#ifndef SECONDMENT_SERVICE_JSON_VIEWS_H_
#define SECONDMENT_SERVICE_JSON_VIEWS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/date.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/lifecycle/policy.h"
#include "projections/queries.h"
#include "service/requests.h"
#include "service/secondments.h"

namespace secondment::service {

// The conversion still to come (StatusOn says active as of `today`), if any.
std::optional<CivilDate> ConvertingOn(const Secondment& s, const CivilDate& today);
// Days on placement from the actual start to the return, conversion or `today`; nullopt before
// the start.
std::optional<int> ActualDays(const Secondment& s, const CivilDate& today);
// The state as of `today`: "active" for a conversion that takes effect later.
std::string_view StateNameOn(const Secondment& s, const CivilDate& today);

// A secondment as `show --json` prints it, as of business date `today` (docs/cli.md).
std::string SecondmentJson(const Secondment& s, const Policy& policy, const CivilDate& today);
// The same with where it stands: "lastPosition" and "version" of its last event.
std::string FoldedJson(const projections::Folded& folded, const Policy& policy,
                       const CivilDate& today);
std::string PlacementJson(const projections::Placement& p);
std::string AlertJson(const projections::Alert& alert);
std::string ToDoJson(const ToDoItem& item);

// A JSON array of the strings.
std::string StringsJson(const std::vector<std::string>& values);

}  // namespace secondment::service

#endif  // SECONDMENT_SERVICE_JSON_VIEWS_H_
