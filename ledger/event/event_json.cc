#include "ledger/event/event_json.h"

#include <capnp/dynamic.h>
#include <capnp/schema.h>
#include <fmt/format.h>

#include "ledger/base/date.h"
#include "ledger/base/hash.h"
#include "ledger/base/json_input.h"
#include "ledger/event/schema_date.h"
#include "ledger/event/vocabulary.h"

namespace secondment {
namespace {

std::string Hex(capnp::Data::Reader data) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(data.begin()), data.size()));
}

std::string ValueJson(capnp::DynamicValue::Reader value, capnp::Type type);

// A struct: every field that is set (the active member only, for a union).
std::string StructJson(capnp::DynamicStruct::Reader reader) {
  auto schema = reader.getSchema();
  if (schema == capnp::Schema::from<schema::Date>()) {
    auto date = reader.as<schema::Date>();
    return DateJson(CivilDate{date.getYear(), date.getMonth(), date.getDay()});
  }
  std::string out = "{";
  // Pointer fields (text, data, structs, lists) show when set; scalars always show.
  auto add = [&](capnp::StructSchema::Field field) {
    auto type = field.getType();
    bool pointer = type.isText() || type.isData() || type.isStruct() || type.isList();
    if (pointer && !reader.has(field)) return;
    out += fmt::format("{}{}:{}", out.size() > 1 ? "," : "",
                       JsonString(field.getProto().getName().cStr()),
                       ValueJson(reader.get(field), type));
  };
  for (auto field : schema.getNonUnionFields()) add(field);
  KJ_IF_MAYBE (active, reader.which()) {
    add(*active);
  }
  return out + "}";
}

std::string ValueJson(capnp::DynamicValue::Reader value, capnp::Type type) {
  switch (value.getType()) {
    case capnp::DynamicValue::VOID:
      return "null";
    case capnp::DynamicValue::BOOL:
      return value.as<bool>() ? "true" : "false";
    case capnp::DynamicValue::INT:
      return fmt::format("{}", value.as<int64_t>());
    case capnp::DynamicValue::UINT:
      return fmt::format("{}", value.as<uint64_t>());
    case capnp::DynamicValue::FLOAT:
      return fmt::format("{}", value.as<double>());
    case capnp::DynamicValue::TEXT:
      return JsonString(value.as<capnp::Text>().cStr());
    case capnp::DynamicValue::DATA:
      return JsonString(Hex(value.as<capnp::Data>()));
    case capnp::DynamicValue::ENUM: {
      KJ_IF_MAYBE (enumerant, value.as<capnp::DynamicEnum>().getEnumerant()) {
        return JsonString(SnakeCase(enumerant->getProto().getName().cStr()));
      }
      return fmt::format("{}", value.as<capnp::DynamicEnum>().getRaw());
    }
    case capnp::DynamicValue::STRUCT:
      return StructJson(value.as<capnp::DynamicStruct>());
    case capnp::DynamicValue::LIST: {
      auto list = value.as<capnp::DynamicList>();
      auto element = list.getSchema().getElementType();
      std::string out = "[";
      for (auto item : list)
        out += fmt::format("{}{}", out.size() > 1 ? "," : "", ValueJson(item, element));
      return out + "]";
    }
    default:
      return "null";
  }
}

}  // namespace

std::string DateJson(const CivilDate& date) {
  return date.year == 0 ? "null" : JsonString(FormatDate(date));
}

std::string PayloadJson(schema::Event::Reader e) {
  capnp::DynamicStruct::Reader payload = e.getPayload();
  KJ_IF_MAYBE (field, payload.which()) {
    return ValueJson(payload.get(*field), field->getType());
  }
  return "{}";
}

std::string EventIdText(capnp::Data::Reader id) {
  auto parsed = EventId::FromBytes({reinterpret_cast<const char*>(id.begin()), id.size()});
  return parsed.ok() ? parsed->ToString() : Hex(id);
}

std::string JsonString(std::string_view text) {
  // Stored text is UTF-8 (every input is checked); bytes from elsewhere, an audit bundle or a
  // proof under check, may not be, and the JSON must still be valid.
  std::string valid;
  if (!IsValidUtf8(text)) {
    valid = ReplaceInvalidUtf8(text);
    text = valid;
  }
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          out += fmt::format("\\u{:04x}", byte);
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string Timestamp(int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t rest = seconds % 86400;
  return fmt::format("{}T{:02d}:{:02d}:{:02d}.{:06d}Z", FormatDate(CivilFromDays(seconds / 86400)),
                     rest / 3600, rest / 60 % 60, rest % 60, micros % 1000000);
}

std::string EventJson(const RecordedEvent& recorded) {
  auto e = recorded.Get();
  return fmt::format(
      "{{\"position\":{},\"recordedAt\":{},\"streamId\":{},\"streamVersion\":{},\"eventId\":{},"
      "\"effectiveDate\":{},\"actor\":{},\"role\":{},\"type\":{},\"payload\":{}}}",
      recorded.position(), JsonString(Timestamp(e.getRecordedAtMicros())),
      JsonString(e.getStreamId().cStr()), e.getStreamVersion(),
      JsonString(EventIdText(e.getEventId())), DateJson(DateOf(e.getEffectiveDate())),
      JsonString(e.getActor().getId().cStr()), JsonString(RoleName(e.getActor().getRole())),
      JsonString(EventTypeName(e)), PayloadJson(e));
}

}  // namespace secondment
