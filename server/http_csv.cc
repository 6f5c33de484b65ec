#include "server/http_csv.h"

#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <fmt/format.h>
#include <kj/exception.h>

#include <algorithm>
#include <map>

namespace secondment::server {
namespace {

std::string Quoted(std::string_view text) {
  // Cells that a spreadsheet would take for a formula start with a quote mark (OWASP CSV
  // injection).
  std::string cell(text);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@')) {
    bool number = cell.find_first_not_of("0123456789.-") == std::string::npos;
    if (!number) cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CellOf(capnp::JsonCodec& codec, capnp::JsonValue::Reader value) {
  switch (value.which()) {
    case capnp::JsonValue::NULL_:
      return "";
    case capnp::JsonValue::STRING:
      return value.getString().cStr();
    case capnp::JsonValue::BOOLEAN:
      return value.getBoolean() ? "true" : "false";
    case capnp::JsonValue::NUMBER: {
      double n = value.getNumber();
      return n == static_cast<double>(static_cast<int64_t>(n))
                 ? fmt::format("{}", static_cast<int64_t>(n))
                 : fmt::format("{}", n);
    }
    default:
      return codec.encodeRaw(value).cStr();
  }
}

}  // namespace

Result<std::string> JsonObjectsToCsv(const std::vector<std::string>& objects,
                                     const std::vector<std::string_view>& header) {
  constexpr size_t kMaxColumns = 200;
  capnp::JsonCodec codec;
  std::vector<std::string> columns(header.begin(), header.end());
  std::vector<std::map<std::string, std::string>> rows;
  rows.reserve(objects.size());
  for (const std::string& object : objects) {
    capnp::MallocMessageBuilder message;
    auto root = message.initRoot<capnp::JsonValue>();
    KJ_IF_MAYBE (error, kj::runCatchingExceptions([&] {
                   codec.decodeRaw(kj::StringPtr(object.c_str(), object.size()), root);
                 })) {
      return Corruption("a list item is not JSON");
    }
    if (!root.isObject()) return Corruption("a list item is not a JSON object");
    auto& cells = rows.emplace_back();
    for (auto field : root.getObject()) {
      std::string name = field.getName().cStr();
      if (columns.size() < kMaxColumns &&
          std::find(columns.begin(), columns.end(), name) == columns.end()) {
        columns.push_back(name);
      }
      cells[name] = CellOf(codec, field.getValue());
    }
  }
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + Quoted(columns[i]);
  out += "\r\n";
  for (const auto& cells : rows) {
    for (size_t i = 0; i < columns.size(); ++i) {
      auto it = cells.find(columns[i]);
      out += (i ? "," : "") + (it == cells.end() ? std::string() : Quoted(it->second));
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace secondment::server
