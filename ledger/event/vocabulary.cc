#include "ledger/event/vocabulary.h"

#include <capnp/schema.h>
#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace secondment {
namespace {

// The enumerant of `E` named `name` in the schema, as snake_case.
template <typename E>
std::string_view NameOf(E value) {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (auto e : capnp::Schema::from<E>().getEnumerants()) {
      out.push_back(SnakeCase(e.getProto().getName().cStr()));
    }
    return out;
  }();
  auto index = static_cast<size_t>(value);
  return index < names.size() ? std::string_view(names[index]) : std::string_view("unknown");
}

// Parses one of the enumerants of `E` except `unspecified` and those in `excluded`.
template <typename E>
Result<E> ParseName(std::string_view text, std::string_view what,
                    std::initializer_list<E> excluded = {}) {
  std::string accepted;
  for (auto e : capnp::Schema::from<E>().getEnumerants()) {
    auto value = static_cast<E>(e.getOrdinal());
    if (e.getOrdinal() == 0 ||
        std::find(excluded.begin(), excluded.end(), value) != excluded.end()) {
      continue;
    }
    std::string name = SnakeCase(e.getProto().getName().cStr());
    if (name == text) return value;
    accepted += accepted.empty() ? name : ", " + name;
  }
  std::string shown(text.substr(0, 40));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '?';
  }
  return InvalidArgument(
      fmt::format("unknown value '{}' for {}; expected one of: {}", shown, what, accepted));
}

}  // namespace

std::string SnakeCase(std::string_view camel_case) {
  std::string out;
  for (char c : camel_case) {
    if (c >= 'A' && c <= 'Z') {
      out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view RoleName(schema::Role role) { return NameOf(role); }
std::string_view ScopeName(schema::Scope scope) { return NameOf(scope); }
std::string_view KindName(schema::Kind kind) { return NameOf(kind); }
std::string_view CostName(schema::CostArrangement cost) { return NameOf(cost); }
std::string_view DirectionName(schema::HandoverDirection d) { return NameOf(d); }
std::string_view ReturnPositionName(schema::ReturnPosition p) { return NameOf(p); }

Result<schema::Role> ParseActingRole(std::string_view text, std::string_view what) {
  // auditor, subscriber and system never act on a secondment.
  return ParseName<schema::Role>(
      text, what, {schema::Role::AUDITOR, schema::Role::SUBSCRIBER, schema::Role::SYSTEM});
}
Result<schema::Scope> ParseScope(std::string_view text, std::string_view what) {
  return ParseName<schema::Scope>(text, what);
}
Result<schema::Kind> ParseKind(std::string_view text, std::string_view what) {
  return ParseName<schema::Kind>(text, what);
}
Result<schema::CostArrangement> ParseCost(std::string_view text, std::string_view what) {
  return ParseName<schema::CostArrangement>(text, what);
}
Result<schema::HandoverDirection> ParseDirection(std::string_view text, std::string_view what) {
  return ParseName<schema::HandoverDirection>(text, what);
}
Result<schema::ReturnPosition> ParseReturnPosition(std::string_view text, std::string_view what) {
  return ParseName<schema::ReturnPosition>(text, what);
}

}  // namespace secondment
