#include "ledger/event/event_json.h"

#include <capnp/dynamic.h>
#include <capnp/schema.h>
#include <fmt/format.h>

#include <iterator>
#include <unordered_map>
#include <vector>

#include "ledger/base/assert.h"
#include "ledger/base/date.h"
#include "ledger/base/hash.h"
#include "ledger/base/json_input.h"
#include "ledger/event/schema_date.h"
#include "ledger/event/sealing.h"
#include "ledger/event/vocabulary.h"

namespace secondment {
namespace {

std::string Hex(capnp::Data::Reader data) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(data.begin()), data.size()));
}

// Every rendering below appends to one buffer: an event is written without a string per field.
void AppendInteger(std::string& out, int64_t value) {
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void AppendValue(std::string& out, capnp::DynamicValue::Reader value, capnp::Type type);

// What rendering a struct needs of its schema, worked out once per struct type rather than
// asked of the schema for every field of every event: each field's quoted name, its type, and
// whether it is a pointer (shown only when set); each enum's words.
struct FieldPlan {
  capnp::StructSchema::Field field;
  std::string key;  // "\"name\":"
  capnp::Type type;
  bool pointer = false;
};
struct StructPlan {
  std::vector<FieldPlan> fields;    // by field index
  std::vector<uint32_t> non_union;  // indexes of the fields outside the union, in order
};
struct Plans {
  std::unordered_map<uint64_t, StructPlan> structs;                   // by schema id
  std::unordered_map<uint64_t, std::vector<std::string>> enum_words;  // quoted, by ordinal
};

void AddPlans(Plans& plans, capnp::Type type) {
  while (type.isList()) type = type.asList().getElementType();
  if (type.isEnum()) {
    auto schema = type.asEnum();
    auto& words = plans.enum_words[schema.getProto().getId()];
    if (!words.empty()) return;
    for (auto enumerant : schema.getEnumerants()) {
      words.push_back(JsonString(SnakeCase(enumerant.getProto().getName().cStr())));
    }
    return;
  }
  if (!type.isStruct()) return;
  auto schema = type.asStruct();
  uint64_t id = schema.getProto().getId();
  if (plans.structs.count(id) != 0) return;
  StructPlan& plan = plans.structs[id];
  for (auto field : schema.getFields()) {
    auto field_type = field.getType();
    plan.fields.push_back({field, JsonString(field.getProto().getName().cStr()) + ":", field_type,
                           field_type.isText() || field_type.isData() || field_type.isStruct() ||
                               field_type.isList()});
  }
  for (auto field : schema.getNonUnionFields()) plan.non_union.push_back(field.getIndex());
  for (auto field : schema.getFields()) AddPlans(plans, field.getType());
}

// The plans of every struct and enum an event holds, made once (thread-safe).
const Plans& EventPlans() {
  static const Plans plans = [] {
    Plans made;
    AddPlans(made, capnp::Type(capnp::Schema::from<schema::Event>()));
    return made;
  }();
  return plans;
}

// A struct: every field that is set (the active member only, for a union).
void AppendStruct(std::string& out, capnp::DynamicStruct::Reader reader) {
  auto schema = reader.getSchema();
  if (schema == capnp::Schema::from<schema::Date>()) {
    auto date = reader.as<schema::Date>();
    out += DateJson(CivilDate{date.getYear(), date.getMonth(), date.getDay()});
    return;
  }
  const Plans& plans = EventPlans();
  auto found = plans.structs.find(schema.getProto().getId());
  LEDGER_ASSERT(found != plans.structs.end(), schema.getProto().getDisplayName().cStr());
  const StructPlan& plan = found->second;
  out += '{';
  bool first = true;
  // Pointer fields (text, data, structs, lists) show when set; scalars always show.
  auto add = [&](const FieldPlan& field) {
    if (field.pointer && !reader.has(field.field)) return;
    if (!first) out += ',';
    first = false;
    out += field.key;
    AppendValue(out, reader.get(field.field), field.type);
  };
  for (uint32_t index : plan.non_union) add(plan.fields[index]);
  KJ_IF_MAYBE (active, reader.which()) {
    add(plan.fields[active->getIndex()]);
  }
  out += '}';
}

void AppendValue(std::string& out, capnp::DynamicValue::Reader value, capnp::Type type) {
  switch (value.getType()) {
    case capnp::DynamicValue::VOID:
      out += "null";
      return;
    case capnp::DynamicValue::BOOL:
      out += value.as<bool>() ? "true" : "false";
      return;
    case capnp::DynamicValue::INT:
      AppendInteger(out, value.as<int64_t>());
      return;
    case capnp::DynamicValue::UINT:
      fmt::format_to(std::back_inserter(out), "{}", value.as<uint64_t>());
      return;
    case capnp::DynamicValue::FLOAT:
      fmt::format_to(std::back_inserter(out), "{}", value.as<double>());
      return;
    case capnp::DynamicValue::TEXT: {
      auto text = value.as<capnp::Text>();
      AppendJsonString(out, std::string_view(text.cStr(), text.size()));
      return;
    }
    case capnp::DynamicValue::DATA:
      AppendJsonString(out, Hex(value.as<capnp::Data>()));
      return;
    case capnp::DynamicValue::ENUM: {
      auto value_enum = value.as<capnp::DynamicEnum>();
      const auto& words = EventPlans().enum_words;
      auto found = words.find(value_enum.getSchema().getProto().getId());
      uint16_t raw = value_enum.getRaw();
      if (found != words.end() && raw < found->second.size()) {
        out += found->second[raw];
        return;
      }
      AppendInteger(out, raw);
      return;
    }
    case capnp::DynamicValue::STRUCT:
      AppendStruct(out, value.as<capnp::DynamicStruct>());
      return;
    case capnp::DynamicValue::LIST: {
      auto list = value.as<capnp::DynamicList>();
      auto element = list.getSchema().getElementType();
      out += '[';
      bool first = true;
      for (auto item : list) {
        if (!first) out += ',';
        first = false;
        AppendValue(out, item, element);
      }
      out += ']';
      return;
    }
    default:
      out += "null";
  }
}

void AppendPayload(std::string& out, schema::Event::Reader e) {
  capnp::DynamicStruct::Reader payload = e.getPayload();
  KJ_IF_MAYBE (field, payload.which()) {
    AppendValue(out, payload.get(*field), field->getType());
    return;
  }
  out += "{}";
}

}  // namespace

std::string DateJson(const CivilDate& date) {
  return date.year == 0 ? "null" : JsonString(FormatDate(date));
}

std::string PayloadJson(schema::Event::Reader e) {
  std::string out;
  AppendPayload(out, e);
  return out;
}

std::string EventIdText(capnp::Data::Reader id) {
  auto parsed = EventId::FromBytes({reinterpret_cast<const char*>(id.begin()), id.size()});
  return parsed.ok() ? parsed->ToString() : Hex(id);
}

void AppendJsonString(std::string& out, std::string_view text) {
  // Stored text is UTF-8 (every input is checked); bytes from elsewhere, an audit bundle or a
  // proof under check, may not be, and the JSON must still be valid.
  std::string valid;
  out += '"';
  size_t plain = 0;  // the run of bytes that need no escape, appended at once
  for (; plain < text.size(); ++plain) {
    auto byte = static_cast<unsigned char>(text[plain]);
    if (byte < 0x20 || byte == '"' || byte == '\\' || byte >= 0x7F) break;
  }
  if (plain == text.size()) {
    out.append(text);
    out += '"';
    return;
  }
  if (!IsValidUtf8(text)) {
    valid = ReplaceInvalidUtf8(text);
    text = valid;
  }
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
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", byte);
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendJsonString(out, text);
  return out;
}

std::string Timestamp(int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t rest = seconds % 86400;
  return fmt::format("{}T{:02d}:{:02d}:{:02d}.{:06d}Z", FormatDate(CivilFromDays(seconds / 86400)),
                     rest / 3600, rest / 60 % 60, rest % 60, micros % 1000000);
}

std::string EventJson(const RecordedEvent& recorded) {
  std::string out;
  out.reserve(512);
  AppendEventJson(out, recorded);
  return out;
}

void AppendEventJson(std::string& out, const RecordedEvent& recorded) {
  auto e = recorded.Get();
  out += "{\"position\":";
  fmt::format_to(std::back_inserter(out), "{}", recorded.position());
  out += ",\"recordedAt\":\"";
  out += Timestamp(e.getRecordedAtMicros());
  out += "\",\"streamId\":";
  AppendJsonString(out, e.getStreamId().cStr());
  out += ",\"streamVersion\":";
  fmt::format_to(std::back_inserter(out), "{}", e.getStreamVersion());
  out += ",\"eventId\":\"";
  out += EventIdText(e.getEventId());
  out += "\",\"effectiveDate\":";
  out += DateJson(DateOf(e.getEffectiveDate()));
  out += ",\"actor\":";
  AppendJsonString(out, e.getActor().getId().cStr());
  out += ",\"role\":";
  AppendJsonString(out, RoleName(e.getActor().getRole()));
  out += ",\"type\":";
  AppendJsonString(out, EventTypeName(e));
  out += ",\"payload\":";
  AppendPayload(out, e);
  if (e.hasSource()) {
    out += ",\"source\":";
    AppendJsonString(out, e.getSource().cStr());
  }
  // An opened event keeps `sealed` only when its subject's key is gone (sealing.h); a stored
  // one (in an audit bundle) still holds the ciphertext.
  if (e.hasSealed()) {
    out += e.getSealed().hasCiphertext() ? ",\"sealedFor\":" : ",\"erasedSubject\":";
    AppendJsonString(out, SubjectOf(e.getSealed()));
  }
  out += '}';
}

}  // namespace secondment
