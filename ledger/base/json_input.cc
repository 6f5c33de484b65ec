#include "ledger/base/json_input.h"

#include <capnp/compat/json.h>
#include <fmt/format.h>
#include <kj/exception.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>

namespace secondment {

namespace {

// The length of the valid UTF-8 sequence at `text[i]`, or 0 when there is none.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return 1;
  size_t extra;
  uint32_t code;
  if ((c & 0xE0) == 0xC0) {
    extra = 1, code = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2, code = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3, code = c & 0x07;
  } else {
    return 0;
  }
  if (i + extra >= text.size()) return 0;  // truncated sequence
  for (size_t k = 1; k <= extra; ++k) {
    auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3F);
  }
  static constexpr uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;  // overlong, out of range, or a surrogate
  }
  return extra + 1;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0, length; i < text.size(); i += length) {
    length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
  }
  return true;
}

std::string ReplaceInvalidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

namespace {

void AppendUtf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | code >> 6);
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | code >> 12);
    out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | code >> 18);
    out += static_cast<char>(0x80 | (code >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// The four hex digits of a \u escape at `text[at]`, or nullopt.
std::optional<uint32_t> Hex4(std::string_view text, size_t at) {
  if (at + 4 > text.size()) return std::nullopt;
  uint32_t code = 0;
  for (size_t i = at; i < at + 4; ++i) {
    char c = text[i];
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return std::nullopt;
    code = code << 4 | static_cast<uint32_t>(digit);
  }
  return code;
}

// Rewrites every \u escape inside a JSON string as the UTF-8 it stands for (a surrogate pair
// as one character), leaving every other byte as it is. Cap'n Proto 0.9's JSON decoder reads
// the hex letters of \u escapes wrongly ("\u00e9" as "I") and splits surrogate pairs
// (capnproto/capnproto#1552, fixed in 0.10), so the decoder is given none. What a JSON string
// must escape stays escaped: '"' and '\' as \" and \\, control characters as short escapes,
// as \u escapes of decimal digits only (which it reads right), or as the raw byte (which it
// takes as is, and the readers refuse as any control character). InvalidArgument for a
// malformed escape or an unpaired surrogate.
Result<std::string> ResolveUnicodeEscapes(std::string_view text, std::string_view where) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!in_string || c != '\\' || i + 1 >= text.size()) {
      if (c == '"') in_string = !in_string;
      out += c;
      continue;
    }
    if (text[i + 1] != 'u') {  // a two-character escape: \" \\ \/ \b \f \n \r \t
      out.append(text.substr(i, 2));
      ++i;
      continue;
    }
    auto bad = [&](std::string_view what) {
      return InvalidArgument(fmt::format("{} is not valid JSON: {} at byte {}", where, what, i));
    };
    std::optional<uint32_t> code = Hex4(text, i + 2);
    if (!code) return bad("a \\u escape without four hex digits");
    size_t length = 6;
    if (*code >= 0xDC00 && *code <= 0xDFFF) return bad("a lone low surrogate");
    if (*code >= 0xD800 && *code <= 0xDBFF) {
      std::optional<uint32_t> low;
      if (text.substr(i + 6, 2) == "\\u") low = Hex4(text, i + 8);
      if (!low || *low < 0xDC00 || *low > 0xDFFF) return bad("a high surrogate without its pair");
      *code = 0x10000 + ((*code - 0xD800) << 10) + (*low - 0xDC00);
      length = 12;
    }
    if (*code == '"' || *code == '\\') {
      out += '\\';
      out += static_cast<char>(*code);
    } else if (*code == '\n') {
      out += "\\n";
    } else if (*code == '\r') {
      out += "\\r";
    } else if (*code == '\f') {
      out += "\\f";
    } else if (*code < 0x20 && *code % 16 < 10) {
      out += fmt::format("\\u{:04x}", *code);  // decimal digits only
    } else {
      AppendUtf8(out, *code);
    }
    i += length - 1;
  }
  return out;
}

}  // namespace

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(fmt::format("cannot read {}", path));
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return InvalidArgument(fmt::format("{} is over the limit of {} bytes", path, max_bytes));
    }
  }
  if (in.bad()) return InvalidArgument(fmt::format("cannot read {}", path));
  return text;
}

namespace {

// A key given twice in any object of the document: refused, never "the last one wins" (a
// reader that took the first would see another document). Nesting is bounded by the codec.
Status CheckNoRepeatedKeys(capnp::JsonValue::Reader value, const std::string& where) {
  if (value.isArray()) {
    for (auto item : value.getArray()) RETURN_IF_ERROR(CheckNoRepeatedKeys(item, where));
    return Status::Ok();
  }
  if (!value.isObject()) return Status::Ok();
  auto fields = value.getObject();
  std::unordered_set<std::string_view> seen;  // large objects only: no quadratic scan
  for (uint32_t i = 0; i < fields.size(); ++i) {
    auto name = fields[i].getName();
    std::string_view key(name.cStr(), name.size());
    bool repeated = false;
    if (fields.size() > 16) {
      repeated = !seen.insert(key).second;
    } else {
      for (uint32_t j = 0; j < i && !repeated; ++j) repeated = fields[j].getName() == name;
    }
    if (repeated) {
      std::string shown(key.substr(0, 40));
      for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
      }
      return InvalidArgument(fmt::format("field '{}' is given twice in {}", shown, where));
    }
    RETURN_IF_ERROR(CheckNoRepeatedKeys(fields[i].getValue(), where));
  }
  return Status::Ok();
}

}  // namespace

Result<JsonDocument> JsonDocument::Parse(std::string_view text, std::string where,
                                         size_t max_bytes) {
  if (text.size() > max_bytes) {
    return InvalidArgument(fmt::format("{} is over the limit of {} bytes", where, max_bytes));
  }
  if (!IsValidUtf8(text)) return InvalidArgument(fmt::format("{} is not valid UTF-8", where));
  std::string resolved;
  if (text.find("\\u") != std::string_view::npos) {
    ASSIGN_OR_RETURN(resolved, ResolveUnicodeEscapes(text, where));
    text = resolved;
  }
  JsonDocument doc;
  doc.message_ = std::make_unique<capnp::MallocMessageBuilder>();
  doc.where_ = std::move(where);
  auto root = doc.message_->initRoot<capnp::JsonValue>();
  KJ_IF_MAYBE (exception, kj::runCatchingExceptions([&] {
                 capnp::JsonCodec codec;
                 codec.setMaxNestingDepth(16);
                 codec.decodeRaw(kj::ArrayPtr<const char>(text.data(), text.size()), root);
               })) {
    return InvalidArgument(
        fmt::format("{} is not valid JSON: {}", doc.where_, exception->getDescription().cStr()));
  }
  RETURN_IF_ERROR(CheckNoRepeatedKeys(root.asReader(), doc.where_));
  return doc;
}

Result<JsonObject> JsonDocument::RootObject() const {
  auto root = message_->getRoot<capnp::JsonValue>().asReader();
  if (!root.isObject()) return InvalidArgument(fmt::format("{} must hold a JSON object", where_));
  return JsonObject(root, where_);
}

bool JsonObject::SameName(std::string_view field, std::string_view name) const {
  if (field == name) return true;
  if (!loose_) return false;
  // Letters and digits compared case-insensitively (ASCII), everything else skipped; without
  // allocating, since every field of every line of an import is matched this way.
  auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  size_t i = 0, j = 0;
  for (;;) {
    while (i < field.size() && !alnum(field[i])) ++i;
    while (j < name.size() && !alnum(name[j])) ++j;
    if (i == field.size() || j == name.size()) return i == field.size() && j == name.size();
    if (lower(field[i++]) != lower(name[j++])) return false;
  }
}

std::optional<capnp::JsonValue::Reader> JsonObject::Find(std::string_view name) const {
  std::optional<capnp::JsonValue::Reader> found;
  for (auto field : fields_) {
    if (SameName(std::string_view(field.getName().cStr(), field.getName().size()), name)) {
      found = field.getValue();  // the last occurrence wins, as in most JSON readers
    }
  }
  if (found && found->isNull()) return std::nullopt;
  return found;
}

Status JsonObject::CheckKnownFields(const std::vector<std::string_view>& allowed) const {
  // Each field matches one allowed name; a name given twice is refused, not "last one wins".
  std::vector<bool> seen(allowed.size(), false);
  for (auto field : fields_) {
    std::string_view name(field.getName().cStr(), field.getName().size());
    auto match = std::find_if(allowed.begin(), allowed.end(),
                              [&](std::string_view a) { return SameName(name, a); });
    std::string shown(name.substr(0, 40));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    if (match == allowed.end()) {
      return InvalidArgument(fmt::format("unknown field '{}' in {}", shown, where_));
    }
    size_t index = static_cast<size_t>(match - allowed.begin());
    if (seen[index]) {
      return InvalidArgument(fmt::format("field '{}' is given twice in {}", shown, where_));
    }
    seen[index] = true;
  }
  return Status::Ok();
}

Result<std::optional<std::string>> JsonObject::String(std::string_view name) const {
  auto value = Find(name);
  if (!value) return std::optional<std::string>();
  if (!value->isString()) {
    return InvalidArgument(fmt::format("{} in {} must be a string", name, where_));
  }
  // The whole text, NULs included (a "\u0000" must not cut it short and pass the checks).
  auto text = value->getString();
  return std::optional<std::string>(std::string(text.begin(), text.size()));
}

Result<std::optional<int64_t>> JsonObject::Integer(std::string_view name, int64_t min,
                                                   int64_t max) const {
  auto value = Find(name);
  if (!value) return std::optional<int64_t>();
  double number = value->isNumber() ? value->getNumber() : NAN;
  if (!value->isNumber() || std::floor(number) != number || number < static_cast<double>(min) ||
      number > static_cast<double>(max)) {
    return InvalidArgument(
        fmt::format("{} in {} must be a whole number from {} to {}", name, where_, min, max));
  }
  return std::optional<int64_t>(static_cast<int64_t>(number));
}

Result<std::optional<bool>> JsonObject::Bool(std::string_view name) const {
  auto value = Find(name);
  if (!value) return std::optional<bool>();
  if (!value->isBoolean()) {
    return InvalidArgument(fmt::format("{} in {} must be true or false", name, where_));
  }
  return std::optional<bool>(value->getBoolean());
}

Result<std::optional<std::vector<JsonObject>>> JsonObject::Objects(std::string_view name) const {
  auto value = Find(name);
  if (!value) return std::optional<std::vector<JsonObject>>();
  auto wrong = [&] {
    return InvalidArgument(fmt::format("{} in {} must be a list of objects", name, where_));
  };
  if (!value->isArray()) return wrong();
  std::vector<JsonObject> out;
  size_t i = 0;
  for (auto item : value->getArray()) {
    if (!item.isObject()) return wrong();
    out.emplace_back(item, fmt::format("{}[{}] of {}", name, i++, where_));
  }
  return std::optional<std::vector<JsonObject>>(std::move(out));
}

Result<std::optional<std::vector<std::string>>> JsonObject::Strings(std::string_view name) const {
  auto value = Find(name);
  if (!value) return std::optional<std::vector<std::string>>();
  auto wrong = [&] {
    return InvalidArgument(fmt::format("{} in {} must be a list of strings", name, where_));
  };
  if (!value->isArray()) return wrong();
  std::vector<std::string> out;
  for (auto item : value->getArray()) {
    if (!item.isString()) return wrong();
    auto text = item.getString();
    out.emplace_back(text.begin(), text.size());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<JsonObject>> JsonObject::Object(std::string_view name) const {
  auto value = Find(name);
  if (!value) return std::optional<JsonObject>();
  if (!value->isObject()) {
    return InvalidArgument(fmt::format("{} in {} must be an object", name, where_));
  }
  return std::optional<JsonObject>(JsonObject(*value, fmt::format("{} of {}", name, where_)));
}

}  // namespace secondment
