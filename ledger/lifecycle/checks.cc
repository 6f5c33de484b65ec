#include "ledger/lifecycle/checks.h"

#include <fmt/format.h>

#include "ledger/base/json_input.h"

namespace secondment {

Status CheckText(std::string_view value, std::string_view what, bool required, size_t max) {
  if (value.size() > max) {
    return InvalidArgument(fmt::format("{} is {} bytes; the limit is {}", what, value.size(), max));
  }
  if (!IsValidUtf8(value)) return InvalidArgument(fmt::format("{} is not valid UTF-8", what));
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      return InvalidArgument(fmt::format("{} contains a control character", what));
    }
  }
  if (required && value.find_first_not_of(' ') == std::string_view::npos) {
    return InvalidArgument(fmt::format("{} is required", what));
  }
  return Status::Ok();
}

Status CheckCountry(std::string_view country) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (country.empty() || (country.size() == 2 && upper(country[0]) && upper(country[1]))) {
    return Status::Ok();
  }
  return InvalidArgument("country must be an ISO 3166-1 alpha-2 code such as GB or US");
}

Status CheckFte(int fte_percent) {
  if (fte_percent < 1 || fte_percent > 100) {
    return InvalidArgument(fmt::format("fte must be 1 to 100 percent, got {}", fte_percent));
  }
  return Status::Ok();
}

}  // namespace secondment
