// A lifecycle step read from JSON: the body of an HTTP step (docs/http.md, "Step bodies").
// Field names are the command line's option names, loose ("newRole", "new-role" and
// "new_role" are one), each step with its own; `date` is the step's business date. Unknown,
// repeated, missing or mistyped fields, impossible dates and bad vocabulary are
// InvalidArgument naming the field and the input. (Proposals: proposal_json.h.)

#ifndef SECONDMENT_LEDGER_LIFECYCLE_STEP_JSON_H_
#define SECONDMENT_LEDGER_LIFECYCLE_STEP_JSON_H_

#include <string_view>
#include <vector>

#include "ledger/base/json_input.h"
#include "ledger/base/status.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment {

// The steps after a proposal, by the command line's names: approve, refuse, withdraw, sign,
// start, handover, feedback, request-extension, return, propose-conversion, correct, void.
const std::vector<std::string_view>& StepNames();

// The fields step `step` takes (its option names, as written in docs/http.md). Empty for an
// unknown step.
std::vector<std::string_view> StepFields(std::string_view step);

// The command of step `step` from `body`. InvalidArgument as above; for an unknown step too.
Result<Command> ParseStepJson(std::string_view step, const JsonObject& body);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_STEP_JSON_H_
