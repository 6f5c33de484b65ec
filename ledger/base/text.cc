#include "ledger/base/text.h"

namespace secondment {

std::string Printable(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7F ? '?' : c;
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace secondment
