// Policy: the organisation's rules that a secondment's lifecycle is decided against
// (DESIGN.md section 2). The defaults are DESIGN.md's; a JSON file can change them:
//
//   {
//     "approvers": {
//       "placement":  ["home_manager", "host_manager", "hr"],
//       "extension":  ["home_manager", "host_manager", "hr"],
//       "conversion": ["home_manager", "host_manager", "hr"],
//       "correction": ["hr"]
//     },
//     "maxMonths": 24,
//     "agreementBeforeStart": true,
//     "feedbackBeforeConversion": true,
//     "returnGraceDays": 14,
//     "maxDaysAhead": 0,
//     "startWindowDays": 30,
//     "oneApprovalPerPerson": true,
//     "requesterMayApproveAsHr": false,
//     "correctors": ["hr"],
//     "correctionApproval": "dates_after_start"
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

  // Business dates. A fact may be dated at most this many days after the day it is recorded.
  int max_days_ahead = 0;
  // The actual start lies within this many days of the planned start, either way.
  int start_window_days = 30;

  // Four eyes. One person gives at most one approval of a request; the person who made the
  // request (proposal, extension, conversion, correction) does not give its hr approval.
  // Either may be relaxed only by its explicit key.
  bool one_approval_per_person = true;
  bool requester_may_approve_as_hr = false;

  // Corrections (`correct`, `void`): the roles that may make them, and which need a second
  // approval (of scope correction, by another person in one of `correction_approvers`).
  enum class CorrectionApproval { kNone, kDatesAfterStart, kAll };
  std::vector<schema::Role> correctors;
  std::vector<schema::Role> correction_approvers;
  CorrectionApproval correction_approval = CorrectionApproval::kDatesAfterStart;

  // Privacy (docs/privacy.md). The personal fields of each event are sealed under a key of the
  // secondee's own; with seal_manager_ids the managers' ids a proposal names are too.
  bool seal_manager_ids = false;
  // A person whose secondments all ended more than this many days ago is due for erasure
  // (`alerts` lists them); 0: no retention period.
  int erasure_after_days = 0;

  static Policy Default();
  // InvalidArgument naming the file and the field when the file is unreadable or wrong.
  static Result<Policy> Load(const std::string& path);
  static Result<Policy> FromJson(std::string_view text, const std::string& where);

  const std::vector<schema::Role>& Approvers(schema::Scope scope) const;

  // What is in force, one rule a line, for `secondment policy show`.
  std::vector<std::string> Describe() const;
  // The policy as a JSON object of the file's keys (every key, defaults included).
  std::string ToJson() const;
};

std::string_view CorrectionApprovalName(Policy::CorrectionApproval approval);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_POLICY_H_
