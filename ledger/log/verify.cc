#include "ledger/log/verify.h"

#include "ledger/log/internal/core.h"
#include "ledger/log/internal/verifier.h"

namespace secondment {

Result<VerifyReport> VerifyLog(EventLog& log,
                               const std::function<void(uint64_t, uint64_t)>& progress) {
  internal::LogCore& core = internal::CoreOf(log);
  ASSIGN_OR_RETURN(std::string ledger_id, core.LedgerId());
  ASSIGN_OR_RETURN(internal::StoreReport report,
                   internal::VerifyStore(core.store(), ledger_id, progress));
  return VerifyReport{report.events, report.root, report.streams, report.checkpoints};
}

}  // namespace secondment
