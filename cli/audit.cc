// The auditor's commands on a live ledger: verify, keygen, checkpoint. See docs/audit.md.

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "cli/audit_files.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "ledger/audit/extends.h"
#include "ledger/log/checkpoints.h"
#include "ledger/log/proofs.h"
#include "ledger/log/verify.h"

namespace secondment::cli {
namespace {

using service::Access;
using service::Operation;

// "verifying 123,456 of 830,405 events" on a terminal, redrawn in place.
class Progress {
 public:
  Progress() : enabled_(::isatty(::fileno(Err())) == 1) {}
  ~Progress() {
    if (drawn_) std::fputs("\r\033[K", Err());
  }
  void operator()(uint64_t done, uint64_t total) {
    if (!enabled_) return;
    drawn_ = true;
    std::fprintf(Err(), "\rverifying: %llu of %llu events", static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total));
    std::fflush(Err());
  }

 private:
  bool enabled_;
  bool drawn_ = false;
};

int RunVerify(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("verify takes no arguments; see secondment verify --help"));
  }
  if (args.Has("checkpoint") && !args.Has("pubkey")) {
    return Fail(InvalidArgument(
        "--checkpoint needs --pubkey: the checkpoint to check and the key you trust go together"));
  }
  auto key_option = PublicKeyOption(args);
  if (!key_option.ok()) return Fail(key_option.status());
  std::optional<PublicKey> key = std::move(*key_option);
  auto held_option = CheckpointOption(args);
  if (!held_option.ok()) return Fail(held_option.status());
  std::optional<SignedCheckpoint> held = std::move(*held_option);
  auto desk = env.Desk({Operation::kAudit, Access::kRead, /*repair=*/false});
  if (!desk.ok()) return Fail(desk.status());
  service::VerifyOutcome verified;
  {
    Progress progress;
    auto outcome =
        (*desk)->Verify(key, held, [&](uint64_t done, uint64_t total) { progress(done, total); });
    if (!outcome.ok()) return Fail(outcome.status());
    verified = std::move(*outcome);
  }
  const VerifyReport& report = verified.report;
  const std::vector<std::string>& key_ids = verified.checkpoint_key_ids;
  const std::optional<LogExtension>& extension = verified.extension;
  std::string keys = key_ids.empty() ? "none" : fmt::format("{}", fmt::join(key_ids, ", "));
  if (env.json()) {
    std::string extends_json;
    if (extension) {
      extends_json = fmt::format(
          ",\"extends\":{{\"size\":\"{}\",\"root\":\"{}\",\"time\":\"{}\",\"keyId\":\"{}\"}}",
          held->checkpoint.size, ToHex(held->checkpoint.root),
          FormatMicros(held->checkpoint.time_micros), held->key_id);
    }
    std::fprintf(
        Out(), "%s\n",
        fmt::format("{{\"events\":\"{}\",\"root\":\"{}\",\"streams\":{},\"checkpoints\":{},"
                    "\"checkpointKeys\":{}{}}}",
                    report.events, ToHex(report.root), report.streams, report.checkpoints,
                    JsonString(keys), extends_json)
            .c_str());
    return 0;
  }
  std::fprintf(Out(), "verified %llu events, root %s\n",
               static_cast<unsigned long long>(report.events), ToHex(report.root).c_str());
  std::fprintf(Out(), "%zu stored checkpoints, signed by key %s%s\n", report.checkpoints,
               keys.c_str(), key ? " (the key given)" : "");
  if (extension) {
    std::fprintf(Out(), "extends the checkpoint of %llu events (root %s) signed at %s by key %s\n",
                 static_cast<unsigned long long>(held->checkpoint.size),
                 ToHex(held->checkpoint.root).c_str(),
                 FormatMicros(held->checkpoint.time_micros).c_str(), held->key_id.c_str());
  }
  return 0;
}

int RunKeygen(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("keygen takes no arguments; see secondment keygen --help"));
  }
  auto out = args.Required("out");
  if (!out.ok()) return Fail(out.status());
  auto key = SigningKey::Generate();
  if (!key.ok()) return Fail(key.status());
  std::string public_path = *out + ".pub";
  Status written = WriteKeyFiles(*out, public_path, *key);
  if (!written.ok()) return Fail(written);
  if (env.json()) {
    std::fprintf(Out(), "{\"privateKey\":%s,\"publicKey\":%s,\"keyId\":\"%s\"}\n",
                 JsonString(*out).c_str(), JsonString(public_path).c_str(),
                 key->Public().KeyId().c_str());
  } else {
    std::fprintf(Out(),
                 "wrote private key %s (readable by its owner only) and public key %s, key id %s\n",
                 out->c_str(), public_path.c_str(), key->Public().KeyId().c_str());
  }
  return 0;
}

int RunCheckpoint(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("checkpoint takes no arguments; see secondment checkpoint --help"));
  }
  auto key_path = args.Required("key");
  if (!key_path.ok()) return Fail(key_path.status());
  auto key = ReadPrivateKeyFile(*key_path);
  if (!key.ok()) return Fail(key.status());
  Result<SignedCheckpoint> checkpoint = InvalidArgument("unreachable");
  if (env.remote()) {
    // The key never leaves this machine: the server's tree head is signed here, and the server
    // stores the note after checking it against its own log.
    auto desk = env.Desk({Operation::kStoreCheckpoint});
    if (!desk.ok()) return Fail(desk.status());
    auto head = (*desk)->GetTreeHead();
    if (!head.ok()) return Fail(head.status());
    checkpoint = key->Sign(
        Checkpoint{head->ledger_id, head->head.size, head->head.root, SystemClock().NowMicros()});
    if (Status stored = (*desk)->StoreCheckpoint(*checkpoint, key->Public()); !stored.ok()) {
      return Fail(stored);
    }
  } else {
    auto ledger = env.Local("checkpoint", Access::kWrite);
    if (!ledger.ok()) return Fail(ledger.status());
    checkpoint = (*ledger)->MakeCheckpoint(service::Caller::Administrator(), *key);
  }
  if (!checkpoint.ok()) return Fail(checkpoint.status());
  std::string note = checkpoint->Note();
  if (auto out = args.Get("out")) {
    Status written = WriteNewFile(*out, note, 0644);
    if (!written.ok()) return Fail(written);
  }
  if (env.json()) {
    const Checkpoint& c = checkpoint->checkpoint;
    std::fprintf(Out(),
                 "{\"ledger\":\"%s\",\"size\":\"%llu\",\"root\":\"%s\",\"time\":\"%s\","
                 "\"keyId\":\"%s\",\"note\":%s}\n",
                 c.ledger_id.c_str(), static_cast<unsigned long long>(c.size),
                 ToHex(c.root).c_str(), FormatMicros(c.time_micros).c_str(),
                 checkpoint->key_id.c_str(), JsonString(note).c_str());
  } else {
    std::fputs(note.c_str(), Out());
  }
  return 0;
}

int RunTreeHead(Env& env, const Args& args) {
  if (!args.positional().empty()) {
    return Fail(InvalidArgument("tree-head takes no arguments"));
  }
  auto desk = env.Desk({Operation::kTreeHead, Access::kRead, /*repair=*/false});
  if (!desk.ok()) return Fail(desk.status());
  auto tree = (*desk)->GetTreeHead();
  if (!tree.ok()) return Fail(tree.status());
  const std::string* ledger = &tree->ledger_id;
  const TreeHead* head = &tree->head;
  if (env.json()) {
    std::fprintf(Out(), "{\"ledger\":\"%s\",\"size\":\"%llu\",\"root\":\"%s\"}\n", ledger->c_str(),
                 static_cast<unsigned long long>(head->size), ToHex(head->root).c_str());
  } else {
    std::fprintf(Out(), "ledger %s\nsize %llu\nroot %s\n", ledger->c_str(),
                 static_cast<unsigned long long>(head->size), ToHex(head->root).c_str());
  }
  return 0;
}

}  // namespace

std::vector<CommandDef> AuditCommandDefs() {
  return {
      {"verify",
       "verify [--pubkey PUB [--checkpoint FILE]]",
       "recompute and check every hash, chain, index and stored checkpoint; with the key you "
       "trust and a checkpoint you kept, prove the log extends it",
       {{"checkpoint"}, {"pubkey"}},
       RunVerify},
      {"keygen",
       "keygen --out KEY",
       "make an Ed25519 key pair for checkpoints: KEY (owner-only) and KEY.pub",
       {{"out"}},
       RunKeygen},
      {"checkpoint",
       "checkpoint --key KEY [--out FILE]",
       "sign the ledger's tree size, root and time with KEY, store it and print the note",
       {{"key"}, {"out"}},
       RunCheckpoint},
      {"tree-head",
       "tree-head",
       "the ledger id, the number of events and the root of their Merkle tree",
       {},
       RunTreeHead},
  };
}

}  // namespace secondment::cli
