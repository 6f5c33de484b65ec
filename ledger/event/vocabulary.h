// The words people and files use for the schema's enums: snake_case, as on the command line
// ("home_manager", "non_profit", "host_reimburses"). Parsing refuses anything else with
// InvalidArgument naming the accepted words.

#ifndef SECONDMENT_LEDGER_EVENT_VOCABULARY_H_
#define SECONDMENT_LEDGER_EVENT_VOCABULARY_H_

#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "schemas/event.capnp.h"

namespace secondment {

// "home_manager" for HOME_MANAGER, ... ("unspecified" for the zero value).
std::string_view RoleName(schema::Role role);
std::string_view ScopeName(schema::Scope scope);
std::string_view KindName(schema::Kind kind);
std::string_view CostName(schema::CostArrangement cost);
std::string_view DirectionName(schema::HandoverDirection direction);
std::string_view ReturnPositionName(schema::ReturnPosition position);

// `what` names the input in the error, e.g. "--as": "unknown role 'boss' for --as; expected
// one of: hr, home_manager, host_manager, secondee, exception".
Result<schema::Role> ParseActingRole(std::string_view text, std::string_view what);
Result<schema::Scope> ParseScope(std::string_view text, std::string_view what);
Result<schema::Kind> ParseKind(std::string_view text, std::string_view what);
Result<schema::CostArrangement> ParseCost(std::string_view text, std::string_view what);
Result<schema::HandoverDirection> ParseDirection(std::string_view text, std::string_view what);
Result<schema::ReturnPosition> ParseReturnPosition(std::string_view text, std::string_view what);

// Any enumerant of any schema enum as snake_case: "homeManager" -> "home_manager".
std::string SnakeCase(std::string_view camel_case);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_EVENT_VOCABULARY_H_
