// The correctable fields of a secondment (`secondment correct --field F --value V`): their
// names, their values as text, and setting them from text.

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "ledger/base/text.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/checks.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment {
namespace {

std::string OptionalDate(const std::optional<CivilDate>& date) {
  return date ? FormatDate(*date) : "";
}

Result<CivilDate> DateValue(std::string_view field, std::string_view value) {
  auto date = ParseDate(value);
  if (!date.ok()) {
    // "invalid date '2026-02-30': 2026-02 has 28 days" -> "... for planned_end: ..."
    std::string message = date.status().message();
    auto colon = message.find("': ");
    if (colon != std::string::npos) message.insert(colon + 1, fmt::format(" for {}", field));
    return InvalidArgument(message);
  }
  return *date;
}

}  // namespace

const std::vector<std::string_view>& CorrectableFields() {
  static const std::vector<std::string_view> kFields = {
      "planned_start", "planned_end",  "actual_start", "return_date", "host_org",
      "host_unit",     "host_manager", "home_org",     "home_unit",   "home_manager",
      "role_title",    "fte",          "location",     "country",     "cost"};
  return kFields;
}

std::optional<size_t> FieldIndex(std::string_view field) {
  const auto& fields = CorrectableFields();
  auto found = std::find(fields.begin(), fields.end(), field);
  if (found == fields.end()) return std::nullopt;
  return static_cast<size_t>(found - fields.begin());
}

bool IsDateField(std::string_view field) {
  return field == "planned_start" || field == "planned_end" || field == "actual_start" ||
         field == "return_date";
}

std::string FieldValue(const Secondment& s, std::string_view field) {
  if (field == "planned_start") return FormatDate(s.planned_start);
  if (field == "planned_end") return FormatDate(s.planned_end);
  if (field == "actual_start") return OptionalDate(s.actual_start);
  if (field == "return_date") return OptionalDate(s.returned_on);
  if (field == "host_org") return s.host.org;
  if (field == "host_unit") return s.host.unit;
  if (field == "host_manager") return s.host.manager_id;
  if (field == "home_org") return s.home.org;
  if (field == "home_unit") return s.home.unit;
  if (field == "home_manager") return s.home.manager_id;
  if (field == "role_title") return s.role_title;
  if (field == "fte") return std::to_string(s.fte_percent);
  if (field == "location") return s.location;
  if (field == "country") return s.country;
  if (field == "cost") return std::string(CostName(s.cost));
  return "";
}

Status SetFieldValue(Secondment& s, std::string_view field, std::string_view value) {
  if (IsDateField(field)) {
    ASSIGN_OR_RETURN(CivilDate date, DateValue(field, value));
    if (field == "planned_start") s.planned_start = date;
    if (field == "planned_end") {
      s.planned_end = date;
      if (s.returned_on) s.returned_early = *s.returned_on < date;
    }
    if (field == "actual_start") s.actual_start = date;
    if (field == "return_date") {
      s.returned_on = date;
      s.returned_early = date < s.planned_end;
    }
    return Status::Ok();
  }
  std::string text(value);
  auto name = [&](std::string_view what, std::string* out) {
    RETURN_IF_ERROR(CheckText(value, what, true, kMaxNameLength));
    *out = text;
    return Status::Ok();
  };
  if (field == "host_org") return name("host org", &s.host.org);
  if (field == "host_unit") return name("host unit", &s.host.unit);
  if (field == "home_org") return name("home org", &s.home.org);
  if (field == "home_unit") return name("home unit", &s.home.unit);
  if (field == "role_title") return name("role title", &s.role_title);
  if (field == "host_manager" || field == "home_manager") {
    RETURN_IF_ERROR(ValidateId(value, field == "host_manager" ? "host manager" : "home manager"));
    (field == "host_manager" ? s.host.manager_id : s.home.manager_id) = text;
    return Status::Ok();
  }
  if (field == "fte") {
    int fte = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), fte);
    if (error != std::errc() || end != value.data() + value.size()) {
      return InvalidArgument(
          fmt::format("fte must be a whole number of percent, got '{}'", Printable(value, 40)));
    }
    RETURN_IF_ERROR(CheckFte(fte));
    s.fte_percent = fte;
    return Status::Ok();
  }
  if (field == "location") {
    RETURN_IF_ERROR(CheckText(value, "location", false, kMaxNameLength));
    s.location = text;
    return Status::Ok();
  }
  if (field == "country") {
    RETURN_IF_ERROR(CheckCountry(value));
    s.country = text;
    return Status::Ok();
  }
  if (field == "cost") {
    ASSIGN_OR_RETURN(s.cost, ParseCost(value, "cost"));
    return Status::Ok();
  }
  std::string names;
  for (auto known : CorrectableFields())
    names += fmt::format("{}{}", names.empty() ? "" : ", ", known);
  return InvalidArgument(fmt::format("unknown field '{}'; the fields that can be corrected are: {}",
                                     Printable(field, 40), names));
}

}  // namespace secondment
