// Fuzz target: the JSON documents a user hands the ledger, a proposal (`propose --file`, and
// `--file-json` through --connect) and a policy file, and the text of a correction's value.
// Whatever the text, reading it either refuses it with InvalidArgument or yields a command that the
// lifecycle decides on without harm; the events it decides are valid JSON once rendered, and fold
// into a proposed secondment.

#include <string>

#include "ledger/base/json_input.h"
#include "ledger/event/event_json.h"
#include "ledger/lifecycle/lifecycle.h"
#include "ledger/lifecycle/policy.h"
#include "ledger/lifecycle/proposal_json.h"
#include "tests/fuzz/fuzz_check.h"

namespace secondment::fuzz {
namespace {

Context MakeContext(const Policy& policy) {
  Context context;
  context.policy = &policy;
  context.actor = Actor{"hr-1", schema::Role::HR};
  context.today = CivilDate{2026, 3, 1};
  context.new_id = [n = uint64_t{0}]() mutable { return EventId::FromHalves(7, ++n); };
  return context;
}

// A proposal that any sound policy lets through to its decision.
ProposeCommand PlainProposal() {
  ProposeCommand c;
  c.employee_id = "e-1";
  c.home = Party{"Org", "Home", "m-home"};
  c.host = Party{"Org", "Host", "m-host"};
  c.kind = schema::Kind::INTERNAL;
  c.role_title = "Analyst";
  c.start = CivilDate{2026, 4, 1};
  c.end = CivilDate{2026, 9, 30};
  return c;
}

void CheckDecision(const Result<Decision>& decision) {
  if (!decision.ok()) {
    FUZZ_CHECK(decision.status().code() == StatusCode::kInvalidArgument ||
                   decision.status().code() == StatusCode::kRuleViolation,
               "a refused command is InvalidArgument or RuleViolation");
    return;
  }
  FUZZ_CHECK(!decision->secondment_events.empty(), "a decided proposal has events");
  Secondment state;
  for (const NewEvent& event : decision->secondment_events) {
    std::string json = PayloadJson(event.Get());
    FUZZ_CHECK(JsonDocument::Parse(json, "payload", json.size() + 1).ok(),
               "a decided event renders as valid JSON");
    EvolveInPlace(state, event.Get());
  }
  FUZZ_CHECK(state.status == SecondmentStatus::kProposed, "a decided proposal folds to proposed");
}

}  // namespace
}  // namespace secondment::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace secondment;
  std::string_view text = fuzz::AsText(data, size);
  const Policy defaults = Policy::Default();

  auto proposal = ParseProposalJson(text, "fuzz.json");
  if (!proposal.ok()) {
    FUZZ_CHECK(proposal.status().code() == StatusCode::kInvalidArgument,
               "a bad proposal is InvalidArgument");
  } else {
    if (proposal->id) (void)ValidateId(*proposal->id, "id");
    fuzz::CheckDecision(Decide(Secondment{}, proposal->command, fuzz::MakeContext(defaults)));
  }

  auto policy = Policy::FromJson(text, "fuzz.json");
  if (!policy.ok()) {
    FUZZ_CHECK(policy.status().code() == StatusCode::kInvalidArgument,
               "a bad policy is InvalidArgument");
  } else {
    for (auto scope :
         {schema::Scope::PLACEMENT, schema::Scope::EXTENSION, schema::Scope::CONVERSION})
      (void)policy->Approvers(scope);
    fuzz::CheckDecision(Decide(Secondment{}, fuzz::PlainProposal(), fuzz::MakeContext(*policy)));
    for (const auto& line : policy->Describe()) FUZZ_CHECK(!line.empty(), "a rule has words");
    FUZZ_CHECK(Policy::FromJson(policy->ToJson(), "again").ok(), "a policy reads back its JSON");
  }

  // The text as the value of every correctable field (`correct --value`): taken or refused
  // with InvalidArgument, and what is taken reads back as itself.
  for (std::string_view field : CorrectableFields()) {
    Secondment s;
    s.planned_start = CivilDate{2026, 4, 1};
    s.planned_end = CivilDate{2026, 9, 30};
    Status set = SetFieldValue(s, field, text);
    FUZZ_CHECK(set.ok() || set.code() == StatusCode::kInvalidArgument,
               "a bad field value is InvalidArgument");
    if (set.ok()) {
      Secondment again = s;
      FUZZ_CHECK(SetFieldValue(again, field, FieldValue(s, field)).ok(),
                 "a field's value reads back");
      FUZZ_CHECK(FieldValue(again, field) == FieldValue(s, field), "a field's value is stable");
    }
  }
  return 0;
}
