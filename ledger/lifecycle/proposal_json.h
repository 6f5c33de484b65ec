// A proposal read from JSON: the document `propose --file` reads. Field names are loose
// ("homeOrg", "home-org", "home_org"); unknown fields, wrong types, bad dates and bad vocabulary
// are InvalidArgument naming the field and the input.

#ifndef SECONDMENT_LEDGER_LIFECYCLE_PROPOSAL_JSON_H_
#define SECONDMENT_LEDGER_LIFECYCLE_PROPOSAL_JSON_H_

#include <optional>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment {

struct Proposal {
  std::optional<std::string> id;  // the secondment id asked for, if any
  ProposeCommand command;
};

// `where` names the input in messages (a path, or "the proposal").
Result<Proposal> ParseProposalJson(std::string_view text, const std::string& where);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_PROPOSAL_JSON_H_
