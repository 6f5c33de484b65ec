// Command-line parsing for `secondment`: global options anywhere on the line, then one
// command with its own options and positional arguments. Every refusal is InvalidArgument with
// one line naming the option.

#ifndef SECONDMENT_CLI_ARGS_H_
#define SECONDMENT_CLI_ARGS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/date.h"
#include "ledger/base/status.h"
#include "ledger/base/text.h"

namespace secondment::cli {

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value = true;
  bool repeatable = false;
};

// The options and positional arguments given to one command.
class Args {
 public:
  // Parses `tokens` against `specs`; `command` names the command in messages.
  static Result<Args> Parse(std::string_view command, const std::vector<std::string>& tokens,
                            const std::vector<OptionSpec>& specs);

  bool Has(std::string_view name) const { return values_.count(std::string(name)) != 0; }
  // The value of an option given once; nullopt when absent.
  std::optional<std::string> Get(std::string_view name) const;
  // Every value of a repeatable option, in order.
  std::vector<std::string> All(std::string_view name) const;
  // The value, or InvalidArgument "--name is required for COMMAND".
  Result<std::string> Required(std::string_view name) const;
  // A date option: InvalidArgument "invalid date '2026-02-30' for --start: ...".
  Result<std::optional<CivilDate>> Date(std::string_view name) const;
  Result<CivilDate> RequiredDate(std::string_view name) const;
  // A whole-number option in [min, max].
  Result<std::optional<int64_t>> Integer(std::string_view name, int64_t min, int64_t max) const;

  const std::vector<std::string>& positional() const { return positional_; }
  // Exactly one positional argument (the secondment id), else InvalidArgument.
  Result<std::string> OnlyPositional(std::string_view what) const;

 private:
  std::string command_;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

// "2026-03-31T09:15:02Z", with up to 6 fractional digits before the Z, as UTC microseconds;
// a date alone ("2026-03-31") means the end of that day. InvalidArgument naming `what`.
Result<int64_t> ParseTimestamp(std::string_view text, std::string_view what);

}  // namespace secondment::cli

#endif  // SECONDMENT_CLI_ARGS_H_
