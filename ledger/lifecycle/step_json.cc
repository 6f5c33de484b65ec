#include "ledger/lifecycle/step_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "ledger/event/vocabulary.h"

namespace secondment {
namespace {

// The body of one step, read field by field.
class Body {
 public:
  explicit Body(const JsonObject& o) : o_(o) {}

  Result<std::string> Required(std::string_view name) const {
    ASSIGN_OR_RETURN(auto text, o_.String(name));
    if (!text) return InvalidArgument(fmt::format("{} is required in {}", name, o_.where()));
    return *text;
  }
  Result<std::string> Optional(std::string_view name) const {
    ASSIGN_OR_RETURN(auto text, o_.String(name));
    return text.value_or("");
  }
  Result<std::optional<CivilDate>> Date(std::string_view name, bool required) const {
    ASSIGN_OR_RETURN(auto text, o_.String(name));
    if (!text) {
      if (required) return InvalidArgument(fmt::format("{} is required in {}", name, o_.where()));
      return std::optional<CivilDate>();
    }
    auto date = ParseDate(*text);
    if (!date.ok()) {
      return InvalidArgument(
          fmt::format("{} for {} in {}", date.status().message(), name, o_.where()));
    }
    return std::optional<CivilDate>(*date);
  }
  Result<std::optional<int64_t>> Integer(std::string_view name, int64_t min, int64_t max) const {
    return o_.Integer(name, min, max);
  }
  Result<std::vector<std::string>> Strings(std::string_view name) const {
    ASSIGN_OR_RETURN(auto list, o_.Strings(name));
    return list.value_or(std::vector<std::string>());
  }
  std::string What(std::string_view name) const {
    return fmt::format("{} in {}", name, o_.where());
  }

 private:
  const JsonObject& o_;
};

struct StepDef {
  std::string_view name;
  std::vector<std::string_view> fields;  // besides "date"
  std::function<Result<Command>(const Body&)> parse;
};

Result<Command> Approve(const Body& b) {
  ApproveCommand c;
  ASSIGN_OR_RETURN(std::string scope, b.Required("scope"));
  ASSIGN_OR_RETURN(c.scope, ParseScope(scope, b.What("scope")));
  ASSIGN_OR_RETURN(c.conditions, b.Optional("conditions"));
  return Command(c);
}

Result<Command> Refuse(const Body& b) {
  RefuseCommand c;
  ASSIGN_OR_RETURN(std::string scope, b.Required("scope"));
  ASSIGN_OR_RETURN(c.scope, ParseScope(scope, b.What("scope")));
  ASSIGN_OR_RETURN(c.reason, b.Required("reason"));
  return Command(c);
}

Result<Command> Withdraw(const Body& b) {
  WithdrawCommand c;
  ASSIGN_OR_RETURN(c.reason, b.Required("reason"));
  return Command(c);
}

Result<Command> Sign(const Body& b) {
  SignCommand c;
  ASSIGN_OR_RETURN(c.reference, b.Required("agreement"));
  ASSIGN_OR_RETURN(auto version, b.Integer("version", 1, 1000000));
  if (version) c.version = static_cast<uint32_t>(*version);
  ASSIGN_OR_RETURN(c.sha256_hex, b.Optional("sha256"));
  return Command(c);
}

Result<Command> Start(const Body&) { return Command(StartCommand{}); }

Result<Command> Handover(const Body& b) {
  HandoverCommand c;
  ASSIGN_OR_RETURN(std::string direction, b.Required("direction"));
  ASSIGN_OR_RETURN(c.direction, ParseDirection(direction, b.What("direction")));
  ASSIGN_OR_RETURN(c.from, b.Required("from"));
  ASSIGN_OR_RETURN(c.to, b.Required("to"));
  ASSIGN_OR_RETURN(c.duties, b.Strings("duties"));
  ASSIGN_OR_RETURN(c.notes, b.Optional("notes"));
  return Command(c);
}

Result<Command> Feedback(const Body& b) {
  FeedbackCommand c;
  ASSIGN_OR_RETURN(auto rating, b.Integer("rating", 1, 5));
  if (rating) c.rating = static_cast<int>(*rating);
  ASSIGN_OR_RETURN(c.text, b.Required("text"));
  return Command(c);
}

Result<Command> RequestExtension(const Body& b) {
  RequestExtensionCommand c;
  ASSIGN_OR_RETURN(auto until, b.Date("until", true));
  c.until = *until;
  ASSIGN_OR_RETURN(c.rationale, b.Required("rationale"));
  return Command(c);
}

Result<Command> Return(const Body& b) {
  ReturnCommand c;
  ASSIGN_OR_RETURN(c.reason, b.Optional("reason"));
  ASSIGN_OR_RETURN(std::string position, b.Optional("position"));
  if (!position.empty()) {
    ASSIGN_OR_RETURN(c.position, ParseReturnPosition(position, b.What("position")));
  }
  return Command(c);
}

Result<Command> ProposeConversion(const Body& b) {
  ProposeConversionCommand c;
  ASSIGN_OR_RETURN(auto effective, b.Date("effective", true));
  c.effective = *effective;
  ASSIGN_OR_RETURN(c.new_role, b.Required("newRole"));
  ASSIGN_OR_RETURN(c.recruitment_ref, b.Optional("recruitmentRef"));
  return Command(c);
}

Result<Command> Correct(const Body& b) {
  CorrectCommand c;
  ASSIGN_OR_RETURN(c.field, b.Required("field"));
  ASSIGN_OR_RETURN(c.value, b.Required("value"));
  ASSIGN_OR_RETURN(c.reason, b.Required("reason"));
  return Command(c);
}

Result<Command> Void(const Body& b) {
  VoidCommand c;
  ASSIGN_OR_RETURN(auto position, b.Integer("position", 1, INT64_MAX));
  if (!position) return InvalidArgument(fmt::format("{} is required", b.What("position")));
  c.position = static_cast<uint64_t>(*position);
  ASSIGN_OR_RETURN(c.reason, b.Required("reason"));
  return Command(c);
}

const std::vector<StepDef>& Steps() {
  static const std::vector<StepDef> kSteps = {
      {"approve", {"scope", "conditions"}, Approve},
      {"refuse", {"scope", "reason"}, Refuse},
      {"withdraw", {"reason"}, Withdraw},
      {"sign", {"agreement", "version", "sha256"}, Sign},
      {"start", {}, Start},
      {"handover", {"direction", "from", "to", "duties", "notes"}, Handover},
      {"feedback", {"text", "rating"}, Feedback},
      {"request-extension", {"until", "rationale"}, RequestExtension},
      {"return", {"reason", "position"}, Return},
      {"propose-conversion", {"effective", "newRole", "recruitmentRef"}, ProposeConversion},
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

Result<Command> ParseStepJson(std::string_view step, const JsonObject& body) {
  const StepDef* def = Find(step);
  if (def == nullptr) {
    return InvalidArgument(fmt::format("unknown step '{}'", step.substr(0, 40)));
  }
  JsonObject o = body;
  o.SetLooseNames(true);
  RETURN_IF_ERROR(o.CheckKnownFields(StepFields(step)));
  Body b(o);
  ASSIGN_OR_RETURN(Command command, def->parse(b));
  ASSIGN_OR_RETURN(auto date, b.Date("date", false));
  if (date) std::visit([&](auto& c) { c.date = *date; }, command);
  return command;
}

}  // namespace secondment
