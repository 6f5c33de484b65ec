// A lifecycle step after the proposal, read from its fields: the command line's options or an
// HTTP body (docs/http.md, "Step bodies"). One reader per step, whatever the door: a StepInput
// says where each field comes from and names it in its own words ("--new-role is required for
// propose-conversion", "newRole is required in the request body").
//
// Field names are the command line's option names ("new-role"); a JSON body spells them in
// lowerCamelCase ("newRole"), or as the option ("new-role", "new_role"). (Proposals:
// proposal_json.h and the command line's propose.)

#ifndef SECONDMENT_LEDGER_LIFECYCLE_STEP_INPUT_H_
#define SECONDMENT_LEDGER_LIFECYCLE_STEP_INPUT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/date.h"
#include "ledger/base/json_input.h"
#include "ledger/base/status.h"
#include "ledger/lifecycle/lifecycle.h"

namespace secondment {

class StepInput {
 public:
  virtual ~StepInput() = default;
  // Each returns nullopt (or empty) when the field is absent, InvalidArgument naming it when
  // it is malformed.
  virtual Result<std::optional<std::string>> Text(std::string_view name) const = 0;
  virtual Result<std::vector<std::string>> Texts(std::string_view name) const = 0;
  virtual Result<std::optional<int64_t>> Integer(std::string_view name, int64_t min,
                                                 int64_t max) const = 0;
  virtual Result<std::optional<CivilDate>> Date(std::string_view name) const = 0;
  // The refusal of a required field that is absent.
  virtual Status Missing(std::string_view name) const = 0;
  // How the field is named in a message about its value ("--scope", "scope in the request
  // body").
  virtual std::string What(std::string_view name) const = 0;
};

// The steps after a proposal, by the command line's names: approve, refuse, withdraw, sign,
// start, handover, feedback, request-extension, return, propose-conversion, correct, void.
const std::vector<std::string_view>& StepNames();

// The fields step `step` takes, by option name, "date" last. Empty for an unknown step.
std::vector<std::string_view> StepFields(std::string_view step);

// The command of step `step` from `input`, with its business date (field "date") when given.
// InvalidArgument for an unknown step, or as the input says.
Result<Command> ParseStep(std::string_view step, const StepInput& input);

// A JSON object as a step's input (unknown and repeated fields are refused first). Messages
// name the object as its `where()` does ("the request body").
class JsonStepInput final : public StepInput {
 public:
  // `object` is borrowed. InvalidArgument for a field that is neither one of `step`'s nor in
  // `also` (the fields of what carries the step, such as an import line's "key").
  static Result<JsonStepInput> Of(std::string_view step, const JsonObject& object,
                                  const std::vector<std::string_view>& also = {});

  Result<std::optional<std::string>> Text(std::string_view name) const override;
  Result<std::vector<std::string>> Texts(std::string_view name) const override;
  Result<std::optional<int64_t>> Integer(std::string_view name, int64_t min,
                                         int64_t max) const override;
  Result<std::optional<CivilDate>> Date(std::string_view name) const override;
  Status Missing(std::string_view name) const override;
  std::string What(std::string_view name) const override;

 private:
  explicit JsonStepInput(JsonObject object) : object_(std::move(object)) {}
  JsonObject object_;
};

// "new-role" -> "newRole": how a JSON body spells a field.
std::string JsonFieldName(std::string_view option);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_LIFECYCLE_STEP_INPUT_H_
