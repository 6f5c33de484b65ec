// The auditor's commands that take evidence away from the ledger and check it elsewhere:
// prove, verify-proof, audit-bundle, verify-bundle. The two verify commands open no ledger.
// See docs/audit.md.

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "cli/audit_files.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "ledger/audit/bundle.h"
#include "ledger/base/json_input.h"
#include "ledger/integrity/bundle_verify.h"
#include "ledger/integrity/history_proof.h"

namespace secondment::cli {
namespace {

int RunProve(Env& env, const Args& args) {
  auto id = args.OnlyPositional("secondment");
  if (!id.ok()) return Fail(id.status());
  if (Status valid = ValidateId(*id, "secondment"); !valid.ok()) return Fail(valid);
  auto checkpoint_option = CheckpointOption(args);
  if (!checkpoint_option.ok()) return Fail(checkpoint_option.status());
  if (!*checkpoint_option) return Fail(InvalidArgument("--checkpoint is required for prove"));
  const SignedCheckpoint* checkpoint = &**checkpoint_option;
  auto desk = env.Desk({service::Operation::kAudit, service::Access::kRead, /*repair=*/false});
  if (!desk.ok()) return Fail(desk.status());
  auto proof = (*desk)->Prove(*id, *checkpoint);
  if (!proof.ok()) return Fail(proof.status());
  std::string json = proof->ToJson();
  auto out = args.Get("out");
  if (!out) {
    std::fputs(json.c_str(), Out());
    return 0;
  }
  if (Status written = WriteNewFile(*out, json, 0644); !written.ok()) return Fail(written);
  std::fprintf(Out(),
               "wrote the proof of %s to %s: %zu events, versions 0 to %zu, in the checkpoint of "
               "%llu events\n",
               id->c_str(), out->c_str(), proof->events.size(), proof->events.size() - 1,
               static_cast<unsigned long long>(checkpoint->checkpoint.size));
  return 0;
}

int RunVerifyProof(Env& env, const Args& args) {
  auto path = args.OnlyPositional("proof file");
  if (!path.ok()) return Fail(path.status());
  auto pub_path = args.Required("pubkey");
  if (!pub_path.ok()) return Fail(pub_path.status());
  auto key = ReadPublicKeyFile(*pub_path);
  if (!key.ok()) return Fail(key.status());
  auto text = ReadSmallFile(*path, kMaxProofBytes);
  if (!text.ok()) return Fail(text.status());
  auto proof = HistoryProof::FromJson(*text);
  if (!proof.ok()) return Fail(proof.status());
  auto verified = VerifyHistoryProof(*proof, *key);
  if (!verified.ok()) return Fail(verified.status());
  // Only what was verified is shown: each event decoded from the proven bytes.
  for (const auto& entry : proof->events) {
    auto event = RecordedEvent::DecodeForeign(entry.position, entry.canonical);
    if (!event.ok()) return Fail(event.status());
    std::fprintf(Out(), "%s\n", (env.json() ? EventJson(*event) : EventLine(*event)).c_str());
  }
  const Checkpoint& c = verified->checkpoint.checkpoint;
  if (env.json()) {
    std::fprintf(Out(),
                 "{\"verified\":true,\"ledger\":\"%s\",\"stream\":%s,\"versions\":%u,"
                 "\"checkpointSize\":\"%llu\",\"root\":\"%s\",\"time\":\"%s\",\"keyId\":\"%s\"}\n",
                 c.ledger_id.c_str(), JsonString(proof->stream).c_str(), verified->last_version + 1,
                 static_cast<unsigned long long>(c.size), ToHex(c.root).c_str(),
                 FormatMicros(c.time_micros).c_str(), verified->checkpoint.key_id.c_str());
  } else {
    std::fprintf(
        Out(),
        "verified %s of ledger %s: versions 0 to %u, none missing, each in the checkpoint of "
        "%llu events (root %s) signed at %s by key %s\n",
        proof->stream.c_str(), c.ledger_id.c_str(), verified->last_version,
        static_cast<unsigned long long>(c.size), ToHex(c.root).c_str(),
        FormatMicros(c.time_micros).c_str(), verified->checkpoint.key_id.c_str());
  }
  return 0;
}

int RunAuditBundle(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(
        InvalidArgument("audit-bundle takes no arguments; see secondment audit-bundle --help"));
  }
  auto out = args.Required("out");
  if (!out.ok()) return Fail(out.status());
  auto ledger = env.Local("audit-bundle", service::Access::kRead, /*repair=*/false);
  if (!ledger.ok()) return Fail(ledger.status());
  auto summary = (*ledger)->ExportBundle(service::Caller::Administrator(), *out, EventJson);
  if (!summary.ok()) return Fail(summary.status());
  if (summary->checkpoints == 0) {
    std::fprintf(Err(),
                 "note: the ledger holds no signed checkpoint; run secondment checkpoint --key KEY "
                 "first, or the bundle proves only that it agrees with itself\n");
  }
  if (env.json()) {
    std::fprintf(Out(), "{\"bundle\":%s,\"events\":\"%llu\",\"root\":\"%s\",\"checkpoints\":%zu}\n",
                 JsonString(*out).c_str(), static_cast<unsigned long long>(summary->events),
                 ToHex(summary->root).c_str(), summary->checkpoints);
  } else {
    std::fprintf(Out(), "wrote audit bundle %s: %llu events, root %s, %zu checkpoints\n",
                 out->c_str(), static_cast<unsigned long long>(summary->events),
                 ToHex(summary->root).c_str(), summary->checkpoints);
  }
  return 0;
}

int RunVerifyBundle(Env& env, const Args& args) {
  auto dir = args.OnlyPositional("bundle directory");
  if (!dir.ok()) return Fail(dir.status());
  std::optional<PublicKey> trusted;
  if (auto pub_path = args.Get("pubkey")) {
    auto key = ReadPublicKeyFile(*pub_path);
    if (!key.ok()) return Fail(key.status());
    trusted = std::move(*key);
  }
  std::vector<SignedCheckpoint> held;
  for (const std::string& path : args.All("checkpoint")) {
    auto note = ReadCheckpointFile(path);
    if (!note.ok()) return Fail(note.status());
    held.push_back(std::move(*note));
  }
  // events.jsonl is what a person reads: each line must be the rendering of the verified
  // bytes.
  std::ifstream json(*dir + "/" + kBundleJson);
  auto check_json = [&](uint64_t position, std::string_view canonical) -> Status {
    std::string line;
    if (!json || !std::getline(json, line)) {
      return Corruption(fmt::format("position {}: events.jsonl has no line for it", position));
    }
    ASSIGN_OR_RETURN(RecordedEvent event, RecordedEvent::DecodeForeign(position, canonical));
    if (line != EventJson(event)) {
      return Corruption(fmt::format(
          "position {}: its line in events.jsonl does not match its verified bytes", position));
    }
    return Status::Ok();
  };
  auto report = VerifyBundle(*dir, trusted, held, check_json);
  if (!report.ok()) return Fail(report.status());
  std::string extra;
  if (std::getline(json, extra)) {
    return Fail(Corruption("events.jsonl has more lines than the bundle has events"));
  }
  if (trusted && report->events > 0 && report->covered == 0) {
    return Fail(Corruption(fmt::format(
        "no checkpoint signed by the key given ({}) covers any event of the bundle: its {} "
        "events are not authenticated",
        trusted->KeyId(), report->events)));
  }
  std::string keys =
      report->key_ids.empty() ? "none" : fmt::format("{}", fmt::join(report->key_ids, ", "));
  if (env.json()) {
    std::fprintf(Out(),
                 "{\"ledger\":\"%s\",\"events\":\"%llu\",\"covered\":\"%llu\",\"root\":\"%s\","
                 "\"checkpoints\":%zu,\"keys\":%s,\"trustedKeyGiven\":%s}\n",
                 report->ledger_id.c_str(), static_cast<unsigned long long>(report->events),
                 static_cast<unsigned long long>(report->covered), ToHex(report->root).c_str(),
                 report->checkpoints, JsonString(keys).c_str(),
                 report->keys_from_bundle ? "false" : "true");
    return 0;
  }
  std::fprintf(
      Out(),
      "verified bundle %s of ledger %s: %llu events, root %s, %zu checkpoints signed by key %s\n",
      dir->c_str(), report->ledger_id.c_str(), static_cast<unsigned long long>(report->events),
      ToHex(report->root).c_str(), report->checkpoints, keys.c_str());
  if (report->covered < report->events) {
    std::fprintf(
        Out(),
        "note: events %llu to %llu come after the last signed checkpoint: they agree with the "
        "rest, but no signature covers them\n",
        static_cast<unsigned long long>(report->covered + 1),
        static_cast<unsigned long long>(report->events));
  }
  if (report->keys_from_bundle) {
    std::fprintf(
        Out(),
        "note: signatures were checked with the bundle's own keys; pass --pubkey with a key you "
        "trust to know who signed\n");
  }
  return 0;
}

}  // namespace

std::vector<CommandDef> OfflineAuditCommandDefs() {
  return {
      {"prove",
       "prove ID --checkpoint FILE [--out FILE]",
       "write a secondment's full history with an inclusion proof for each event",
       {{"checkpoint"}, {"out"}},
       RunProve},
      {"verify-proof",
       "verify-proof FILE --pubkey PUB",
       "check a proof from prove (no ledger needed) and print the events it proves",
       {{"pubkey"}},
       RunVerifyProof},
      {"audit-bundle",
       "audit-bundle --out DIR",
       "export the log, its checkpoints and public keys for an offline audit",
       {{"out"}},
       RunAuditBundle},
      {"verify-bundle",
       "verify-bundle DIR [--pubkey PUB] [--checkpoint FILE]...",
       "check an audit bundle without any ledger or database",
       {{"pubkey"}, {"checkpoint", true, true}},
       RunVerifyBundle},
  };
}

}  // namespace secondment::cli
