#include "ledger/log/checkpoints.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/log/internal/checkpoint_store.h"
#include "ledger/log/internal/core.h"
#include "ledger/log/internal/merkle.h"

namespace secondment {
namespace {

// A note dated far ahead would block every later checkpoint (they never go back).
constexpr int64_t kMaxClockSkewMicros = 5LL * 60 * 1000 * 1000;

// Stores `signed_checkpoint` after the last one unless it would go back.
Status StoreAfterLast(internal::LogCore& core, const SignedCheckpoint& signed_checkpoint,
                      const PublicKey& key) REQUIRES(core.checkpoint_mutex()) {
  const Checkpoint& checkpoint = signed_checkpoint.checkpoint;
  ASSIGN_OR_RETURN(auto stored, internal::LoadCheckpoints(core.store()));
  uint64_t sequence = 1;
  if (!stored.empty()) {
    const Checkpoint& last = stored.back().signed_checkpoint.checkpoint;
    sequence = stored.back().sequence + 1;
    if (checkpoint.size < last.size || checkpoint.time_micros < last.time_micros) {
      return RuleViolation(fmt::format(
          "checkpoints never go back: the last one covers {} events at {}, this one would "
          "cover {} at {}",
          last.size, FormatMicros(last.time_micros), checkpoint.size,
          FormatMicros(checkpoint.time_micros)));
    }
  }
  RETURN_IF_ERROR(internal::SaveCheckpoint(core.store(), sequence, signed_checkpoint, key));
  core.logger().info("stored checkpoint #{} at size {} signed by key {}", sequence, checkpoint.size,
                     signed_checkpoint.key_id);
  return Status::Ok();
}

}  // namespace

Result<SignedCheckpoint> LogCheckpoints::Make(const SigningKey& key) {
  internal::LogCore& core = internal::CoreOf(*log_);
  RETURN_IF_ERROR(core.RequireWritable("a checkpoint"));
  MutexLock lock(&core.checkpoint_mutex());
  Checkpoint checkpoint;
  ASSIGN_OR_RETURN(checkpoint.ledger_id, core.LedgerId());
  checkpoint.size = core.Head();
  ASSIGN_OR_RETURN(checkpoint.root, RootOfSize(checkpoint.size, core.Tree()));
  checkpoint.time_micros = core.clock().NowMicros();
  SignedCheckpoint signed_checkpoint = key.Sign(checkpoint);
  RETURN_IF_ERROR(StoreAfterLast(core, signed_checkpoint, key.Public()));
  return signed_checkpoint;
}

Status LogCheckpoints::Store(const SignedCheckpoint& signed_checkpoint, const PublicKey& key) {
  internal::LogCore& core = internal::CoreOf(*log_);
  RETURN_IF_ERROR(core.RequireWritable("a checkpoint"));
  MutexLock lock(&core.checkpoint_mutex());
  RETURN_IF_ERROR(key.Verify(signed_checkpoint));
  const Checkpoint& c = signed_checkpoint.checkpoint;
  ASSIGN_OR_RETURN(std::string ledger_id, core.LedgerId());
  if (c.ledger_id != ledger_id) {
    return InvalidArgument(fmt::format("the checkpoint is of ledger {}, not of this one ({})",
                                       c.ledger_id, ledger_id));
  }
  if (c.size > core.Head()) {
    return InvalidArgument(
        fmt::format("the checkpoint covers {} events; the log holds {}", c.size, core.Head()));
  }
  if (c.time_micros > core.clock().NowMicros() + kMaxClockSkewMicros) {
    return InvalidArgument(fmt::format("the checkpoint is dated {}, ahead of this ledger's clock",
                                       FormatMicros(c.time_micros)));
  }
  ASSIGN_OR_RETURN(Hash256 root, RootOfSize(c.size, core.Tree()));
  if (root != c.root) {
    return InvalidArgument(fmt::format(
        "the checkpoint's root is not this log's root at size {} ({})", c.size, ToHex(root)));
  }
  return StoreAfterLast(core, signed_checkpoint, key);
}

Result<std::vector<SignedCheckpoint>> LogCheckpoints::List() {
  ASSIGN_OR_RETURN(auto stored, internal::LoadCheckpoints(internal::CoreOf(*log_).store()));
  std::vector<SignedCheckpoint> out;
  for (auto& s : stored) out.push_back(std::move(s.signed_checkpoint));
  return out;
}

Result<std::vector<PublicKey>> LogCheckpoints::Keys() {
  ASSIGN_OR_RETURN(auto stored, internal::LoadCheckpoints(internal::CoreOf(*log_).store()));
  std::vector<PublicKey> keys;
  for (auto& s : stored) {
    if (!s.key) {
      return Corruption(fmt::format("the public key {} of checkpoint #{} is not stored",
                                    s.signed_checkpoint.key_id, s.sequence));
    }
    bool seen = std::any_of(keys.begin(), keys.end(),
                            [&](const PublicKey& k) { return k.raw() == s.key->raw(); });
    if (!seen) keys.push_back(*s.key);
  }
  return keys;
}

}  // namespace secondment
