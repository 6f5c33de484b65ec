// Policy: the organisation's rules that a secondment's lifecycle is decided against
// (DESIGN.md section 2). The defaults are DESIGN.md's; a JSON file can change them:
//
//   {
//     "approvers": {
//       "placement":  ["home_manager", "host_manager", "hr"],
//       "extension":  ["home_manager", "host_manager", "hr"],
//       "conversion": ["home_manager", "host_manager", "hr"]
//     },
//     "maxMonths": 24,
//     "agreementBeforeStart": true,
//     "feedbackBeforeConversion": true,
//     "returnGraceDays": 14
//   }
//
// Every key is optional (absent keys keep the default); unknown keys are refused. Approver
// lists name 1 to 4 distinct roles among hr, home_manager, host_manager, secondee.

#ifndef SECONDMENT_LEDGER_LIFECYCLE_POLICY_H_
#define SECONDMENT_LEDGER_LIFECYCLE_POLICY_H_

#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "schemas/event.capnp.h"

namespace secondment {

struct Policy {
  std::vector<schema::Role> placement_approvers;
  std::vector<schema::Role> extension_approvers;
  std::vector<schema::Role> conversion_approvers;
  // The planned end may be at most this many calendar months after the start (the actual
  // start once started); beyond it an extension also needs an `exception` approval.
  int max_months = 24;
  bool agreement_before_start = true;
  bool feedback_before_conversion = true;
  // An active secondment whose planned end passed more than this many days ago is flagged
  // "return not recorded": the person is probably back and nobody said so.
  int return_grace_days = 14;

  static Policy Default();
  // InvalidArgument naming the file and the field when the file is unreadable or wrong.
  static Result<Policy> Load(const std::string& path);
  static Result<Policy> FromJson(std::string_view text, const std::string& where);

  const std::vector<schema::Role>& Approvers(schema::Scope scope) const;
};

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_POLICY_H_
