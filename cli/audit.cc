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
  if ((args.Has("checkpoint") || args.Has("checkpoint-note")) &&
      !(args.Has("pubkey") || args.Has("pubkey-pem"))) {
    return Fail(InvalidArgument(
        "--checkpoint needs --pubkey: the checkpoint to check and the key you trust go together"));
  }
  auto key_option = PublicKeyOption(args);
  if (!key_option.ok()) return Fail(key_option.status());
  std::optional<PublicKey> key = std::move(*key_option);
  auto held_option = CheckpointOption(args);
  if (!held_option.ok()) return Fail(held_option.status());
  std::optional<SignedCheckpoint> held = std::move(*held_option);
  auto log = env.OpenForRead(/*repair=*/false);
  if (!log.ok()) return Fail(log.status());
  VerifyReport report;
  {
    Progress progress;
    auto verified = VerifyLog(**log, [&](uint64_t done, uint64_t total) { progress(done, total); });
    if (!verified.ok()) return Fail(verified.status());
    report = *verified;
  }
  // Stored checkpoints were checked against the keys stored beside them; with a key the
  // auditor trusts, each must be signed by it, or a rewrite re-signed with another key passes.
  auto stored = LogCheckpoints(**log).List();
  if (!stored.ok()) return Fail(stored.status());
  std::vector<std::string> key_ids;
  for (size_t i = 0; i < stored->size(); ++i) {
    const SignedCheckpoint& c = (*stored)[i];
    if (key) {
      if (Status s = key->Verify(c); !s.ok()) {
        return Fail(Corruption(fmt::format("stored checkpoint #{}: {}", i + 1, s.message())));
      }
    }
    if (std::find(key_ids.begin(), key_ids.end(), c.key_id) == key_ids.end()) {
      key_ids.push_back(c.key_id);
    }
  }
  std::optional<LogExtension> extension;
  if (held) {
    auto extends = VerifyExtends(**log, *held, *key);
    if (!extends.ok()) return Fail(extends.status());
    extension = *extends;
  }
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
  // Either signed here with --key, or (as a client sends it through --connect, so that the key
  // never leaves the client) signed elsewhere: --note-text with --pubkey-pem.
  if (args.Has("key") == args.Has("note-text")) {
    return Fail(InvalidArgument("checkpoint needs --key KEY (--key is required for checkpoint)"));
  }
  std::optional<SigningKey> key;
  std::optional<SignedCheckpoint> given;
  std::optional<PublicKey> given_key;
  if (auto key_path = args.Get("key")) {
    auto loaded = ReadPrivateKeyFile(*key_path);
    if (!loaded.ok()) return Fail(loaded.status());
    key.emplace(std::move(*loaded));
  } else {
    auto note = ParseCheckpointNote(*args.Get("note-text"));
    if (!note.ok()) return Fail(note.status());
    given = std::move(*note);
    auto pub = PublicKeyOption(args);
    if (!pub.ok()) return Fail(pub.status());
    if (!*pub) return Fail(InvalidArgument("--note-text needs --pubkey-pem"));
    given_key = std::move(**pub);
  }
  auto secondments = env.OpenForWrite(/*create=*/false);
  if (!secondments.ok()) return Fail(secondments.status());
  Result<SignedCheckpoint> checkpoint = InvalidArgument("unreachable");
  if (key) {
    checkpoint = LogCheckpoints(*env.log()).Make(*key);
  } else if (Status stored = LogCheckpoints(*env.log()).Store(*given, *given_key); !stored.ok()) {
    checkpoint = stored;
  } else {
    checkpoint = *given;
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
  auto log = env.OpenForRead(/*repair=*/false);
  if (!log.ok()) return Fail(log.status());
  auto ledger = LogProofs(**log).LedgerId();
  if (!ledger.ok()) return Fail(ledger.status());
  auto head = LogProofs(**log).Head();
  if (!head.ok()) return Fail(head.status());
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
       {{"checkpoint"}, {"pubkey"}, {"checkpoint-note"}, {"pubkey-pem"}},
       RunVerify},
      {"keygen",
       "keygen --out KEY",
       "make an Ed25519 key pair for checkpoints: KEY (owner-only) and KEY.pub",
       {{"out"}},
       RunKeygen},
      {"checkpoint",
       "checkpoint --key KEY [--out FILE]",
       "sign the ledger's tree size, root and time with KEY, store it and print the note",
       {{"key"}, {"out"}, {"note-text"}, {"pubkey-pem"}},
       RunCheckpoint},
      {"tree-head",
       "tree-head",
       "the ledger id, the number of events and the root of their Merkle tree",
       {},
       RunTreeHead},
  };
}

}  // namespace secondment::cli
