// Checks of command input shared by the lifecycle's rules (lifecycle.cc) and its correctable
// fields (fields.cc). Each returns InvalidArgument naming `what`.

#ifndef SECONDMENT_LEDGER_LIFECYCLE_CHECKS_H_
#define SECONDMENT_LEDGER_LIFECYCLE_CHECKS_H_

#include <string_view>

#include "ledger/base/status.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment {

inline constexpr size_t kMaxNameLength = 200;  // org, unit, person, role title, reference

// Free text: valid UTF-8, no control characters, at most `max` bytes; `required` refuses
// empty or blank text.
Status CheckText(std::string_view value, std::string_view what, bool required,
                 size_t max = kMaxTextLength);
// Empty, or an ISO 3166-1 alpha-2 code.
Status CheckCountry(std::string_view country);
Status CheckFte(int fte_percent);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_CHECKS_H_
