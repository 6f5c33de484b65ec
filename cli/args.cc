#include "cli/args.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace secondment::cli {

Result<int64_t> ParseTimestamp(std::string_view text, std::string_view what) {
  auto invalid = [&] {
    return InvalidArgument(fmt::format(
        "invalid timestamp '{}' for {}; expected YYYY-MM-DDTHH:MM:SSZ (or an offset such as "
        "+02:00) or YYYY-MM-DD",
        Printable(text, 40), what));
  };
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
  auto date = ParseDate(text.substr(0, 10));
  if (!date.ok()) return invalid();
  int64_t day = DaysFromCivil(*date) * kMicrosPerDay;
  if (text.size() == 10) return day + kMicrosPerDay - 1;
  // The zone: "Z", or an offset "+hh:mm" / "-hh:mm" from UTC.
  int64_t offset_micros = 0;
  if (text.size() > 6 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
      text[text.size() - 3] == ':') {
    std::string_view zone = text.substr(text.size() - 6);
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!digit(zone[1]) || !digit(zone[2]) || !digit(zone[4]) || !digit(zone[5])) return invalid();
    int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
    int minutes = (zone[4] - '0') * 10 + (zone[5] - '0');
    if (hours > 23 || minutes > 59) return invalid();
    offset_micros = (hours * 60 + minutes) * 60 * 1000000LL * (zone[0] == '+' ? 1 : -1);
    std::string normalized(text.substr(0, text.size() - 6));
    normalized += 'Z';
    ASSIGN_OR_RETURN(int64_t local, ParseTimestamp(normalized, what));
    return local - offset_micros;
  }
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z') {
    return invalid();
  }
  auto number = [&](size_t at, size_t count, int max) -> int {
    int v = 0;
    for (size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v <= max ? v : -1;
  };
  int hours = number(11, 2, 23), minutes = number(14, 2, 59), seconds = number(17, 2, 59);
  if (hours < 0 || minutes < 0 || seconds < 0) return invalid();
  int64_t micros = 0;
  std::string_view fraction = text.substr(19, text.size() - 20);
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() < 2 || fraction.size() > 7) return invalid();
    int f = number(20, fraction.size() - 1, 999999);
    if (f < 0) return invalid();
    micros = f;
    for (size_t i = fraction.size() - 1; i < 6; ++i) micros *= 10;
  }
  return day + ((hours * 60 + minutes) * 60 + seconds) * 1000000LL + micros;
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
