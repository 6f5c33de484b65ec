// The data subjects of an open ledger, for erasure (service/erasure.h). A subject is an
// employee id the ledger holds personal data of; it is known by a random pseudonym, and its
// events about the person (claimed periods, erasure) go to the stream subject-<pseudonym>. Its
// key, in the vault (ledger/log/internal/vault.h), seals the personal fields of its events.
#ifndef SECONDMENT_LEDGER_LOG_PRIVACY_H_
#define SECONDMENT_LEDGER_LOG_PRIVACY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/log/event_log.h"

namespace secondment {

// "subject-<pseudonym>".
std::string SubjectStream(std::string_view pseudonym);

// The pseudonym of `employee_id`, or nullopt when the ledger holds no key for them (never
// sealed anything of theirs, or erased).
Result<std::optional<std::string>> FindSubject(EventLog& log, std::string_view employee_id);

// The same, made when missing. A new subject's key is written by the first append of an event
// naming them (NewEvent::set_subject), in that append's batch. Unavailable when read-only.
Result<std::string> SubjectOf(EventLog& log, std::string_view employee_id);

// Destroys the key of `employee_id` (whose pseudonym is `pseudonym`), synced: from now on their
// sealed fields read as erased; events of `secondments` written in clear read as erased too.
Status DestroySubjectKey(EventLog& log, std::string_view employee_id, std::string_view pseudonym,
                         const std::vector<std::string>& secondments);

// After an erasure: flushes the memtables and compacts the tables' families (the vault and the
// projections), so that no table file and no write-ahead log still holds what was deleted.
Status ScrubTables(EventLog& log);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LOG_PRIVACY_H_
