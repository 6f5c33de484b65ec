#include "ledger/log/privacy.h"

#include "ledger/log/internal/core.h"

namespace secondment {

std::string SubjectStream(std::string_view pseudonym) {
  return "subject-" + std::string(pseudonym);
}

Result<std::optional<std::string>> FindSubject(EventLog& log, std::string_view employee_id) {
  ASSIGN_OR_RETURN(std::optional<internal::VaultSubject> subject,
                   internal::CoreOf(log).vault().Find(employee_id));
  if (!subject) return std::optional<std::string>();
  return std::optional<std::string>(subject->pseudonym);
}

Result<std::string> SubjectOf(EventLog& log, std::string_view employee_id) {
  // The records of a new subject are written by the first append that names it as its
  // events' subject (NewEvent::set_subject), not here.
  internal::VaultRecords later;
  ASSIGN_OR_RETURN(internal::VaultSubject subject,
                   internal::CoreOf(log).vault().FindOrCreate(employee_id, &later));
  return subject.pseudonym;
}

Status DestroySubjectKey(EventLog& log, std::string_view employee_id, std::string_view pseudonym,
                         const std::vector<std::string>& secondments) {
  auto& core = internal::CoreOf(log);
  RETURN_IF_ERROR(core.RequireWritable("erasing a person's data"));
  internal::VaultSubject subject;
  subject.pseudonym = std::string(pseudonym);
  return core.vault().Destroy(employee_id, subject, secondments);
}

Status ScrubTables(EventLog& log) {
  auto& core = internal::CoreOf(log);
  RETURN_IF_ERROR(core.RequireWritable("scrubbing the tables"));
  RETURN_IF_ERROR(core.store().Flush());
  return core.store().CompactTables();
}

}  // namespace secondment
