// Text fit to quote in a one-line error message.

#ifndef SECONDMENT_LEDGER_BASE_TEXT_H_
#define SECONDMENT_LEDGER_BASE_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace secondment {

// At most `max` bytes of `text`, each control character as '?', and "..." when cut: what a
// refusal may quote of the input it refuses.
std::string Printable(std::string_view text, size_t max = 60);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_TEXT_H_
