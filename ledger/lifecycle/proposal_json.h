// A proposal read from JSON: the document `propose --file` reads. Field names are loose
// ("homeOrg", "home-org", "home_org"); unknown fields, wrong types, bad dates and bad vocabulary
// are InvalidArgument naming the field and the input.

#ifndef SECONDMENT_LEDGER_LIFECYCLE_PROPOSAL_JSON_H_
#define SECONDMENT_LEDGER_LIFECYCLE_PROPOSAL_JSON_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/json_input.h"
#include "ledger/base/status.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment {

struct Proposal {
  std::optional<std::string> id;  // the secondment id asked for, if any
  ProposeCommand command;
};

// The date in field `name` of `o` (YYYY-MM-DD), which must be there: InvalidArgument naming the
// field and the object otherwise.
Result<CivilDate> RequiredJsonDate(const JsonObject& o, std::string_view name);

// `where` names the input in messages (a path, or "the proposal").
Result<Proposal> ParseProposalJson(std::string_view text, const std::string& where);

// The same from an object already parsed (messages name it by its where()), which may also
// hold the fields in `also` (the fields of what carries the proposal, such as an import line's
// "key"): the caller reads those.
Result<Proposal> ParseProposalObject(const JsonObject& object,
                                     const std::vector<std::string_view>& also);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_PROPOSAL_JSON_H_
