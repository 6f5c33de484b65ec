#include "ledger/lifecycle/step_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>

#include "ledger/event/vocabulary.h"

namespace secondment {
namespace {

// A step's reader: its fields, read one by one from any input.
class Fields {
 public:
  explicit Fields(const StepInput& in) : in_(in) {}

  Result<std::string> Required(std::string_view name) const {
    ASSIGN_OR_RETURN(auto text, in_.Text(name));
    if (!text) return in_.Missing(name);
    return *text;
  }
  Result<std::string> Optional(std::string_view name) const {
    ASSIGN_OR_RETURN(auto text, in_.Text(name));
    return text.value_or("");
  }
  Result<CivilDate> RequiredDate(std::string_view name) const {
    ASSIGN_OR_RETURN(auto date, in_.Date(name));
    if (!date) return in_.Missing(name);
    return *date;
  }
  const StepInput& in() const { return in_; }

 private:
  const StepInput& in_;
};

struct StepDef {
  std::string_view name;
  std::vector<std::string_view> fields;  // besides "date"
  std::function<Result<Command>(const Fields&)> parse;
};

Result<schema::Scope> Scope(const Fields& f) {
  ASSIGN_OR_RETURN(std::string scope, f.Required("scope"));
  return ParseScope(scope, f.in().What("scope"));
}

Result<Command> Approve(const Fields& f) {
  ApproveCommand c;
  ASSIGN_OR_RETURN(c.scope, Scope(f));
  ASSIGN_OR_RETURN(c.conditions, f.Optional("conditions"));
  return Command(c);
}

Result<Command> Refuse(const Fields& f) {
  RefuseCommand c;
  ASSIGN_OR_RETURN(c.scope, Scope(f));
  ASSIGN_OR_RETURN(c.reason, f.Required("reason"));
  return Command(c);
}

Result<Command> Withdraw(const Fields& f) {
  WithdrawCommand c;
  ASSIGN_OR_RETURN(c.reason, f.Required("reason"));
  return Command(c);
}

Result<Command> Sign(const Fields& f) {
  SignCommand c;
  ASSIGN_OR_RETURN(c.reference, f.Required("agreement"));
  ASSIGN_OR_RETURN(auto version, f.in().Integer("version", 1, 1000000));
  if (version) c.version = static_cast<uint32_t>(*version);
  ASSIGN_OR_RETURN(c.sha256_hex, f.Optional("sha256"));
  return Command(c);
}

Result<Command> Start(const Fields&) { return Command(StartCommand{}); }

Result<Command> Handover(const Fields& f) {
  HandoverCommand c;
  ASSIGN_OR_RETURN(std::string direction, f.Required("direction"));
  ASSIGN_OR_RETURN(c.direction, ParseDirection(direction, f.in().What("direction")));
  ASSIGN_OR_RETURN(c.from, f.Required("from"));
  ASSIGN_OR_RETURN(c.to, f.Required("to"));
  ASSIGN_OR_RETURN(c.duties, f.in().Texts("duty"));
  ASSIGN_OR_RETURN(c.notes, f.Optional("notes"));
  return Command(c);
}

Result<Command> Feedback(const Fields& f) {
  FeedbackCommand c;
  ASSIGN_OR_RETURN(auto rating, f.in().Integer("rating", 1, 5));
  if (rating) c.rating = static_cast<int>(*rating);
  ASSIGN_OR_RETURN(c.text, f.Required("text"));
  return Command(c);
}

Result<Command> RequestExtension(const Fields& f) {
  RequestExtensionCommand c;
  ASSIGN_OR_RETURN(c.until, f.RequiredDate("until"));
  ASSIGN_OR_RETURN(c.rationale, f.Required("rationale"));
  return Command(c);
}

Result<Command> Return(const Fields& f) {
  ReturnCommand c;
  ASSIGN_OR_RETURN(c.reason, f.Optional("reason"));
  ASSIGN_OR_RETURN(auto position, f.in().Text("position"));
  if (position) {
    ASSIGN_OR_RETURN(c.position, ParseReturnPosition(*position, f.in().What("position")));
  }
  return Command(c);
}

Result<Command> ProposeConversion(const Fields& f) {
  ProposeConversionCommand c;
  ASSIGN_OR_RETURN(c.effective, f.RequiredDate("effective"));
  ASSIGN_OR_RETURN(c.new_role, f.Required("new-role"));
  ASSIGN_OR_RETURN(c.recruitment_ref, f.Optional("recruitment-ref"));
  return Command(c);
}

Result<Command> Correct(const Fields& f) {
  CorrectCommand c;
  ASSIGN_OR_RETURN(c.field, f.Required("field"));
  ASSIGN_OR_RETURN(c.value, f.Required("value"));
  ASSIGN_OR_RETURN(c.reason, f.Required("reason"));
  return Command(c);
}

Result<Command> Void(const Fields& f) {
  VoidCommand c;
  ASSIGN_OR_RETURN(auto position, f.in().Integer("position", 1, INT64_MAX));
  if (!position) return f.in().Missing("position");
  c.position = static_cast<uint64_t>(*position);
  ASSIGN_OR_RETURN(c.reason, f.Required("reason"));
  return Command(c);
}

const std::vector<StepDef>& Steps() {
  static const std::vector<StepDef> kSteps = {
      {"approve", {"scope", "conditions"}, Approve},
      {"refuse", {"scope", "reason"}, Refuse},
      {"withdraw", {"reason"}, Withdraw},
      {"sign", {"agreement", "version", "sha256"}, Sign},
      {"start", {}, Start},
      {"handover", {"direction", "from", "to", "duty", "notes"}, Handover},
      {"feedback", {"rating", "text"}, Feedback},
      {"request-extension", {"until", "rationale"}, RequestExtension},
      {"return", {"reason", "position"}, Return},
      {"propose-conversion", {"effective", "new-role", "recruitment-ref"}, ProposeConversion},
      {"correct", {"field", "value", "reason"}, Correct},
      {"void", {"position", "reason"}, Void},
  };
  return kSteps;
}

const StepDef* Find(std::string_view step) {
  for (const StepDef& def : Steps()) {
    if (def.name == step) return &def;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string_view>& StepNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (const StepDef& def : Steps()) names.push_back(def.name);
    return names;
  }();
  return kNames;
}

std::vector<std::string_view> StepFields(std::string_view step) {
  const StepDef* def = Find(step);
  if (def == nullptr) return {};
  std::vector<std::string_view> fields = def->fields;
  fields.push_back("date");
  return fields;
}

Result<Command> ParseStep(std::string_view step, const StepInput& input) {
  const StepDef* def = Find(step);
  if (def == nullptr) {
    return InvalidArgument(fmt::format("unknown step '{}'", step.substr(0, 40)));
  }
  ASSIGN_OR_RETURN(Command command, def->parse(Fields(input)));
  ASSIGN_OR_RETURN(auto date, input.Date("date"));
  if (date) std::visit([&](auto& c) { c.date = *date; }, command);
  return command;
}

std::string JsonFieldName(std::string_view option) {
  std::string out;
  for (size_t i = 0; i < option.size(); ++i) {
    if (option[i] == '-' && i + 1 < option.size()) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(option[++i])));
    } else {
      out += option[i];
    }
  }
  return out;
}

// A handover's duties are "duties" in a body (a list), or "duty" as the option.
Result<JsonStepInput> JsonStepInput::Of(std::string_view step, const JsonObject& object,
                                        const std::vector<std::string_view>& also) {
  if (Find(step) == nullptr) {
    return InvalidArgument(fmt::format("unknown step '{}'", step.substr(0, 40)));
  }
  std::vector<std::string> names;
  for (std::string_view field : StepFields(step)) names.push_back(JsonFieldName(field));
  if (step == "handover") names.push_back("duties");
  std::vector<std::string_view> allowed(names.begin(), names.end());
  allowed.insert(allowed.end(), also.begin(), also.end());
  JsonObject o = object;
  o.SetLooseNames(true);
  RETURN_IF_ERROR(o.CheckKnownFields(allowed));
  if (step == "handover") {
    auto given = [&](std::string_view name) {
      auto text = o.String(name);
      auto list = o.Strings(name);
      return (text.ok() && text->has_value()) || (list.ok() && list->has_value());
    };
    if (given("duty") && given("duties")) {
      return InvalidArgument(fmt::format("give duties or duty in {}, not both", o.where()));
    }
  }
  return JsonStepInput(std::move(o));
}

Result<std::optional<std::string>> JsonStepInput::Text(std::string_view name) const {
  return object_.String(JsonFieldName(name));
}

Result<std::vector<std::string>> JsonStepInput::Texts(std::string_view name) const {
  std::string field = JsonFieldName(name);
  if (name == "duty") {
    ASSIGN_OR_RETURN(auto many, object_.Strings("duties"));
    if (many) return *many;
  }
  // One value, or a list.
  if (auto one = object_.String(field); one.ok()) {
    return one->has_value() ? std::vector<std::string>{**one} : std::vector<std::string>();
  }
  ASSIGN_OR_RETURN(auto list, object_.Strings(field));
  return list.value_or(std::vector<std::string>());
}

Result<std::optional<int64_t>> JsonStepInput::Integer(std::string_view name, int64_t min,
                                                      int64_t max) const {
  return object_.Integer(JsonFieldName(name), min, max);
}

Result<std::optional<CivilDate>> JsonStepInput::Date(std::string_view name) const {
  std::string field = JsonFieldName(name);
  ASSIGN_OR_RETURN(auto text, object_.String(field));
  if (!text) return std::optional<CivilDate>();
  auto date = ParseDate(*text);
  if (!date.ok()) {
    return InvalidArgument(
        fmt::format("{} for {} in {}", date.status().message(), field, object_.where()));
  }
  return std::optional<CivilDate>(*date);
}

Status JsonStepInput::Missing(std::string_view name) const {
  return InvalidArgument(fmt::format("{} is required in {}", JsonFieldName(name), object_.where()));
}

std::string JsonStepInput::What(std::string_view name) const {
  return fmt::format("{} in {}", JsonFieldName(name), object_.where());
}

}  // namespace secondment
