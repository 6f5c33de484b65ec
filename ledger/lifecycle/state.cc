// What a folded secondment says: its state's names, its days and periods, and the names and
// dates of commands.

#include <fmt/format.h>

#include <algorithm>

#include "ledger/base/text.h"
#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"
#include "ledger/lifecycle/checks.h"
#include "ledger/lifecycle/rules.h"
#include "ledger/lifecycle/streams.h"

namespace secondment {

using rules::StartBasis;

std::string_view StatusName(SecondmentStatus status) {
  switch (status) {
    case SecondmentStatus::kNone:
      return "none";
    case SecondmentStatus::kProposed:
      return "proposed";
    case SecondmentStatus::kApproved:
      return "approved";
    case SecondmentStatus::kActive:
      return "active";
    case SecondmentStatus::kReturned:
      return "returned";
    case SecondmentStatus::kConverted:
      return "converted";
    case SecondmentStatus::kRejected:
      return "rejected";
    case SecondmentStatus::kWithdrawn:
      return "withdrawn";
  }
  return "unknown";
}

Result<SecondmentStatus> ParseStatusName(std::string_view text, std::string_view what) {
  for (auto s :
       {SecondmentStatus::kProposed, SecondmentStatus::kApproved, SecondmentStatus::kActive,
        SecondmentStatus::kReturned, SecondmentStatus::kConverted, SecondmentStatus::kRejected,
        SecondmentStatus::kWithdrawn}) {
    if (StatusName(s) == text) return s;
  }
  return InvalidArgument(fmt::format(
      "unknown value '{}' for {}; expected one of: proposed, approved, active, returned, "
      "converted, rejected, withdrawn",
      Printable(text, 40), what));
}

bool IsTerminal(SecondmentStatus status) {
  return status == SecondmentStatus::kReturned || status == SecondmentStatus::kConverted ||
         status == SecondmentStatus::kRejected || status == SecondmentStatus::kWithdrawn;
}

CivilDate Secondment::EndBasis() const {
  if (returned_on) return *returned_on;
  if (converted_on) return *converted_on;
  return planned_end;
}

int Secondment::CumulativeDays() const {
  if (status == SecondmentStatus::kNone) return 0;
  return static_cast<int>(DaysFromCivil(EndBasis()) - DaysFromCivil(StartBasis(*this)));
}

int Secondment::PlannedDays() const {
  if (status == SecondmentStatus::kNone) return 0;
  return static_cast<int>(DaysFromCivil(planned_end) - DaysFromCivil(planned_start));
}

std::optional<Period> HeldPeriod(const Secondment& s, CivilDate today) {
  switch (s.status) {
    case SecondmentStatus::kProposed:
    case SecondmentStatus::kApproved:
      return Period{s.planned_start, s.planned_end};
    case SecondmentStatus::kActive:
      return Period{StartBasis(s), std::max(s.planned_end, today)};
    case SecondmentStatus::kReturned:
    case SecondmentStatus::kConverted:
      return Period{StartBasis(s), s.EndBasis()};
    default:
      return std::nullopt;
  }
}

SecondmentStatus StatusOn(const Secondment& s, CivilDate today) {
  if (s.status == SecondmentStatus::kConverted && s.converted_on && today < *s.converted_on) {
    return SecondmentStatus::kActive;
  }
  return s.status;
}

std::string_view CommandName(const Command& command) {
  static constexpr std::string_view kNames[] = {"propose",
                                                "approve",
                                                "refuse",
                                                "withdraw",
                                                "sign",
                                                "start",
                                                "handover",
                                                "feedback",
                                                "request-extension",
                                                "return",
                                                "propose-conversion",
                                                "correct",
                                                "void"};
  return kNames[command.index()];
}

std::optional<CivilDate> CommandDate(const Command& command) {
  return std::visit([](const auto& c) { return c.date; }, command);
}

Status ValidateId(std::string_view id, std::string_view what) {
  if (id.empty()) return InvalidArgument(fmt::format("{} id is required", what));
  if (id.size() > kMaxIdLength) {
    return InvalidArgument(
        fmt::format("{} id is {} characters; the limit is {}", what, id.size(), kMaxIdLength));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
      return InvalidArgument(fmt::format(
          "{} id may hold only letters, digits, '.', '_' and '-', starting with a letter or "
          "digit",
          what));
    }
  }
  return Status::Ok();
}

void MarkSubject(Decision& decision, const std::string& employee_id, const Policy& policy) {
  for (auto* events : {&decision.secondment_events, &decision.employee_events}) {
    for (NewEvent& event : *events) event.set_subject(employee_id, policy.seal_manager_ids);
  }
}

Status CheckNotErased(std::string_view id, std::string_view employee_id, bool proposing) {
  constexpr std::string_view kErased = "erased-";
  if (employee_id.substr(0, kErased.size()) != kErased) return Status::Ok();
  if (proposing) {
    return InvalidArgument(fmt::format(
        "employee id {} is of the form erased-..., which marks an erased person", employee_id));
  }
  return RuleViolation(fmt::format(
      "secondment {} belongs to a person whose personal data was erased; it takes no more steps",
      id));
}

}  // namespace secondment
