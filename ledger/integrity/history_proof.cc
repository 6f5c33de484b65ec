#include "ledger/integrity/history_proof.h"

#include <fmt/format.h>
#include <kj/encoding.h>

#include <cstring>

#include "ledger/base/json_input.h"
#include "ledger/event/event_json.h"
#include "ledger/integrity/envelope.h"
#include "ledger/integrity/merkle_verify.h"

namespace secondment {
namespace {

constexpr std::string_view kFormat = "secondment-ledger history proof v1";

std::string_view View(const Hash256& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace

std::string HistoryProof::ToJson() const {
  std::string out =
      fmt::format("{{\"format\":{},\"stream\":{},\"checkpoint\":{},\"events\":[",
                  JsonString(kFormat), JsonString(stream), JsonString(checkpoint_note));
  for (size_t i = 0; i < events.size(); ++i) {
    const Entry& e = events[i];
    auto canonical = kj::encodeBase64(
        kj::arrayPtr(reinterpret_cast<const kj::byte*>(e.canonical.data()), e.canonical.size()));
    out += fmt::format("{}\n{{\"position\":\"{}\",\"canonical\":\"{}\",\"inclusion\":[",
                       i ? "," : "", e.position, canonical.cStr());
    for (size_t j = 0; j < e.inclusion.size(); ++j) {
      out += fmt::format("{}\"{}\"", j ? "," : "", ToHex(e.inclusion[j]));
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

namespace {

Status Missing(const JsonObject& object, std::string_view name) {
  return InvalidArgument(fmt::format("{} has no {}", object.where(), name));
}

Result<std::string> RequiredString(const JsonObject& object, std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, object.String(name));
  if (!value) return Missing(object, name);
  return std::move(*value);
}

Result<HistoryProof::Entry> ParseEntry(const JsonObject& item) {
  RETURN_IF_ERROR(item.CheckKnownFields({"position", "canonical", "inclusion"}));
  HistoryProof::Entry entry;
  ASSIGN_OR_RETURN(std::string position, RequiredString(item, "position"));
  if (position.empty() || position.size() > 19 ||
      position.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument(fmt::format("position in {} must be a whole number", item.where()));
  }
  entry.position = std::stoull(position);
  ASSIGN_OR_RETURN(std::string canonical, RequiredString(item, "canonical"));
  auto decoded = kj::decodeBase64(kj::StringPtr(canonical.c_str()));
  if (decoded.hadErrors) {
    return InvalidArgument(fmt::format("canonical in {} is not base64", item.where()));
  }
  entry.canonical.assign(reinterpret_cast<const char*>(decoded.begin()), decoded.size());
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> hashes, item.Strings("inclusion"));
  if (!hashes) return Missing(item, "inclusion");
  for (const std::string& hex : *hashes) {
    auto raw = kj::decodeHex(kj::ArrayPtr<const char>(hex.data(), hex.size()));
    if (raw.hadErrors) {
      return InvalidArgument(
          fmt::format("inclusion in {} holds a hash that is not hex", item.where()));
    }
    entry.inclusion.emplace_back(reinterpret_cast<const char*>(raw.begin()), raw.size());
  }
  return entry;
}

}  // namespace

Result<HistoryProof> HistoryProof::FromJson(std::string_view text) {
  ASSIGN_OR_RETURN(JsonDocument doc, JsonDocument::Parse(text, "the proof", kMaxProofBytes));
  ASSIGN_OR_RETURN(JsonObject root, doc.RootObject());
  RETURN_IF_ERROR(root.CheckKnownFields({"format", "stream", "checkpoint", "events"}));
  ASSIGN_OR_RETURN(std::string format, RequiredString(root, "format"));
  if (format != kFormat) {
    return InvalidArgument(fmt::format("the proof's format is not '{}'", kFormat));
  }
  HistoryProof proof;
  ASSIGN_OR_RETURN(proof.stream, RequiredString(root, "stream"));
  ASSIGN_OR_RETURN(proof.checkpoint_note, RequiredString(root, "checkpoint"));
  ASSIGN_OR_RETURN(std::optional<std::vector<JsonObject>> events, root.Objects("events"));
  if (!events) return Missing(root, "events");
  for (const JsonObject& item : *events) {
    ASSIGN_OR_RETURN(Entry entry, ParseEntry(item));
    proof.events.push_back(std::move(entry));
  }
  return proof;
}

Result<VerifiedHistory> VerifyHistoryProof(const HistoryProof& proof, const PublicKey& key) {
  ASSIGN_OR_RETURN(SignedCheckpoint checkpoint, ParseCheckpointNote(proof.checkpoint_note));
  RETURN_IF_ERROR(key.Verify(checkpoint));
  const Checkpoint& c = checkpoint.checkpoint;
  std::string_view root = View(c.root);
  if (proof.events.empty()) return Corruption("the proof holds no events");
  std::optional<Hash256> previous_leaf;
  Position previous_position = 0;
  for (size_t i = 0; i < proof.events.size(); ++i) {
    const HistoryProof::Entry& entry = proof.events[i];
    auto fail = [&](std::string_view what) {
      return Corruption(
          fmt::format("event {} of the proof (position {}): {}", i + 1, entry.position, what));
    };
    if (entry.position == 0 || entry.position <= previous_position) {
      return fail("positions must rise from 1");
    }
    Hash256 leaf = LeafHash(entry.canonical);
    Status included =
        VerifyInclusion(View(leaf), entry.position - 1, c.size, entry.inclusion, root);
    if (!included.ok()) return fail(included.message());
    auto envelope = ReadEnvelope(entry.canonical);
    if (!envelope.ok()) return fail(envelope.status().message());
    if (envelope->position != entry.position) {
      return fail(fmt::format("the event names position {}", envelope->position));
    }
    if (envelope->stream != proof.stream) {
      return fail(fmt::format("the event belongs to stream {}", envelope->stream));
    }
    if (envelope->version != i) {
      return fail(fmt::format(
          "it is version {} where version {} should be: {} missing", envelope->version, i,
          envelope->version > i ? "events are" : "the order is wrong or events are"));
    }
    if (i == 0 && envelope->prev_hash) {
      return fail("the first event names a predecessor");
    }
    if (i > 0 && (!envelope->prev_hash || *envelope->prev_hash != View(*previous_leaf))) {
      return fail("it does not name the hash of the event before it: the chain is broken");
    }
    previous_leaf = leaf;
    previous_position = entry.position;
  }
  return VerifiedHistory{std::move(checkpoint),
                         static_cast<StreamVersion>(proof.events.size() - 1)};
}

}  // namespace secondment
