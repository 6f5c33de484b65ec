#include "cli/args.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace secondment::cli {

std::string Printable(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7F ? '?' : c;
  }
  if (text.size() > max) out += "...";
  return out;
}

Result<Args> Args::Parse(std::string_view command, const std::vector<std::string>& tokens,
                         const std::vector<OptionSpec>& specs) {
  Args args;
  args.command_ = std::string(command);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (token.rfind("--", 0) != 0 || token == "--") {
      if (token == "--") {
        for (++i; i < tokens.size(); ++i) args.positional_.push_back(tokens[i]);
        break;
      }
      args.positional_.push_back(token);
      continue;
    }
    std::string name = token.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto spec = std::find_if(specs.begin(), specs.end(),
                             [&](const OptionSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      return InvalidArgument(
          fmt::format("unknown option --{} for {}", Printable(name, 40), command));
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < tokens.size()) {
        value = tokens[++i];
      } else {
        return InvalidArgument(fmt::format("--{} needs a value", name));
      }
    } else if (inline_value) {
      return InvalidArgument(fmt::format("--{} takes no value", name));
    }
    auto& values = args.values_[name];
    if (!values.empty() && !spec->repeatable) {
      return InvalidArgument(fmt::format("--{} is given more than once", name));
    }
    values.push_back(std::move(value));
  }
  return args;
}

std::optional<std::string> Args::Get(std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second.front();
}

std::vector<std::string> Args::All(std::string_view name) const {
  auto it = values_.find(std::string(name));
  return it == values_.end() ? std::vector<std::string>() : it->second;
}

Result<std::string> Args::Required(std::string_view name) const {
  auto value = Get(name);
  if (!value) return InvalidArgument(fmt::format("--{} is required for {}", name, command_));
  return *value;
}

Result<std::optional<CivilDate>> Args::Date(std::string_view name) const {
  auto value = Get(name);
  if (!value) return std::optional<CivilDate>();
  auto date = ParseDate(*value);
  if (!date.ok()) {
    // "invalid date '2026-02-30': 2026-02 has 28 days" -> "... for --start: ..."
    std::string message = date.status().message();
    auto colon = message.find("': ");
    if (colon != std::string::npos) {
      message.insert(colon + 1, fmt::format(" for --{}", name));
    }
    return InvalidArgument(message);
  }
  return std::optional<CivilDate>(*date);
}

Result<CivilDate> Args::RequiredDate(std::string_view name) const {
  ASSIGN_OR_RETURN(auto date, Date(name));
  if (!date) return InvalidArgument(fmt::format("--{} is required for {}", name, command_));
  return *date;
}

Result<std::optional<int64_t>> Args::Integer(std::string_view name, int64_t min,
                                             int64_t max) const {
  auto value = Get(name);
  if (!value) return std::optional<int64_t>();
  int64_t number = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (value->empty() || ec != std::errc() || end != value->data() + value->size() || number < min ||
      number > max) {
    return InvalidArgument(fmt::format("--{} takes a whole number from {} to {}, got '{}'", name,
                                       min, max, Printable(*value, 30)));
  }
  return std::optional<int64_t>(number);
}

Result<std::string> Args::OnlyPositional(std::string_view what) const {
  if (positional_.empty()) {
    return InvalidArgument(fmt::format("{} needs a {} id", command_, what));
  }
  if (positional_.size() > 1) {
    return InvalidArgument(fmt::format("{} takes one {} id; unexpected '{}'", command_, what,
                                       Printable(positional_[1], 40)));
  }
  return positional_.front();
}

}  // namespace secondment::cli
