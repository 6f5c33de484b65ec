// Reading JSON input (policy files, `propose --file`) strictly: a parsed document and an
// object view whose accessors say exactly what is wrong ("maxMonths in policy.json must be a
// whole number from 1 to 120"). Parsing goes through Cap'n Proto's JSON codec.

#ifndef SECONDMENT_LEDGER_BASE_JSON_INPUT_H_
#define SECONDMENT_LEDGER_BASE_JSON_INPUT_H_

#include <capnp/compat/json.h>
#include <capnp/message.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"

namespace secondment {

inline constexpr size_t kMaxJsonInputBytes = 1 << 20;

// A JSON object; borrowed from its JsonDocument. `where` names the input in messages.
class JsonObject {
 public:
  JsonObject(capnp::JsonValue::Reader value, std::string where)
      : fields_(value.getObject()), where_(std::move(where)) {}

  // With loose names, a field matches whatever its spelling: "home-org", "home_org", "homeOrg"
  // and "HomeOrg" are one name (letters and digits compared case-insensitively).
  void SetLooseNames(bool loose) { loose_ = loose; }

  // InvalidArgument naming the first field that is not in `allowed`.
  Status CheckKnownFields(const std::vector<std::string_view>& allowed) const;

  // Each returns nullopt when the field is absent (or null), InvalidArgument when it has the
  // wrong type.
  Result<std::optional<std::string>> String(std::string_view name) const;
  Result<std::optional<int64_t>> Integer(std::string_view name, int64_t min, int64_t max) const;
  Result<std::optional<bool>> Bool(std::string_view name) const;
  Result<std::optional<std::vector<std::string>>> Strings(std::string_view name) const;
  Result<std::optional<JsonObject>> Object(std::string_view name) const;
  Result<std::optional<std::vector<JsonObject>>> Objects(std::string_view name) const;

  const std::string& where() const { return where_; }

 private:
  std::optional<capnp::JsonValue::Reader> Find(std::string_view name) const;

  bool SameName(std::string_view field, std::string_view name) const;

  capnp::List<capnp::json::Value::Field>::Reader fields_;
  std::string where_;
  bool loose_ = false;
};

class JsonDocument {
 public:
  // InvalidArgument when `text` is over `max_bytes`, not UTF-8, or not JSON; `where` names the
  // input.
  static Result<JsonDocument> Parse(std::string_view text, std::string where,
                                    size_t max_bytes = kMaxJsonInputBytes);
  // The top-level object; InvalidArgument when the document is not an object.
  Result<JsonObject> RootObject() const;

 private:
  JsonDocument() = default;
  std::unique_ptr<capnp::MallocMessageBuilder> message_;
  std::string where_;
};

// Reads a whole file of at most `max_bytes`; InvalidArgument naming the path when it cannot.
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes = kMaxJsonInputBytes);

// True when `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

// `text` with each byte that does not begin a valid UTF-8 sequence replaced by U+FFFD.
std::string ReplaceInvalidUtf8(std::string_view text);

}  // namespace secondment

#endif  // SECONDMENT_LEDGER_BASE_JSON_INPUT_H_
